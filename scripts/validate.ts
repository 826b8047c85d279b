/**
 * `npm run validate`: runs every published case of `validation/cases/*.json` through the simulator and
 * prints, side by side, the published and simulated step time (and model-state memory where the source
 * gives it), their ratio and error, with the mean and max absolute error for the rows used to fit the
 * chip figures and for the held-out rows separately, then the collective microbenchmarks and the
 * published runs the simulator cannot express yet.
 *
 *   npx tsx scripts/validate.ts            # the table on stdout
 *   npx tsx scripts/validate.ts --json     # one JSON document
 *   npx tsx scripts/validate.ts --write    # also rewrites the README validation table and
 *                                          # src/core/sim/errorBands.ts (the band the CLI and UI show)
 *   npx tsx scripts/validate.ts --check    # exit 1 when src/core/sim/errorBands.ts is stale
 *   npx tsx scripts/validate.ts --fit      # the fit: per chip family, the large-matmul efficiency that
 *                                          # minimises the mean error on the rows marked "fit" only
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HardwarePresetId } from '../src/core/io/config';
import { resolveHardware } from '../src/core/mesh/hardware';
import { stepBreakdown } from '../src/core/sim/breakdown';
import { collectiveSeconds } from '../src/core/sim/cost';
import type { CollectiveKind } from '../src/core/ir/types';
import type { ChipFamily } from '../src/core/sim/errorBands';
import { errorStats as stats, runValidationCase, type ValidationCase as Case } from '../src/core/sim/validationCase';
import type { MemoryCase, MemoryRow } from '../src/core/sim/memoryCase';
import { evaluateMemoryCase, memoryRow } from '../src/core/sim/memoryCase';
import { galleryEntry } from '../src/core/models/gallery';
import { VALIDATION_PAGE } from '../src/core/sim/validated';
import { PAPER_TABLE2 } from '../src/core/models/paperResults';
import { runPipeline } from '../src/core/pipeline';
import { validateConfig } from '../src/core/io/validate';
import { formatPercent, formatSeconds, formatSignedPercent } from '../src/core/units';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const GiB = 2 ** 30;

interface Micro {
  id: string;
  chip: string;
  kind: CollectiveKind;
  bytes: number;
  mesh: Record<string, number>;
  axes: string[];
  preset?: HardwarePresetId;
  measuredSeconds: number;
  source: string;
}

interface Row {
  id: string;
  title: string;
  group: string;
  chip: ChipFamily;
  fit: boolean;
  published: number;
  simulated: number;
  ratio: number;
  error: number;
  reference?: { name: string; seconds: number; error: number };
  peakGiB: number;
  capacityGiB: number;
  outOfMemory: boolean;
  memoryComparable: boolean;
  modelState?: { publishedGiB: number; simulatedGiB: number; error: number; note?: string };
  mfu: number;
  source: string;
}

function runCase(c: Case, overrides?: Record<string, number>): Row {
  const { report, published, simulated, error } = runValidationCase(c, overrides);
  const dev = report.memory.perDevice[0];
  const ms = dev.modelState;
  const row: Row = {
    id: c.id, title: c.title, group: c.group ?? 'other', chip: c.chip, fit: c.fit, published, simulated, ratio: simulated / published,
    error, peakGiB: dev.peak / GiB, capacityGiB: dev.capacity / GiB, outOfMemory: dev.outOfMemory,
    memoryComparable: c.memoryComparable ?? true,
    mfu: report.time.mfu, source: c.source,
  };
  if (c.reference) row.reference = { ...c.reference, error: c.reference.seconds / published - 1 };
  if (c.published.modelStateGiB !== undefined) {
    const sim = (ms.params + ms.gradients + ms.optimizer) / GiB;
    row.modelState = { publishedGiB: c.published.modelStateGiB, simulatedGiB: sim, error: sim / c.published.modelStateGiB - 1, note: c.published.modelStateNote };
  }
  return row;
}

/**
 * The memory table: every published memory figure — the model state of the step-time cases that give one,
 * the cases of validation/memory/ (Korthikanti's activations per layer, ZeRO's model state) and PartIR's
 * measured HBM per device (its Table 2, on the gallery's reproductions).
 */
