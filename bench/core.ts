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

function time<T>(f: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = f();
  return { ms: performance.now() - t0, value };
}

const rows: string[][] = [];
const result: Record<string, Record<string, number>> = {};
for (const layers of [24, 96]) {
  const config = gpt3(layers);
  const mesh = meshOf(config);
  const hw = resolveHardware(config.hardware, mesh);
  const t = { build: [] as number[], partition: [] as number[], lower: [] as number[], simulate: [] as number[], total: [] as number[] };
  let ops = 0;
  for (let r = 0; r < RUNS; r++) {
    const b = time(() => buildZooModel('transformer', (config.model as { params: Record<string, number | string> }).params));
    ops = b.value.ops.length;
    const tac = resolveTactics(config.tactics, b.value, mesh);
    const errors = tac.diagnostics.filter((d) => d.severity !== 'warning');
    if (errors.length) throw new Error(`tactics: ${errors[0].message}`);
    const p = time(() => partition(b.value, mesh, tac.tactics));
    const l = time(() => lower(p.value));
    const s = time(() => simulate(l.value, hw, { overlap: true }));
    t.build.push(b.ms);
    t.partition.push(p.ms);
    t.lower.push(l.ms);
    t.simulate.push(s.ms);
    t.total.push(b.ms + p.ms + l.ms + s.ms);
  }
  const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)]));
  result[layers] = { ops, ...m };
  rows.push([`${layers}`, `${ops}`, ...['build', 'partition', 'lower', 'simulate', 'total'].map((k) => m[k].toFixed(1)), `${Math.round(ops / (m.build / 1000)).toLocaleString('en')}`]);
}

const header = ['layers', 'ops', 'build ms', 'partition ms', 'lower ms', 'simulate ms', 'total ms', 'build ops/s'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
console.log(`GPT-3 shape (dModel 12288, 96 heads, seq 2048, mixed-precision Adam) on a replica=4 × batch=8 × model=8 mesh, BP+BP+MP+ZeRO-3; median of ${RUNS} runs`);
console.log(header.map((h, i) => h.padStart(widths[i])).join('  '));
for (const r of rows) console.log(r.map((c, i) => c.padStart(widths[i])).join('  '));
const p24 = result[24].partition + result[24].lower;
const p96 = result[96].partition + result[96].lower;
console.log(`partition+lower 96 / 24 layers: ${(p96 / p24).toFixed(2)}× (linear would be 4×)`);
