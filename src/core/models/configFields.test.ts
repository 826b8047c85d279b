import { describe, expect, it } from 'vitest';
import { configFrom, MLP_FIELDS } from './configFields';
import { resolveParams, ZOO, zooEntry } from './zoo';

describe('zoo params → builder configs', () => {
  it('a schema that does not provide a config field is reported by name, not built with undefined', () => {
    const mlp = zooEntry('mlp');
    const { dHidden: _, ...renamed } = resolveParams(mlp, { layers: 2, dModel: 8, dHidden: 16, batch: 2 });
    expect(() => mlp.build({ ...renamed, hidden: 16 })).toThrow(/"mlp": its builder needs a number parameter "dHidden", its schema gives none/);
  });

  it('a field of the wrong type is reported too', () => {
    const p = { layers: 2, dModel: 8, dHidden: '16', batch: 2, optimizer: 'adam', precision: 'fp32', learningRate: 1e-3, mode: 'train' };
    expect(() => configFrom('mlp', p, MLP_FIELDS)).toThrow(/needs a number parameter "dHidden", its schema gives a string/);
  });

  it("every zoo entry's schema provides every field its builder reads", () => {
    for (const entry of ZOO) {
      const defaults = resolveParams(entry, {});
      // Small enough to build quickly: the builders read every config field while building.
      expect(() => entry.build(defaults), entry.name).not.toThrow();
    }
  });
});
