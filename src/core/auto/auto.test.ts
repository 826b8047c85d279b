import { describe, expect, it } from 'vitest';
import type { Config } from '../io/config';
import { verifySpmd } from '../interp/verify';
import { resolveHardware } from '../mesh/hardware';
import { partition } from '../partition/schedule';
import { buildProgram, meshOf, runPipeline } from '../pipeline';
import { resolveTactics } from '../tactics/resolve';
import { enumerateActions, roleGlob } from './actions';
import { formatTactics } from './format';
import { searchPartition, type SearchOptions } from './search';
import { BP, lines, MP, transformerConfig, Z3 } from './testConfig';

const RANGE = { line: 1, column: 1, endLine: 1, endColumn: 2 };

type Params = Record<string, number | string>;

const config = (params: Params, tactics: string, mesh: [number, number] = [4, 4]): Config =>
  transformerConfig({ precision: 'mixed', optimizer: 'adam', ...params }, tactics, mesh);

/**
 * Realistic widths and a global batch of 4 over a batch axis of 4: one sequence per device, so the
 * model axis cannot split the batch again (the 8-layer run is in transformer8.test.ts).
 */
const TRANSFORMER_2: Params = { layers: 2, dModel: 1024, heads: 16, dFF: 4096, seq: 2048, vocab: 32000, batch: 4 };
/** Small enough for the SPMD interpreter. */
const TINY: Params = { layers: 2, dModel: 32, heads: 4, dFF: 64, seq: 8, vocab: 64, batch: 4, precision: 'fp32' };

const peakOf = (r: ReturnType<typeof runPipeline>) => Math.max(...r.report.memory.perDevice.map((d) => d.peak));

/** The search's own inputs for a config whose tactics are the fixed prefix. */
function searchInputs(c: Config): Omit<SearchOptions, 'axes' | 'objective'> {
  const program = buildProgram(c);
  const mesh = meshOf(c);
  const r = resolveTactics(c.tactics, program, mesh);
  return { program, mesh, hardware: resolveHardware(c.hardware, mesh), prefix: r.tactics, name: 'AUTO', range: RANGE };
}

describe('roleGlob', () => {
  it('makes the layer index and the optimizer-state slot wildcards, nothing else', () => {
    expect(roleGlob('params/layer_12/mlp/w_in')).toBe('params/layer_*/mlp/w_in');
    expect(roleGlob('opt_state/mu/layer_0/attn/wq')).toBe('opt_state/*/layer_*/attn/wq');
    expect(roleGlob('params/embed/tokens')).toBe('params/embed/tokens');
    expect(roleGlob('layer_3/attn/q')).toBe('layer_*/attn/q');
    expect(roleGlob('opt_state/count')).toBe('opt_state/count');
  });
});

describe('enumerateActions', () => {
  const c = config(TINY, lines(BP, 'schedule = [BP]'), [2, 2]);
  const { program, mesh, prefix } = searchInputs(c);
  const base = partition(program, mesh, prefix);
  const actions = enumerateActions(program, mesh, ['model', 'batch'], base);

  it('groups every layer under one glob, with dims the axis divides', () => {
    const wIn = actions.filter((a) => a.axis === 'model' && a.glob === 'params/layer_*/mlp/w_in');
    expect(wIn.map((a) => a.dim).sort()).toEqual([0, 1]);
    expect(wIn[0].members.map((v) => program.values[v].name).sort()).toEqual(['params/layer_0/mlp/w_in', 'params/layer_1/mlp/w_in']);
    for (const a of actions) {
      if (typeof a.dim !== 'number') continue;
      const size = mesh.axes.find((x) => x.name === a.axis)?.size ?? 0;
      for (const v of a.members) expect(program.values[v].type.shape[a.dim] % size).toBe(0);
    }
  });

  it('leaves out values the fixed tactics already shard on the axis, and offers families', () => {
    // BP tiled the batch inputs and every activation on "batch".
    expect(actions.some((a) => a.axis === 'batch' && (a.glob.startsWith('batch/') || a.glob.startsWith('layer_')))).toBe(false);
    expect(actions.some((a) => a.axis === 'model' && a.glob === 'batch/tokens')).toBe(true);
    expect(actions.filter((a) => a.kind === 'family' && a.axis === 'batch').map((a) => a.glob).sort()).toEqual(['opt_state/**', 'params/**']);
  });
});

