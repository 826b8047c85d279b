import { describe, expect, it } from 'vitest';
import type { Config } from '../io/config';
import { verifySpmd } from '../interp/verify';
import { buildProgram, meshOf, runPipeline } from '../pipeline';
import { resolveTactics } from '../tactics/resolve';

const TINY = { layers: 1, dModel: 32, heads: 4, dFF: 64, seq: 8, vocab: 64, batch: 4, precision: 'fp32', optimizer: 'adam' };

function config(tactics: string): Config {
  return {
    version: 1,
    model: { zoo: 'transformer', params: TINY },
    mesh: { axes: [{ name: 'batch', size: 2 }, { name: 'model', size: 2 }] },
    hardware: { preset: 'tpu-v5p' },
    tactics,
  };
}

describe('schedule entries', () => {
  const text = 'BP = BatchParallel(axis="batch")\nA = AutomaticPartition(axes=["model"], budget=5)\nZ = ZeRO(stage=1, axis="batch")\nschedule = [BP, A, Z]';
  const c = config(text);
  const program = buildProgram(c);

  it('keeps manual and automatic tactics in schedule order, without the "not run" warning when the caller runs them', () => {
    const r = resolveTactics(text, program, meshOf(c), { runAutomatic: true });
    expect(r.schedule.map((e) => (e.kind === 'manual' ? e.tactic.name : `auto:${e.ast.name}`))).toEqual(['BP', 'auto:A', 'Z']);
    expect(r.diagnostics.some((d) => d.code === 'tactic-automatic-not-run')).toBe(false);
    expect(r.tactics.map((t) => t.name)).toEqual(['BP', 'Z']);
  });

  it('runs the automatic tactic in place: its stages come between the tactics around it', () => {
    const r = runPipeline(config(text));
    const names = r.report.auto?.[0].names ?? [];
    expect(r.report.stages.map((s) => s.tactic)).toEqual(['BP', ...names, 'Z']);
  });
});

describe('searches are remembered', () => {
  it('an edit after the AutomaticPartition reuses its search; an edit before it searches again', () => {
    const base = 'BP = BatchParallel(axis="batch")\nA = AutomaticPartition(axes=["model"], objective="memory", budget=6, seed=9)';
    let calls = 0;
    const run = (text: string) => runPipeline(config(text), { onAutoProgress: () => calls++ });
    const first = run(`${base}\nschedule = [BP, A]`);
    const searched = calls;
    expect(searched).toBeGreaterThan(0);
    const later = run(`${base}\nZ = ZeRO(stage=1, axis="batch")\nschedule = [BP, A, Z]`);
    expect(calls).toBe(searched);
    expect(later.report.auto).toEqual(first.report.auto);
    run(`${base}\nschedule = [A]`);
    expect(calls).toBeGreaterThan(searched);
  });

  it('does not search while the text has errors', () => {
    let calls = 0;
    const r = runPipeline(config('BP = BatchParallel(axis="batch")\nA = AutomaticPartition(axes=["model"], budget=4)\nX = ManualPartition(inputs={"nothing/*": 0}, axis="model")\nschedule = [BP, A, X]'), { onAutoProgress: () => calls++ });
    expect(calls).toBe(0);
    expect(r.report.auto).toBeUndefined();
    expect(r.report.diagnostics.some((d) => d.code === 'auto-not-run')).toBe(true);
  });
});

describe('AutomaticPartition over two axes', () => {
  it('emits one ManualPartition per axis, in the order of axes, and the result is a correct SPMD program', () => {
    const r = runPipeline(config('A = AutomaticPartition(axes=["batch", "model"], objective="memory", budget=24, seed=4)\nschedule = [A]'));
    const auto = r.report.auto?.[0];
    expect(auto).toBeDefined();
    if (!auto) return;
    const axesUsed = [...new Set(auto.chosen.map((a) => a.axis))];
    expect(auto.names).toEqual(['batch', 'model'].filter((a) => axesUsed.includes(a)).map((a) => `A_${a}`));
    expect(auto.best.peak).toBeLessThan(auto.baseline.peak);
    expect(verifySpmd(r.spmd).ok).toBe(true);
  });
});
