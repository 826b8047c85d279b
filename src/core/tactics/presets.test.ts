import { describe, expect, it } from 'vitest';
import { tacticCatalog } from './catalog';
import { expandPreset, isPreset } from './presets';

const range = { line: 1, column: 1, endLine: 1, endColumn: 2 };

describe('preset expansion', () => {
  it('every preset the catalog lists expands to a tactic that seeds something', () => {
    const presets = tacticCatalog.filter((t) => t.kind === 'preset');
    expect(presets.length).toBeGreaterThan(5);
    for (const spec of presets) {
      expect(isPreset(spec.name), spec.name).toBe(true);
      const [tactic] = expandPreset('T', spec.name, { axis: 'model', stage: 3 }, [], range, spec.example);
      expect(tactic.inputs.length, spec.name).toBeGreaterThan(0);
    }
  });

  it('refuses a name without an expansion instead of returning an empty tactic', () => {
    expect(() => expandPreset('T', 'PipelineParallel', { axis: 'model' }, [], range, 'PipelineParallel(axis="model")'))
      .toThrow(/"PipelineParallel" is listed as a preset but has no expansion/);
  });
});
