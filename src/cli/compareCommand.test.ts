import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../core/errors';
import { compareCommand } from './compareCommand';

function write(dir: string, name: string, tactics: string): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({
    version: 1,
    model: { zoo: 'transformer', params: { layers: 1, dModel: 64, heads: 4, dFF: 256, seq: 32, vocab: 128, batch: 8 } },
    mesh: { axes: [{ name: 'batch', size: 2 }, { name: 'model', size: 2 }] },
    hardware: { preset: 'tpu-v5p' },
    tactics,
  }));
  return path;
}

describe('compare command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'compare-'));
  const a = write(dir, 'a.json', 'BP = BatchParallel(axis="batch")\nschedule = [BP]');
  const b = write(dir, 'b.json', 'BP = BatchParallel(axis="batch")\nMP = Megatron(axis="model")\nschedule = [BP, MP]');

  it('prints a table of deltas and the differences, and JSON with the same figures', () => {
    const out = compareCommand.run([a, b, '--json']);
    const json = out.json as { a: string; time: { step: { delta: number } }; shardings: { count: number } };
    expect(json.a).toBe(a);
    expect(json.shardings.count).toBeGreaterThan(0);
    expect(out.text).toMatch(/^step\s/m);
    expect(out.text).toMatch(/peak/);
    expect(out.text).toMatch(/collectives added in B/);
    expect(out.text).toContain('params/layer_0/mlp/w_in');
    expect(out.text).toMatch(/shardings: \d+ values differ/);
  });

  it('needs exactly two files', () => {
    expect(() => compareCommand.run([a])).toThrow(UserError);
  });
});