describe('formatTactics', () => {
  it('prints text that resolves to the same seeds as the search evaluated', () => {
    const c = config(TINY, lines(BP, 'schedule = [BP]'), [2, 2]);
    const inputs = searchInputs(c);
    // At these widths only memory gains from the model axis (communication latency outweighs compute).
    const r = searchPartition({ ...inputs, axes: ['model'], objective: 'memory', budget: 12, seed: 3 });
    expect(r.actions.length).toBeGreaterThan(0);
    expect(r.text).toMatch(/^AUTO_model = ManualPartition\(inputs=\{/);
    const pasted = resolveTactics(lines(BP, r.text, `schedule = [BP, ${r.names.join(', ')}]`), inputs.program, inputs.mesh);
    expect(pasted.diagnostics.filter((d) => d.severity !== 'warning')).toEqual([]);
    const seeds = (t: { seeds: readonly { value: number; dim: number | 'replicated' }[] }) => t.seeds.map((s) => [s.value, s.dim]).sort();
    expect(seeds(pasted.tactics[1])).toEqual(seeds(r.tactics[0]));
    expect(formatTactics(r.asts)).toBe(r.text);
  });
});

describe('searchPartition on a small step', () => {
  const c = config(TINY, lines(BP, 'schedule = [BP]'), [2, 2]);
  const inputs = searchInputs(c);

  it('is deterministic for a seed', () => {
    const run = () => searchPartition({ ...inputs, axes: ['model'], objective: 'time', budget: 16, seed: 7 });
    const a = run(), b = run();
    expect(a.text).toBe(b.text);
    expect(a.log.map((l) => [l.actions, l.step, l.peak])).toEqual(b.log.map((l) => [l.actions, l.step, l.peak]));
    expect(a.best).toEqual(b.best);
  });

  it('keeps to its budget, reports progress, and its best so far only improves', () => {
    const seen: number[] = [];
    const r = searchPartition({ ...inputs, axes: ['model'], objective: 'time', budget: 6, seed: 1, onProgress: (p) => seen.push(p.best.step) });
    expect(r.stats.simulations).toBeLessThanOrEqual(6);
    expect(seen.length).toBe(r.log.length);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeLessThanOrEqual(seen[i - 1]);
    expect(r.best.step).toBeLessThanOrEqual(r.baseline.step);
  });

  it('stops when asked and returns the best so far', () => {
    let calls = 0;
    const r = searchPartition({ ...inputs, axes: ['model'], objective: 'time', budget: 50, seed: 1, onProgress: () => calls++, shouldStop: () => calls >= 3 });
    expect(r.stats.stopped).toBe('stopped');
    expect(r.stats.simulations).toBe(3);
    expect(r.best.step).toBeLessThanOrEqual(r.baseline.step);
  });
});

describe('AutomaticPartition for memory on the batch axis', () => {
  const fixed = lines(BP, MP);
  let refs: { bpmp: number; zero3: number } | undefined;
  /** Peaks of the references, computed once and only when a test here runs. */
  const ref = () => (refs ??= {
    bpmp: peakOf(runPipeline(config(TRANSFORMER_2, lines(fixed, 'schedule = [BP, MP]')))),
    zero3: peakOf(runPipeline(config(TRANSFORMER_2, lines(fixed, Z3, 'schedule = [BP, MP, Z3]')))),
  });

  it('with objective="memory" finds ZeRO-like sharding of optimizer state and parameters', () => {
    const r = runPipeline(config(TRANSFORMER_2, lines(fixed, 'AUTO = AutomaticPartition(axes=["batch"], objective="memory", seed=2)', 'schedule = [BP, MP, AUTO]')));
    const found = r.report.auto?.[0];
    expect(found?.chosen.some((a) => a.axis === 'batch' && a.glob.startsWith('opt_state/'))).toBe(true);
    expect(peakOf(r)).toBeLessThan(ref().bpmp);
    expect(peakOf(r)).toBeLessThanOrEqual(ref().zero3 * 1.001);
    expect(r.report.shardings['opt_state/mu/layer_0/mlp/w_in'].batch).not.toBe('replicated');
  });

  it('with a memory limit that BP + Megatron cannot meet, meets it by sharding on "batch"', () => {
    const limit = Math.round((ref().bpmp + ref().zero3) / 2);
    expect(ref().bpmp).toBeGreaterThan(limit);
    const r = runPipeline(config(TRANSFORMER_2, lines(fixed, `AUTO = AutomaticPartition(axes=["batch"], memory_limit=${limit}, seed=2)`, 'schedule = [BP, MP, AUTO]')));
    const found = r.report.auto?.[0];
    expect(found?.feasible).toBe(true);
    expect(peakOf(r)).toBeLessThanOrEqual(limit);
    expect(found?.chosen.some((a) => a.axis === 'batch' && /^(opt_state|params)\//.test(a.glob))).toBe(true);
    expect(r.report.diagnostics.some((d) => d.code === 'auto-over-memory')).toBe(false);
  });
});

describe('the strategies found are correct SPMD programs', () => {
  it('time on "model" after BatchParallel: found at realistic widths, verified at tiny ones', () => {
    // Tiny widths are latency-bound, so the time search runs where tensor parallelism pays; its globs
    // name roles, not sizes, so the same text applies to the tiny model of the same architecture.
    const found = runPipeline(config(TRANSFORMER_2, lines(BP, 'AUTO = AutomaticPartition(axes=["model"], budget=30, seed=1)', 'schedule = [BP, AUTO]'), [2, 2])).report.auto?.[0];
    expect(found?.chosen.length).toBeGreaterThan(0);
    if (!found) return;
    const r = runPipeline(config(TINY, lines(BP, found.text, `schedule = [BP, ${found.names.join(', ')}]`), [2, 2]));
    expect(r.report.diagnostics.filter((d) => d.severity !== 'warning')).toEqual([]);
    expect(r.report.stages.at(-1)?.reached).toBeGreaterThan(0);
    expect(verifySpmd(r.spmd).ok).toBe(true);
  });

  it('memory on "model" after BatchParallel, searched on the tiny model itself', () => {
    const r = runPipeline(config(TINY, lines(BP, 'AUTO = AutomaticPartition(axes=["model"], objective="memory", budget=20, seed=1)', 'schedule = [BP, AUTO]'), [2, 2]));
    expect(r.report.auto?.[0].chosen.length).toBeGreaterThan(0);
    expect(verifySpmd(r.spmd).ok).toBe(true);
  });

  it('memory on "batch" after BatchParallel and Megatron', () => {
    const r = runPipeline(config(TINY, lines(BP, MP, 'AUTO = AutomaticPartition(axes=["batch"], objective="memory", budget=20, seed=1)', 'schedule = [BP, MP, AUTO]'), [2, 2]));
    expect(r.report.auto?.[0].chosen.length).toBeGreaterThan(0);
    expect(verifySpmd(r.spmd).ok).toBe(true);
  });
});
