import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../core/errors';
import { importCommand } from './importCommand';

const dir = mkdtempSync(join(tmpdir(), 'import-cmd-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('import <file.mlir>', () => {
  it('summarizes the example attention block: inputs with paths and seeds, mesh, outputs', () => {
    const out = importCommand.run(['public/examples/attention_block.mlir']);
    const json = out.json as { ok: boolean; mesh: unknown; inputs: { name: string; sharding?: string }[]; outputs: { name: string }[]; opaque: unknown[] };
    expect(out.exitCode ?? 0).toBe(0);
    expect(json.ok).toBe(true);
    expect(json.mesh).toEqual({ axes: [{ name: 'data', size: 2 }] });
    expect(json.inputs.map((i) => i.name)).toEqual(['params/wk', 'params/wo', 'params/wq', 'params/wv', 'x']);
    expect(json.inputs.find((i) => i.name === 'x')?.sharding).toBe('[{data}, {}, {}]');
    expect(json.outputs.map((o) => o.name)).toEqual(['out0']);
    expect(out.text).toMatch(/mesh data=2/);
  });
  it('exits 1 with the diagnostic for a malformed module', () => {
    const out = importCommand.run([file('bad.mlir', 'module {\n  func.func public @main(%arg0: tensor<2xf32>) -> tensor<2xf32> {\n    return %x : tensor<2xf32>\n  }\n}\n')]);
    expect(out.exitCode).toBe(1);
    expect(out.text).toMatch(/^error: 3:5: .*%x is used before it is defined/);
  });
  it('a missing file is a UserError', () => {
    expect(() => importCommand.run([join(dir, 'nope.mlir')])).toThrow(UserError);
  });
});
