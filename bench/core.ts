/**
 * `npm run bench`: times the core pipeline on the GPT-3-shape training step (median of several runs).
 * Prints figures; asserts nothing (targets are judged by people reading the figures).
 */
import { performance } from 'node:perf_hooks';
import type { Config } from '../src/core/io/config';
import { buildZooModel } from '../src/core/models/zoo';
import { partition } from '../src/core/partition/schedule';
import { resolveHardware } from '../src/core/mesh/hardware';
import { simulate } from '../src/core/sim/simulate';
import { lower } from '../src/core/spmd/lower';
import { resolveTactics } from '../src/core/tactics/resolve';
import { meshOf } from '../src/core/pipeline';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/**
 * Runs per size made before the measured ones and reported apart as "cold": the first runs pay for JIT
 * compilation (which on a loaded machine takes several runs), and the explorer's worker pays it once.
 */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1);

function gpt3(layers: number): Config {
  return {
    version: 1,
    model: { zoo: 'transformer', params: { layers, dModel: 12288, heads: 96, dFF: 49152, seq: 2048, vocab: 50257, batch: 512, precision: 'mixed', optimizer: 'adam' } },
    mesh: { axes: [{ name: 'replica', size: 4 }, { name: 'batch', size: 8 }, { name: 'model', size: 8 }] },
    hardware: { preset: 'tpu-v5p' },
    tactics: [
      'BP = BatchParallel(axis="batch")',
      'RP = BatchParallel(axis="replica")',
      'MP = Megatron(axis="model")',
      'Z3 = ZeRO(stage=3, axis="batch")',
      'schedule = [BP, RP, MP, Z3]',
    ].join('\n'),
    options: { overlap: true },
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Wall time and CPU time (user + system, this process) of `f`: the machine is shared, so wall alone misleads. */
function time<T>(f: () => T): { ms: number; cpu: number; value: T } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = f();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms, cpu: (c.user + c.system) / 1000, value };
}

const STAGES = ['build', 'partition', 'lower', 'simulate', 'total'] as const;
type Stage = (typeof STAGES)[number];

const rows: string[][] = [];
const result: Record<number, { ops: number; wall: Record<Stage, number>; cpu: Record<Stage, number>; cold?: { wall: number; cpu: number } }> = {};
for (const layers of [24, 96]) {
  const config = gpt3(layers);
  const mesh = meshOf(config);
  const hw = resolveHardware(config.hardware, mesh);
  const wall = Object.fromEntries(STAGES.map((k) => [k, [] as number[]])) as Record<Stage, number[]>;
  const cpu = Object.fromEntries(STAGES.map((k) => [k, [] as number[]])) as Record<Stage, number[]>;
  let ops = 0;
  let cold: { wall: number; cpu: number } | undefined;
  for (let r = 0; r < WARMUP + RUNS; r++) {
    const b = time(() => buildZooModel('transformer', (config.model as { params: Record<string, number | string> }).params));
    ops = b.value.ops.length;
    const tac = resolveTactics(config.tactics, b.value, mesh);
    const errors = tac.diagnostics.filter((d) => d.severity !== 'warning');
    if (errors.length) throw new Error(`tactics: ${errors[0].message}`);
    const p = time(() => partition(b.value, mesh, tac.tactics));
    const l = time(() => lower(p.value));
    const s = time(() => simulate(l.value, hw, { overlap: true }));
    const runs = { build: b, partition: p, lower: l, simulate: s };
    if (r < WARMUP) {
      if (r === 0) cold = { wall: b.ms + p.ms + l.ms + s.ms, cpu: b.cpu + p.cpu + l.cpu + s.cpu };
      continue;
    }
    for (const k of ['build', 'partition', 'lower', 'simulate'] as const) {
      wall[k].push(runs[k].ms);
      cpu[k].push(runs[k].cpu);
    }
    wall.total.push(b.ms + p.ms + l.ms + s.ms);
    cpu.total.push(b.cpu + p.cpu + l.cpu + s.cpu);
  }
  const mw = Object.fromEntries(STAGES.map((k) => [k, median(wall[k])])) as Record<Stage, number>;
  const mc = Object.fromEntries(STAGES.map((k) => [k, median(cpu[k])])) as Record<Stage, number>;
  result[layers] = { ops, wall: mw, cpu: mc, cold };
  rows.push([
    `${layers}`, `${ops}`,
    ...STAGES.flatMap((k) => [mw[k].toFixed(1), mc[k].toFixed(1)]),
    `${Math.round(ops / (mc.build / 1000)).toLocaleString('en')}`,
  ]);
}

const header = ['layers', 'ops', ...STAGES.flatMap((k) => [`${k} ms`, `${k} cpu`]), 'build ops/cpu-s'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
console.log(`GPT-3 shape (dModel 12288, 96 heads, seq 2048, mixed-precision Adam) on a replica=4 × batch=8 × model=8 mesh, BP+BP+MP+ZeRO-3; median of ${RUNS} runs after ${WARMUP} warm-up run(s) per size`);
console.log('"ms" is wall-clock time, "cpu" is CPU time of this process (user + system, all threads incl. GC helpers), both in ms');
console.log(header.map((h, i) => h.padStart(widths[i])).join('  '));
for (const r of rows) console.log(r.map((c, i) => c.padStart(widths[i])).join('  '));
const ratio = (m: 'wall' | 'cpu') =>
  (result[96][m].partition + result[96][m].lower) / (result[24][m].partition + result[24][m].lower);
for (const layers of [24, 96]) {
  const c = result[layers].cold;
  if (c) console.log(`cold (first) run, ${layers} layers: total ${c.wall.toFixed(1)} ms wall, ${c.cpu.toFixed(1)} ms cpu`);
}
console.log(`partition+lower 96 / 24 layers: ${ratio('wall').toFixed(2)}× wall, ${ratio('cpu').toFixed(2)}× cpu (linear would be 4×)`);
