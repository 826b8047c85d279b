/**
 * Korthikanti et al. Table 5 through the pipeline simulator: prints each row's measured, Calculon's and our
 * iteration time with the errors, and the mean absolute error. `npx tsx scripts/validate-pipelines.ts [--json]`.
 */
import { KORTHIKANTI_TABLE5 } from '../src/core/mpmd/korthikanti';
import { runPipeline } from '../src/core/pipeline';

const rows: { id: string; title: string; measured: number; reference: number; simulated: number; error: number; referenceError: number; seconds: number }[] = [];
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
for (const c of KORTHIKANTI_TABLE5) {
  if (only.length && !only.some((o) => c.id.includes(o))) continue;
  const t0 = performance.now();
  const r = runPipeline(c.config).report;
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`${c.id}: ${errors[0].message}`);
  const simulated = r.time.step;
  rows.push({
    id: c.id, title: c.title, measured: c.measured, reference: c.reference, simulated,
    error: (simulated - c.measured) / c.measured, referenceError: (c.reference - c.measured) / c.measured,
    seconds: (performance.now() - t0) / 1000,
  });
  if (!process.argv.includes('--json')) {
    const x = rows[rows.length - 1];
    console.log(`${x.title.padEnd(36)} measured ${x.measured.toFixed(2).padStart(6)} s  Calculon ${x.reference.toFixed(2).padStart(6)} s (${(x.referenceError * 100).toFixed(2).padStart(6)} %)  explorer ${x.simulated.toFixed(2).padStart(6)} s (${(x.error * 100).toFixed(2).padStart(6)} %)  [${x.seconds.toFixed(1)} s]`);
  }
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const summary = { meanAbsError: mean(rows.map((r) => Math.abs(r.error))), maxAbsError: Math.max(...rows.map((r) => Math.abs(r.error))), referenceMeanAbsError: mean(rows.map((r) => Math.abs(r.referenceError))) };
if (process.argv.includes('--json')) console.log(JSON.stringify({ rows, summary }, null, 2));
else console.log(`mean |error| ${(summary.meanAbsError * 100).toFixed(2)} % (max ${(summary.maxAbsError * 100).toFixed(2)} %); Calculon ${(summary.referenceMeanAbsError * 100).toFixed(2)} %`);
