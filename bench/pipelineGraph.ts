/**
 * What colouring the graph by pipeline stage costs on the GPT-3 175B PTD-P gallery example (96 layers,
 * TP8 × PP8 interleaved): the stage of every op and input (one pass over the program, once per result), and
 * the layout with and without the stages, all-collapsed and with the 96-layer fold open.
 * Run: npx tsx bench/pipelineGraph.ts
 */
import { PIPELINE_GALLERY } from '../src/core/mpmd/gallery';
import { runPipeline } from '../src/core/pipeline';
import { layoutGraph, pipelineStageMap } from '../src/worker/layout';

const RUNS = 15;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const timed = (f: () => unknown): number => {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
};

const entry = PIPELINE_GALLERY.find((g) => g.id === 'gpt3-175b-ptdp')!;
const t0 = performance.now();
const r = runPipeline(entry.config);
console.log(`${entry.title}: ${r.program.ops.length} ops, ${r.program.inputs.length} inputs; runPipeline ${(performance.now() - t0).toFixed(0)} ms`);

// cold: a fresh program object each time would rebuild the model, so time the uncached pass by a fresh report key
const cold: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const pl = { ...r.report.pipeline!, axis: `pp${i}` };
  cold.push(timed(() => pipelineStageMap(r.program, pl)));
}
const map = pipelineStageMap(r.program, r.report.pipeline)!;
console.log(`stage of every op and input (uncached): median ${median(cold).toFixed(1)} ms over ${RUNS} runs`);

for (const expanded of [[], ['layer_0…layer_95']]) {
  const base = { expanded, partition: r.partition, spmd: r.spmd };
  layoutGraph(r.program, base);
  layoutGraph(r.program, { ...base, pipeline: map });
  const without: number[] = [];
  const withStages: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    without.push(timed(() => layoutGraph(r.program, base)));
    withStages.push(timed(() => layoutGraph(r.program, { ...base, pipeline: map })));
  }
  const nodes = layoutGraph(r.program, { ...base, pipeline: map }).nodes.length;
  console.log(`layout ${expanded.length ? 'with the layer fold open' : 'all collapsed'} (${nodes} nodes): ${median(without).toFixed(1)} ms without stages, ${median(withStages).toFixed(1)} ms with (median of ${RUNS}, warm caches)`);
}
