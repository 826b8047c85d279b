import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempFiles } from './tempFiles';
import { UserError } from '../core/errors';
import type { Config } from '../core/io/config';
import type { Report } from '../core/report';
import { COMMANDS } from './commands';
import { runCli } from './run';

const { dir, file } = tempFiles('partir-cli-');

const tiny: Config = {
  version: 1,
  model: { zoo: 'transformer', params: { layers: 2, dModel: 16, heads: 2, dFF: 32, seq: 4, vocab: 32, batch: 4, precision: 'fp32', optimizer: 'adam' } },
  mesh: { axes: [{ name: 'batch', size: 2 }, { name: 'model', size: 2 }] },
  hardware: { preset: 'tpu-v5p' },
  tactics: 'BP = BatchParallel(axis="batch")\nMP = Megatron(axis="model")\nschedule = [BP, MP]\n',
  options: { overlap: true },
};

const run = async (cmd: string, args: string[]) => COMMANDS[cmd].run(args);

describe('cli commands', () => {
  it('models lists the zoo with its default params', async () => {
    const out = (await run('models', [])).json as { name: string; params: Record<string, unknown> }[];
    const names = out.map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(['mlp', 'transformer']));
    expect(out.find((m) => m.name === 'transformer')!.params).toHaveProperty('layers');
  });

  it('describe counts parameters by the closed form', async () => {
    const m = (await run('describe', [file('tiny.json', tiny)])).json as Report['model'];
    const L = 2, d = 16, f = 32, V = 32, s = 4;
    // attention 4d² + 4d, MLP 2·d·f + f + d, two LayerNorms 4d; embeddings (V + s)·d; final LayerNorm 2d.
    expect(m.parameters).toBe(L * (4 * d * d + 2 * d * f + 9 * d + f) + (V + s) * d + 2 * d);
    expect(m.flops.byPhase.backward).toBeGreaterThan(m.flops.byPhase.forward);
  });

  it('verify proves BP + Megatron on a 2×2 mesh', async () => {
    const out = await run('verify', [file('tiny.json', tiny)]);
    expect(out.json).toMatchObject({ ok: true, devices: 4 });
    expect((out.json as { maxAbsError: number }).maxAbsError).toBeLessThanOrEqual(1e-4);
  });

  it('partition prints each stage\'s conflicts grouped, expected apart from those needing attention', async () => {
    const zero3 = { ...tiny, tactics: 'BP = BatchParallel(axis="batch")\nZ3 = ZeRO(axis="batch", stage=3)\nschedule = [BP, Z3]\n' };
    const out = await run('partition', [file('zero3.json', zero3)]);
    const stages = (out.json as { stages: Report['stages'] }).stages;
    const z3 = stages[1];
    expect(z3.conflicts.length).toBeGreaterThan(0);
    const expected = (z3.conflictGroups ?? []).filter((g) => g.expected).reduce((n, g) => n + g.count, 0);
    expect(expected).toBeGreaterThan(0);
    // the table's column, as the UI's stages table says it, and one line per group under it
    const attention = z3.conflicts.length - expected;
    expect(out.text).toMatch(new RegExp(`\\b${z3.conflicts.length} · ${attention ? `${attention} need attention` : 'all expected'}\\b`));
    expect(out.text).toContain('conflicts by kind:');
    for (const g of z3.conflictGroups ?? []) expect(out.text).toContain(`stage 2 Z3: ${g.count} × ${g.expected ? 'expected' : 'needs attention'} on batch`);
  });

  it('simulate returns every field of the Report', async () => {
    const r = (await run('simulate', [file('tiny.json', tiny)])).json as Report;
    for (const k of ['model', 'stages', 'shardings', 'collectives', 'memory', 'time', 'timeline'] as const) expect(r).toHaveProperty(k);
    expect(r.stages.map((s) => s.tactic)).toEqual(['BP', 'MP']);
    expect(r.memory.perDevice).toHaveLength(4);
    expect(r.time.step).toBeGreaterThan(0);
  });

  it('simulate prints the validated error bands of the step time and the peak memory', async () => {
    const out = await run('simulate', [file('tiny.json', tiny)]);
    const r = out.json as Report;
    expect(out.text).toContain(`validated      peak memory ${r.memory.validation!.text}; see README.md#validation`);
    expect(r.memory.validation!.text).toMatch(/^±\d+% on \d+ published memory figures \(mean [\d.]+%\)$/);
  });

  it('url encode then decode restores the config exactly', async () => {
    const enc = (await run('url', ['encode', file('tiny.json', tiny)])).json as { fragment: string };
    const dec = (await run('url', ['decode', `http://localhost:5173/#${enc.fragment}`])).json;
    expect(dec).toEqual(tiny);
  });

  it('a bad config names the file and the field', async () => {
    const bad = file('bad.json', { ...tiny, mesh: { axes: [{ name: 'batch', size: -1 }] } });
    await expect(run('describe', [bad])).rejects.toThrow(UserError);
    await expect(run('describe', [bad])).rejects.toThrow(/bad\.json: mesh\.axes\[0\]\.size/);
  });

  // In process: main.ts only writes runCli's result out (the bundled launcher is spawned in bundle.test.ts).
  it('exits 1 with one line on stderr for a user error, and prints one JSON document with --json', async () => {
    const bad = await runCli(['describe', join(dir, 'missing.json')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/cannot read config file/);
    const ok = await runCli(['describe', file('tiny.json', tiny), '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).parameters).toBeGreaterThan(0);
  });
});