function memoryRows(rows: Row[]): MemoryRow[] {
  const out: MemoryRow[] = [];
  for (const r of rows) {
    if (!r.modelState) continue;
    out.push(memoryRow({ id: r.id, title: `${r.title}: parameters + gradients + optimizer state`, source: r.source, published: r.modelState.publishedGiB * GiB, simulated: r.modelState.simulatedGiB * GiB, comparable: true, note: r.modelState.note }));
  }
  const dir = join(ROOT, 'validation', 'memory');
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const t0 = Date.now();
    out.push(evaluateMemoryCase(JSON.parse(readFileSync(join(dir, f), 'utf8')) as MemoryCase));
    process.stderr.write(`${f}: ${Date.now() - t0} ms\n`);
  }
  for (const t of PAPER_TABLE2) {
    const entry = galleryEntry(t.gallery);
    if (!entry) throw new Error(`no gallery entry ${t.gallery}`);
    const t0 = Date.now();
    const { report } = runPipeline(validateConfig(entry.config));
    const peak = Math.max(...report.memory.perDevice.map((d) => d.peak));
    out.push(memoryRow({
      id: t.gallery, title: `${t.model} (${t.size}) BP+MP+Z3+EMB on ${t.mesh}: peak HBM per device (PartIR Table 2)`, source: 'Alabed et al. 2024 (arXiv 2401.11202), Table 2',
      published: t.hbmGB * 1e9, simulated: peak, comparable: true,
      note: 'The paper gives no sequence length; ours is 2048 (src/core/models/families.ts)',
    }));
    process.stderr.write(`${t.gallery}: ${Date.now() - t0} ms\n`);
  }
  return out;
}

// Published memory figures are quoted in decimal GB, so they are printed (and compared) in that unit.
const gbytes = (b: number) => (b >= 1e9 ? `${(b / 1e9).toFixed(2)} GB` : `${(b / 1e6).toFixed(1)} MB`);

function microRows(micro: Micro[]) {
  return micro.map((m) => {
    const mesh = { axes: Object.entries(m.mesh).map(([name, size]) => ({ name, size })) };
    const preset: HardwarePresetId = m.preset ?? (m.chip === 'h100' ? 'h100' : 'a100-80gb');
    const hw = resolveHardware({ preset }, mesh);
    const sim = collectiveSeconds(m.kind, m.bytes, m.axes, hw);
    return { id: m.id, measured: m.measuredSeconds, simulated: sim, error: sim / m.measuredSeconds - 1, source: m.source };
  });
}

