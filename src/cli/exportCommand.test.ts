import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isUserError } from '../core/errors';
import type { Config } from '../core/io/config';
import { exportCommand } from './exportCommand';

const dir = mkdtempSync(join(tmpdir(), 'partir-export-'));
function file(name: string, content: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

const mlp: Config = {
  version: 1,
  model: { zoo: 'mlp', params: { layers: 2, dModel: 8, dHidden: 16, batch: 4 } },
  mesh: { axes: [{ name: 'batch', size: 2 }, { name: 'model', size: 2 }] },
  hardware: { preset: 'tpu-v5p' },
  tactics: 'BP = BatchParallel(axis="batch")\nMP = Megatron(axis="model")\nschedule = [BP, MP]\n',
};
const mlpFile = file('mlp.json', mlp);

function userError(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (e) {
    if (isUserError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a UserError');
}

describe('export command', () => {
  it('prints JAX code, and with --json one document { format, text }', () => {
    const out = exportCommand.run(['--format', 'jax', mlpFile]);
    expect(out.text).toContain("mesh = Mesh(devices, ('batch', 'model'))");
    expect(out.json).toEqual({ format: 'jax', text: `${out.text}\n` });
  });

  it('accepts --format=value and writes --out files', () => {
    const target = join(dir, 'summary.md');
    const out = exportCommand.run([mlpFile, '--format=markdown', '--out', target]);
    const written = readFileSync(target, 'utf8');
    expect(written).toMatch(/^# mlp: BP, MP on batch=2 × model=2\n/);
    expect(out.text).toBe(`wrote ${target} (${written.length} characters, markdown)`);
    expect((out.json as { out: string }).out).toBe(target);
  });

  it('writes a trace that parses as JSON', () => {
    const out = exportCommand.run(['--format', 'trace', mlpFile]);
    expect(JSON.parse(out.text).traceEvents.length).toBeGreaterThan(0);
  });

  it('annotates an imported module with sdy shardings', () => {
    const stablehlo = [
      'module @jit_f attributes {mhlo.num_partitions = 1 : i32} {',
      '  func.func public @main(%arg0: tensor<8x4xf32> {jax.arg_info = "x"}, %arg1: tensor<4x6xf32> {jax.arg_info = "w"}) -> (tensor<8x6xf32> {jax.result_info = ""}) {',
      '    %0 = stablehlo.dot_general %arg0, %arg1, contracting_dims = [1] x [0] : (tensor<8x4xf32>, tensor<4x6xf32>) -> tensor<8x6xf32>',
      '    return %0 : tensor<8x6xf32>',
      '  }',
      '}',
    ].join('\n');
    const cfg = file('module.json', { ...mlp, model: { stablehlo }, tactics: 'A = ManualPartition(inputs={"x": 0}, axis="batch")\nschedule = [A]\n' });
    const out = exportCommand.run(['--format', 'sdy', cfg]);
    expect(out.text).toContain('sdy.mesh @mesh = <["batch"=2, "model"=2]>');
    expect(out.text).toContain('%arg0: tensor<8x4xf32> {jax.arg_info = "x", sdy.sharding = #sdy.sharding<@mesh, [{"batch"}, {}]>}');
  });

  it('refuses a bad format, sdy for a zoo model, and a missing format with UserErrors', () => {
    expect(userError(() => exportCommand.run(['--format', 'onnx', mlpFile])).message).toMatch(/unknown export format "onnx".*jax, sdy, trace, markdown/);
    const sdy = userError(() => exportCommand.run(['--format', 'sdy', mlpFile]));
    expect(sdy.code).toBe('export-sdy');
    expect(sdy.message).toMatch(/needs an imported StableHLO module/);
    expect(userError(() => exportCommand.run([mlpFile])).message).toMatch(/needs --format/);
    expect(userError(() => exportCommand.run(['--format', 'jax', mlpFile, '--frobnicate'])).code).toBe('usage');
    expect(userError(() => exportCommand.run(['--format', 'jax'])).message).toMatch(/missing <config.json>/);
  });
});
