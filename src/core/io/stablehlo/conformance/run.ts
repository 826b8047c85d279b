/**
 * Runs the Shardy conformance cases (cases.ts): each module is imported, propagated as the Shardy pass
 * of its file would (jaxShardings), and its argument and result shardings compared with Shardy's.
 */
import { importStableHlo } from '../import';
import { jaxShardings } from '../shardy';
import { lex } from '../lexer';
import { parseSdySharding } from '../sharding';
import { isTrivial, printSharding, type TensorSharding } from '../../../partition/shardy/sharding';
import type { SdyMode } from '../../../partition/shardy/propagate';
import { formatPercent } from '../../../units';
import { CASES, FILES, type ConformanceCase, type ShardyFile } from './cases';

export interface CaseOutcome {
  readonly case: ConformanceCase;
  /** 'pass', 'fail' (a disagreement), or 'unsupported' (an op outside the importer's op set). */
  readonly status: 'pass' | 'fail' | 'unsupported';
  /** What differs, or which ops are unsupported. */
  readonly detail: string;
}

export const MODE_OF: Record<ShardyFile, SdyMode> = {
  basic: 'basic', aggressive: 'aggressive', 'op-priority': 'op-priority', 'user-priority': 'user-priority', pipeline: 'pipeline',
};

type Meshes = ReadonlyMap<string, readonly { name: string; size: number }[]>;

/**
 * Canonical text of a sharding, or '-' for none (an all-open, empty sharding says nothing either). Meshes
 * are named by their axes, so a lifted inline mesh equals the named mesh it repeats, as in Shardy.
 */
function canon(s: TensorSharding | undefined, pipeline: boolean, meshes: Meshes): string {
  if (s === undefined || (!pipeline && isTrivial(s))) return '-';
  if (pipeline && s.dims.every((d) => d.axes.length === 0) && s.unreduced.length === 0) return '-';
  const axes = meshes.get(s.mesh);
  const name = axes ? `m_${axes.map((a) => `${a.name}${a.size}`).join('_')}` : s.mesh;
  return printSharding({ ...s, mesh: name }, { priorities: false });
}

function expected(text: string | null, mesh: string, pipeline: boolean, meshes: Meshes): string {
  if (text === null) return '-';
  const full = text.startsWith('@') || text.startsWith('mesh<') ? `<${text}>` : `<@${mesh}, ${text}>`;
  return canon(parseSdySharding(lex(full).slice(0, -1)).sdy, pipeline, meshes);
}

export function moduleText(c: ConformanceCase): string {
  return `module {\n${c.meshes ?? FILES[c.file].meshes}\n${c.func}\n}\n`;
}

export function runCase(c: ConformanceCase): CaseOutcome {
  const r = importStableHlo(moduleText(c));
  if (!r.ok) return { case: c, status: 'fail', detail: `import failed: ${r.diagnostics[0]?.message}` };
  if (r.opaque.length > 0) return { case: c, status: 'unsupported', detail: [...new Set(r.opaque.map((o) => o.name))].join(', ') };
  const pipeline = c.file === 'pipeline';
  const got = jaxShardings(r, MODE_OF[c.file]);
  const mesh = FILES[c.file].defaultMesh;
  const diffs: string[] = [];
  c.args.forEach((e, i) => {
    const want = expected(e, mesh, pipeline, r.meshes), have = canon(got.args[i], pipeline, r.meshes);
    if (want !== have) diffs.push(`arg ${i}: Shardy ${want}, here ${have}`);
  });
  c.results.forEach((e, i) => {
    const want = expected(e, mesh, pipeline, r.meshes), have = canon(got.results[i], pipeline, r.meshes);
    if (want !== have) diffs.push(`result ${i}: Shardy ${want}, here ${have}`);
  });
  (c.returned ?? []).forEach((e, i) => {
    const v = r.program.outputs[i]?.value;
    const want = expected(e, mesh, pipeline, r.meshes), have = v === undefined ? '?' : canon(got.values[v], pipeline, r.meshes);
    if (want !== have) diffs.push(`returned value ${i}: Shardy ${want}, here ${have}`);
  });
  return { case: c, status: diffs.length === 0 ? 'pass' : 'fail', detail: diffs.join('; ') };
}

export function runAll(): CaseOutcome[] {
  return CASES.map(runCase);
}

/** Counts over the outcomes: the issue's bar is agreement on ≥ 90% of the cases whose ops the importer supports. */
export function summarize(out: readonly CaseOutcome[]): { pass: number; fail: number; unsupported: number; supportedRate: number } {
  const pass = out.filter((o) => o.status === 'pass').length;
  const fail = out.filter((o) => o.status === 'fail').length;
  const unsupported = out.length - pass - fail;
  return { pass, fail, unsupported, supportedRate: pass / Math.max(1, pass + fail) };
}

const esc = (s: string) => s.replace(/\|/g, '\\|');

/** The markdown table of docs/shardy-conformance.md, from a run. */
export function conformanceTable(out: readonly CaseOutcome[]): string {
  const sum = summarize(out);
  const lines = [
    `${out.length} functions of Shardy's propagation tests, re-expressed in \`src/core/io/stablehlo/conformance/cases.ts\`: ` +
      `${sum.pass} agree with Shardy on every argument and result sharding checked, ${sum.fail} differ, ${sum.unsupported} use an op outside the importer's op set. ` +
      `Agreement on the supported cases: ${formatPercent(sum.supportedRate)}.`,
    '',
    '| Shardy file (pass) | Function | Result | Why not |',
    '|---|---|---|---|',
  ];
  for (const o of out) {
    const f = FILES[o.case.file];
    const why = o.status === 'pass' ? '' : o.status === 'unsupported' ? `op not imported: ${o.detail}` : `${o.case.note ?? 'unexplained'} (${o.detail})`;
    lines.push(`| \`${f.source}\` (\`${f.pass}\`) | \`${o.case.name}\` | ${o.status} | ${esc(why)} |`);
  }
  return lines.join('\n');
}
