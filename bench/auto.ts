/**
 * `npm run bench:auto`: how long AutomaticPartition searches on the 8-layer transformer training step
 * (the target: under 30 s), for the time objective on "model" after BatchParallel and for the
 * memory objective on "batch" after BatchParallel + Megatron, each next to its expert reference.
 * Prints wall-clock and CPU seconds (the machine is shared, so wall time can be well above CPU time).
 * Asserts nothing. Env: BENCH_SEED (default 1), BENCH_BUDGET (default: the tactic's default).
 */
import { performance } from 'node:perf_hooks';
import type { Config } from '../src/core/io/config';
import { runPipeline } from '../src/core/pipeline';

const SEED = Number(process.env.BENCH_SEED ?? 1);
const BUDGET = process.env.BENCH_BUDGET ? `, budget=${Number(process.env.BENCH_BUDGET)}` : '';

function config(tactics: string[]): Config {
  return {
    version: 1,
    model: { zoo: 'transformer', params: { layers: 8, dModel: 1024, heads: 16, dFF: 4096, seq: 2048, vocab: 32000, batch: 4, precision: 'mixed', optimizer: 'adam' } },
    mesh: { axes: [{ name: 'batch', size: 4 }, { name: 'model', size: 4 }] },
    hardware: { preset: 'tpu-v5p' },
    tactics: tactics.join('\n'),
    options: { overlap: true },
  };
}

const BP = 'BP = BatchParallel(axis="batch")';
const MP = 'MP = Megatron(axis="model")';
const Z3 = 'Z3 = ZeRO(stage=3, axis="batch")';
const peak = (r: ReturnType<typeof runPipeline>) => Math.max(...r.report.memory.perDevice.map((d) => d.peak));
const ms = (s: number) => `${(s * 1e3).toFixed(3)} ms`;
const gib = (b: number) => `${(b / 2 ** 30).toFixed(3)} GiB`;

const cases = [
  {
    name: 'time, axes=["model"] after BP',
    auto: [BP, `AUTO = AutomaticPartition(axes=["model"], seed=${SEED}${BUDGET})`, 'schedule = [BP, AUTO]'],
    expert: { name: 'BP + Megatron', tactics: [BP, MP, 'schedule = [BP, MP]'] },
  },
  {
    name: 'memory, axes=["batch"] after BP + MP',
    auto: [BP, MP, `AUTO = AutomaticPartition(axes=["batch"], objective="memory", seed=${SEED}${BUDGET})`, 'schedule = [BP, MP, AUTO]'],
    expert: { name: 'BP + Megatron + ZeRO-3', tactics: [BP, MP, Z3, 'schedule = [BP, MP, Z3]'] },
  },
];

const summary: Record<string, unknown>[] = [];
for (const c of cases) {
  const expert = runPipeline(config(c.expert.tactics));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = runPipeline(config(c.auto));
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const a = r.report.auto?.[0];
  if (!a) throw new Error('no AutomaticPartition result in the report');
  console.log(`\n== ${c.name} ==`);
  console.log(`search: ${a.seconds.toFixed(1)} s wall (pipeline ${wall.toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU), ` +
    `${a.simulations} simulations of budget ${a.budget}, ended: ${a.stopped}`);
  console.log(`found:  step ${ms(r.report.time.step)}, peak ${gib(peak(r))}`);
  console.log(`expert: step ${ms(expert.report.time.step)}, peak ${gib(peak(expert))} (${c.expert.name})`);
  console.log(`ratio:  step ${(r.report.time.step / expert.report.time.step).toFixed(3)}, peak ${(peak(r) / peak(expert)).toFixed(3)}`);
  const byTime = c.name.startsWith('time');
  const firstWithin = a.log.find((l) => (byTime ? l.bestStep <= 1.05 * expert.report.time.step : l.bestPeak <= peak(expert) * 1.001));
  if (firstWithin) {
    console.log(`reached the expert's ${byTime ? 'step time (within 5%)' : 'peak memory'} after ${firstWithin.simulation} simulations, ${firstWithin.seconds.toFixed(1)} s`);
  }
  console.log(a.text);
  summary.push({ case: c.name, searchSeconds: a.seconds, wallSeconds: wall, cpuSeconds: (cpu.user + cpu.system) / 1e6, simulations: a.simulations,
    step: r.report.time.step, expertStep: expert.report.time.step, peak: peak(r), expertPeak: peak(expert) });
}
console.log(`\n${JSON.stringify(summary)}`);