function markdown(rows: Row[], memory: MemoryRow[], micro: ReturnType<typeof microRows>, notExpressible: { id: string; source: string; why: string }[]): string {
  const fit = stats(rows.filter((r) => r.fit).map((r) => r.error));
  const held = stats(rows.filter((r) => !r.fit).map((r) => r.error));
  const all = stats(rows.map((r) => r.error));
  const lines = [
    'Generated by `npm run validate -- --write` from `validation/` (one config per published run, each with its',
    'source). Step time: the published figure (derived from the reported throughput by that source\'s own FLOP',
    'formula) against one simulated step. "fit" rows were used to fit the chip figures in',
    '`src/core/mesh/hardware.ts`; "held out" rows were not. The cost model and every figure\'s source:',
    '`docs/cost-model.md`.',
    '',
    '| Case | Chip | Role | Published | Simulated | Ratio | Error | Reference simulator | Peak memory / device |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.title} | ${r.chip} | ${r.fit ? 'fit' : 'held out'} | ${formatSeconds(r.published)} | ${formatSeconds(r.simulated)} | ${r.ratio.toFixed(2)} | ${formatSignedPercent(r.error)} | ${r.reference ? `${r.reference.name} ${formatSeconds(r.reference.seconds)} (${formatSignedPercent(r.reference.error)})` : '—'} | ${r.peakGiB.toFixed(1)} GiB of ${r.capacityGiB.toFixed(0)}${r.outOfMemory ? ' **OOM**' : ''}${r.memoryComparable ? '' : ' (not comparable†)'} |`),
    '',
    `Step time, mean / max absolute error: fitted rows ${formatPercent(fit.mean)} / ${formatPercent(fit.max)} (${fit.n}); held-out rows ${formatPercent(held.mean)} / ${formatPercent(held.max)} (${held.n}); all ${formatPercent(all.mean)} / ${formatPercent(all.max)} (${all.n}). ` +
      `Published runs predicted out of memory: ${rows.filter((r) => r.outOfMemory && r.memoryComparable).length} of ${rows.filter((r) => r.memoryComparable).length} whose memory is comparable.`,
    '',
    '† The run\'s activation memory differs from the config\'s by design or the run manages it in ways the simulator does not model (the case\'s memoryNote says how: a micro-batch size the source does not give, or how many micro-batches a pipeline keeps in flight and when it frees them).',
  ];
  lines.push('', '| Table | Runs | Mean / max error | Reference simulator on the same runs |', '|---|---|---|---|');
  for (const g of groupSummaries(rows))
    lines.push(`| ${g.group} | ${g.n} | ${formatPercent(g.mean)} / ${formatPercent(g.max)} | ${g.reference ? `${g.reference.name} ${formatPercent(g.reference.mean)} / ${formatPercent(g.reference.max)}` : '—'} |`);
  if (memory.length) {
    const m = stats(memory.filter((r) => r.comparable).map((r) => r.error));
    lines.push('', '| Memory figure | Published | Simulated | Error | Note |', '|---|---|---|---|---|');
    for (const r of memory) lines.push(`| ${r.title} | ${gbytes(r.published)} | ${gbytes(r.simulated)} | ${formatSignedPercent(r.error)}${r.comparable ? '' : ' (excluded)'} | ${r.note ?? ''} |`);
    lines.push('', `Memory, mean / max absolute error: ${formatPercent(m.mean)} / ${formatPercent(m.max)} on ${m.n} published figures (the peak memory the CLI and the explorer show carries this band). Sources: Korthikanti et al. 2022 Table 2, Rajbhandari et al. 2020 Fig. 1, Alabed et al. 2024 Table 2; the cases are in \`validation/memory/\`, the formulas in \`docs/cost-model.md\`.`);
  }
  lines.push('', '| Collective microbenchmark | Measured | Simulated | Error |', '|---|---|---|---|');
  for (const m of micro) lines.push(`| ${m.id} | ${formatSeconds(m.measured)} | ${formatSeconds(m.simulated)} | ${formatSignedPercent(m.error)} |`);
  lines.push('', 'Not expressible yet: ' + notExpressible.map((n) => `${n.id} (${n.why.replace(/^not expressible yet \(|\)$/g, '')})`).join('; ') + '.');
  return lines.join('\n');
}

/** Per source table (a case's `group`): error of the simulator and of the reference simulator on the same runs. */
function groupSummaries(rows: Row[]) {
  return [...new Set(rows.map((r) => r.group))].map((group) => {
    const rs = rows.filter((r) => r.group === group);
    const withRef = rs.filter((r) => r.reference);
    const reference = withRef.length === rs.length ? { name: withRef[0].reference!.name, ...stats(withRef.map((r) => r.reference!.error)) } : undefined;
    return { group, ...stats(rs.map((r) => r.error)), reference };
  });
}

