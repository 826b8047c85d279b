/**
 * Times an imported JAX module end to end: StableHLO import, and Shardy's propagation of its sdy
 * annotations (what JAX would compile), on the zoo transformer printed as StableHLO with a
 * data-parallel batch. Prints one line per size. Run with `npx tsx bench/shardy.ts`.
 */
import { buildZooModel } from '../src/core/models/zoo';
import { printStableHlo } from '../src/core/io/stablehlo/print';
import { importStableHlo } from '../src/core/io/stablehlo/import';
import { jaxShardings } from '../src/core/io/stablehlo/shardy';

for (const layers of [6, 24]) {
  const p = buildZooModel('transformer', { layers, dModel: 64, heads: 4, dFF: 256, seq: 16, vocab: 64, batch: 8 });
  const batch = p.inputs.filter((v) => (p.values[v].name ?? '').startsWith('batch/'));
  const shardings = new Map(batch.map((v) => [v, { dims: p.values[v].type.shape.map((_, i) => (i === 0 ? ['data'] : [])), partial: [] }]));
  const text = printStableHlo(p, { mesh: { axes: [{ name: 'data', size: 2 }, { name: 'model', size: 2 }] }, shardings });
  let t = performance.now();
  const r = importStableHlo(text);
  const importMs = performance.now() - t;
  t = performance.now();
  const j = jaxShardings(r);
  const propMs = performance.now() - t;
  const sharded = j.values.filter((s) => s && s.dims.some((d) => d.axes.length > 0)).length;
  console.log(`transformer layers=${layers}: ${r.program.ops.length} ops, ${(text.length / 1e6).toFixed(1)} MB text; import ${importMs.toFixed(0)} ms; Shardy propagation ${propMs.toFixed(0)} ms; ${sharded} values sharded`);
}
