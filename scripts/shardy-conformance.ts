/**
 * Writes the Shardy conformance table into docs/shardy-conformance.md, between
 * `<!-- conformance:start -->` and `<!-- conformance:end -->`: every re-expressed Shardy propagation
 * test, imported and propagated, with whether it agrees and why not. Prints the summary.
 * Run with `npm run -s shardy-conformance` (`--stdout` prints the table instead).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { conformanceTable, runAll, summarize } from '../src/core/io/stablehlo/conformance/run';
import { formatPercent } from '../src/core/units';

const START = '<!-- conformance:start -->';
const END = '<!-- conformance:end -->';
const out = runAll();
const table = conformanceTable(out);
if (process.argv.includes('--stdout')) {
  console.log(table);
} else {
  const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'shardy-conformance.md');
  const doc = readFileSync(file, 'utf8');
  const a = doc.indexOf(START), b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${file} lacks the ${START} … ${END} markers`);
  writeFileSync(file, `${doc.slice(0, a + START.length)}\n${table}\n${doc.slice(b)}`);
}
const s = summarize(out);
console.log(`${out.length} cases: ${s.pass} pass, ${s.fail} differ, ${s.unsupported} unsupported; ${formatPercent(s.supportedRate)} of the supported cases agree`);