const escapeHtml = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** Inline markdown of the generated table (code, bold) as HTML, after escaping. */
const inline = (t: string) => escapeHtml(t).replace(/`([^`]+)`/g, '<code>$1</code>').replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');

/** The validation table as a standalone page: the same markdown, its tables and paragraphs as HTML. */
function validationPage(md: string): string {
  const out: string[] = [];
  const blocks = md.split(/\n\s*\n/);
  for (const block of blocks) {
    const lines = block.split('\n').filter((l) => l.trim() !== '');
    if (lines.length && lines.every((l) => l.startsWith('|'))) {
      const cells = (l: string) => l.slice(1, -1).split(' | ').map((c) => c.trim());
      const [head, , ...body] = lines;
      out.push('<table>', `<tr>${cells(head).map((c) => `<th>${inline(c)}</th>`).join('')}</tr>`);
      for (const l of body) out.push(`<tr>${cells(l).map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`);
      out.push('</table>');
    } else if (lines.length) out.push(`<p>${inline(lines.join(' '))}</p>`);
  }
  return [
    '<!doctype html>', '<html lang="en"><head><meta charset="utf-8"><title>PartIR Explorer: validation against published runs</title>',
    '<style>body{font:14px/1.45 system-ui,sans-serif;margin:2em;max-width:90em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}th{background:#f4f4f4}code{font-size:90%}</style>',
    '</head><body>', '<h1>Validation against published runs</h1>',
    '<p>Generated by <code>npm run validate -- --write</code>, the same table as the README\'s "Validation" section.</p>',
    ...out, '</body></html>', '',
  ].join('\n');
}

function errorBandsSource(rows: Row[], memory: MemoryRow[]): string {
  const m = stats(memory.filter((r) => r.comparable).map((r) => r.error));
  const fams = [...new Set(rows.map((r) => r.chip))].sort();
  const entries = fams.map((f) => {
    const s = stats(rows.filter((r) => r.chip === f).map((r) => r.error));
    return `  ${f}: { runs: ${s.n}, meanError: ${s.mean.toFixed(4)}, maxError: ${s.max.toFixed(4)} },`;
  });
  return [
    '/**',
    ' * The validated step-time error of the simulator per chip family, on the published runs of `validation/`',
    ' * (README "Validation"). Generated by `npm run validate -- --write`; do not edit by hand.',
    ' */',
    "export type ChipFamily = 'a100' | 'h100' | 'tpu';",
    '',
    'export interface ErrorBand {',
    '  /** Published runs of this chip family the simulator was checked against. */',
    '  readonly runs: number;',
    '  /** Mean and max absolute relative step-time error over those runs. */',
    '  readonly meanError: number;',
    '  readonly maxError: number;',
    '}',
    '',
    'export const ERROR_BANDS: Readonly<Partial<Record<ChipFamily, ErrorBand>>> = {',
    ...entries,
    '};',
    '',
    '/** The validated peak-memory error, on the published memory figures (any chip: memory is counted, not timed). */',
    `export const MEMORY_ERROR_BAND: ErrorBand = { runs: ${m.n}, meanError: ${m.mean.toFixed(4)}, maxError: ${m.max.toFixed(4)} };`,
    '',
  ].join('\n');
}

/**
 * The fit: per chip family, sweep the large-matmul efficiency over 0.60…0.95 and keep the value with the
 * smallest root-mean-square step-time error on the "fit" rows (least squares: with rows on both sides of
 * zero the mean absolute error is flat over a range, the squared error is not). The other figures come from
 * microbenchmarks and the literature (docs/cost-model.md); held-out rows never enter the fit.
 */
function fit(cases: Case[]) {
  for (const chip of new Set(cases.filter((c) => c.fit).map((c) => c.chip))) {
    const rows = cases.filter((c) => c.fit && c.chip === chip);
    let best = { eff: NaN, rms: Infinity };
    for (let i = 60; i <= 95; i++) {
      const eff = i / 100;
      const errs = rows.map((c) => runCase(c, { matmulEfficiency: eff }).error);
      const rms = Math.sqrt(errs.reduce((a, e) => a + e * e, 0) / errs.length);
      console.log(`${chip} matmulEfficiency ${eff.toFixed(2)}: rms error ${formatPercent(rms)}, mean |error| ${formatPercent(stats(errs).mean)} (${errs.map(formatSignedPercent).join(', ')}) on ${rows.map((r) => r.id).join(', ')}`);
      if (rms < best.rms) best = { eff, rms };
    }
    console.log(`=> ${chip}: matmulEfficiency ${best.eff.toFixed(2)} (rms error ${formatPercent(best.rms)} on ${rows.length} fit rows)\n`);
  }
}

/**
 * `--breakdown <id>`: where the simulated step of one case goes, by part (src/core/sim/breakdown.ts): the
 * seconds of the per-device program of one micro-batch (a pipelined program holds every stage's ops; a
 * device runs its stage's share, its micro-batch ops m times and the gradient reductions and the optimizer
 * once). Parts are summed without overlap or bubble, to compare with a paper's own account of the step.
 */
function breakdown(c: Case) {
  const { config, report, spmd, published, simulated } = runValidationCase(c);
  const hw = resolveHardware(config.hardware, spmd.mesh);
  const m = report.pipeline?.microbatches ?? 1;
  const P = report.pipeline?.stages ?? 1;
  const b = stepBreakdown(spmd.program, hw);
  console.log(`${c.id}: published ${formatSeconds(published)}, simulated ${formatSeconds(simulated)}; per-device program of one micro-batch (${m} micro-batch${m > 1 ? 'es' : ''}, ${P} pipeline stage${P > 1 ? 's' : ''}):`);
  let total = 0;
  for (const [part, s] of [...b.seconds].sort((x, y) => y[1] - x[1])) {
    total += s;
    const f = b.flops.get(part);
    console.log(`  ${part.padEnd(44)} ${formatSeconds(s).padStart(10)}${f ? `  ${(f / s / 1e12).toFixed(0)} TFLOP/s` : ''}`);
  }
  console.log(`  ${'sum (no overlap, no bubble)'.padEnd(44)} ${formatSeconds(total).padStart(10)}; ${b.launches} kernel launches`);
}

function main() {
  const argv = process.argv.slice(2);
  const args = new Set(argv.filter((a) => a.startsWith('--')));
  const only = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--breakdown' && argv[i - 1] !== '--set');
  const dir = join(ROOT, 'validation', 'cases');
  const all: Case[] = readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Case);
  // positional arguments keep the cases whose id contains one of them (e.g. `npm run validate -- korthikanti`)
  const cases = only.length ? all.filter((c) => only.some((o) => c.id.includes(o))) : all;
  if ((args.has('--write') || args.has('--check')) && cases.length !== all.length) throw new Error('--write and --check need every case: drop the case filter');
  if (args.has('--fit')) return fit(cases);
  if (args.has('--breakdown')) {
    const id = argv[argv.indexOf('--breakdown') + 1];
    const c = all.find((x) => x.id === id);
    if (!c) throw new Error(`--breakdown: no case "${id}" in validation/cases (ids: ${all.map((x) => x.id).join(', ')})`);
    return breakdown(c);
  }
  // `--set name=value`: a hardware figure override for every case run (to try a calibration; never --write)
  const overrides = new Map<string, number>();
  argv.forEach((a, i) => {
    if (argv[i - 1] !== '--set') return;
    const [k, v] = a.split('=');
    if (!(Number(v) > 0)) throw new Error(`--set ${a}: expected name=positive number`);
    overrides.set(k, Number(v));
  });
  if (overrides.size && args.has('--write')) throw new Error('--set and --write do not mix: put the figure in src/core/mesh/hardware.ts');
  const rows: Row[] = [];
  for (const c of cases) {
    const t0 = Date.now();
    rows.push(runCase(c, overrides.size ? Object.fromEntries(overrides) : undefined));
    process.stderr.write(`${c.id}: ${Date.now() - t0} ms\n`);
  }
  const micro = microRows((JSON.parse(readFileSync(join(ROOT, 'validation', 'microbenchmarks.json'), 'utf8')) as { cases: Micro[] }).cases);
  const notExpressible = (JSON.parse(readFileSync(join(ROOT, 'validation', 'not-expressible.json'), 'utf8')) as { cases: { id: string; source: string; why: string }[] }).cases;
  const memory = memoryRows(rows);
  const memStats = stats(memory.filter((r) => r.comparable).map((r) => r.error));
  const split = (pred: (r: Row) => boolean) => stats(rows.filter(pred).map((r) => r.error));
  const summary = {
    stepTime: { fitted: split((r) => r.fit), heldOut: split((r) => !r.fit), all: split(() => true) },
    byTable: groupSummaries(rows),
    byChip: Object.fromEntries([...new Set(rows.map((r) => r.chip))].map((f) => [f, split((r) => r.chip === f)])),
    outOfMemory: rows.filter((r) => r.outOfMemory && r.memoryComparable).map((r) => r.id),
    memoryComparable: rows.filter((r) => r.memoryComparable).length,
    memory: { ...memStats, rows: memory },
  };
  if (args.has('--json')) {
    process.stdout.write(JSON.stringify({ rows, micro, notExpressible, summary }, null, 2) + '\n');
  } else {
    const pad = (s: string, n: number) => s.padEnd(n);
    console.log(`${pad('case', 28)} ${pad('chip', 5)} ${pad('role', 9)} ${pad('published', 10)} ${pad('simulated', 10)} ${pad('ratio', 6)} ${pad('error', 8)} ${pad('reference', 20)} peak/capacity`);
    for (const r of rows)
      console.log(`${pad(r.id, 28)} ${pad(r.chip, 5)} ${pad(r.fit ? 'fit' : 'held-out', 9)} ${pad(formatSeconds(r.published), 10)} ${pad(formatSeconds(r.simulated), 10)} ${pad(r.ratio.toFixed(2), 6)} ${pad(formatSignedPercent(r.error), 8)} ${pad(r.reference ? `${r.reference.name} ${formatSignedPercent(r.reference.error)}` : '', 20)} ${r.peakGiB.toFixed(1)}/${r.capacityGiB.toFixed(0)} GiB${r.outOfMemory ? ' OOM' : ''}${r.memoryComparable ? '' : ' (memory not comparable)'}`);
    const s = summary.stepTime;
    console.log(`\nstep time |error|: fitted mean ${formatPercent(s.fitted.mean)} max ${formatPercent(s.fitted.max)} (${s.fitted.n}); held-out mean ${formatPercent(s.heldOut.mean)} max ${formatPercent(s.heldOut.max)} (${s.heldOut.n}); all mean ${formatPercent(s.all.mean)} max ${formatPercent(s.all.max)} (${s.all.n})`);
    for (const [f, st] of Object.entries(summary.byChip)) console.log(`  ${f}: mean ${formatPercent(st.mean)} max ${formatPercent(st.max)} on ${st.n} runs`);
    for (const g of summary.byTable) console.log(`  ${g.group}: mean ${formatPercent(g.mean)} max ${formatPercent(g.max)} on ${g.n} runs${g.reference ? `; ${g.reference.name} on the same runs: mean ${formatPercent(g.reference.mean)} max ${formatPercent(g.reference.max)}` : ''}`);
    console.log(`published runs predicted out of memory: ${summary.outOfMemory.length} of ${summary.memoryComparable} whose memory is comparable${summary.outOfMemory.length ? ` (${summary.outOfMemory.join(', ')})` : ''}`);
    console.log('\nmemory (published figure, simulated, error):');
    for (const m of memory) console.log(`  ${pad(m.id, 34)} ${pad(gbytes(m.published), 10)} ${pad(gbytes(m.simulated), 10)} ${formatSignedPercent(m.error)}${m.comparable ? '' : ' (excluded: not comparable)'}`);
    console.log(`memory |error|: mean ${formatPercent(memStats.mean)} max ${formatPercent(memStats.max)} on ${memStats.n} published figures`);
    console.log('\ncollective microbenchmarks (fit):');
    for (const m of micro) console.log(`  ${pad(m.id, 22)} measured ${pad(formatSeconds(m.measured), 10)} simulated ${pad(formatSeconds(m.simulated), 10)} ${formatSignedPercent(m.error)}`);
    console.log('\nnot expressible yet:');
    for (const n of notExpressible) console.log(`  ${pad(n.id, 26)} ${n.why}`);
  }
  if (args.has('--check')) {
    const current = readFileSync(join(ROOT, 'src', 'core', 'sim', 'errorBands.ts'), 'utf8');
    if (current !== errorBandsSource(rows, memory)) {
      process.stderr.write('src/core/sim/errorBands.ts is stale: run `npm run validate -- --write`\n');
      process.exitCode = 1;
    }
  }
  if (args.has('--write')) {
    const readmePath = join(ROOT, 'README.md');
    const readme = readFileSync(readmePath, 'utf8');
    const START = '<!-- validation:start -->';
    const END = '<!-- validation:end -->';
    const table = markdown(rows, memory, micro, notExpressible);
    const body = `${START}\n${table}\n${END}`;
    const i = readme.indexOf(START);
    const j = readme.indexOf(END);
    const next = i >= 0 && j > i ? readme.slice(0, i) + body + readme.slice(j + END.length) : `${readme.trimEnd()}\n\n## Validation\n\n${body}\n`;
    writeFileSync(readmePath, next);
    writeFileSync(join(ROOT, 'src', 'core', 'sim', 'errorBands.ts'), errorBandsSource(rows, memory));
    // The explorer links its error bands here: a page it serves itself (public/ is copied into the build).
    writeFileSync(join(ROOT, 'public', VALIDATION_PAGE), validationPage(table));
    process.stderr.write('wrote README.md (validation table), src/core/sim/errorBands.ts and public/validation.html\n');
  }
}

main();
