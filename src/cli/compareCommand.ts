/**
 * `compare <a.json> <b.json> [--json]`: two configurations side by side — time and per-device memory
 * (B − A), collectives by kind, the collectives B adds or removes, and the values sharded differently.
 */
import { UserError } from '../core/errors';
import { compareResults, type CollectiveGroup, type Comparison, type Delta } from '../core/compare';
import { runPipeline } from '../core/pipeline';
import type { AxisShardingJson } from '../core/report';
import type { CommandOutput } from './commands';
import { formatBytes, formatChange, formatPercent, formatSeconds } from '../core/units';
import { table } from './format';
import { readConfigFile } from './io';

/** Rows listed per section in the text output (the JSON has them all). */
const TEXT_ROWS = 15;

export const compareCommand: { args: string; help: string; run(args: string[]): CommandOutput } = {
  args: '<a.json> <b.json>',
  help: 'two configurations side by side: time and memory deltas, collectives added/removed, sharding differences',
  run: (args) => {
    const files = args.filter((a) => !a.startsWith('--'));
    if (files.length !== 2) throw new UserError('usage', `compare takes two config files, got ${files.length}: compare <a.json> <b.json>`);
    const [fa, fb] = files;
    const a = runPipeline(readConfigFile(fa));
    const b = runPipeline(readConfigFile(fb));
    const c = compareResults(a, b);
    return { json: { a: fa, b: fb, ...c }, text: comparisonText(c, fa, fb) };
  },
};

const sign = (x: number, f: (v: number) => string) => (x > 0 ? `+${f(x)}` : x < 0 ? `−${f(-x)}` : '0');
const pct = (d: Delta) => (d.a !== 0 && d.delta !== 0 ? ` (${formatChange(d.a, d.b)})` : '');
const row = (label: string, d: Delta, f: (v: number) => string) => [label, f(d.a), f(d.b), sign(d.delta, f) + pct(d)];

function axisText(s: Record<string, AxisShardingJson> | null): string {
  if (!s) return '(absent)';
  const parts = Object.entries(s)
    .filter(([, v]) => v !== 'replicated')
    .map(([ax, v]) => (typeof v === 'object' ? `${ax}:dim ${v.tiled}` : `${ax}:partial`));
  return parts.length ? parts.join(' ') : 'replicated';
}

function groupRows(gs: readonly CollectiveGroup[], withOp: boolean): (string | number)[][] {
  return gs.slice(0, TEXT_ROWS).map((g) => [
    g.kind, g.axes.join(',') || '-', g.phase, ...(withOp ? [g.op] : []),
    `${g.count.a} → ${g.count.b}`, `${formatBytes(g.bytes.a)} → ${formatBytes(g.bytes.b)}`, sign(g.seconds.b - g.seconds.a, formatSeconds),
  ]);
}

const more = (n: number) => (n > TEXT_ROWS ? `\n… and ${n - TEXT_ROWS} more (--json lists all)` : '');

export function comparisonText(c: Comparison, fa: string, fb: string): string {
  const t = c.time, m = c.memory;
  const out: string[] = [
    `A: ${fa} (${c.meshes.a})`,
    `B: ${fb} (${c.meshes.b})`,
    c.sameModel ? 'same program: values matched by id' : 'different programs: values matched by name',
    '',
    table(['time', 'A', 'B', 'B − A'], [
      row('step', t.step, formatSeconds),
      row('compute', t.compute, formatSeconds),
      row('communication', t.communication, formatSeconds),
      row('exposed comm.', t.exposedCommunication, formatSeconds),
      row('MFU', t.mfu, formatPercent),
      ...Object.entries(t.perAxis).map(([ax, d]) => row(`  axis ${ax}`, d, formatSeconds)),
    ]),
    '',
    table(['memory per device', 'A', 'B', 'B − A'], [
      row('peak', m.peak, formatBytes),
      ...Object.entries(m.atPeak).map(([k, d]) => row(`  ${k}`, d, formatBytes)),
    ]),
    '',
    c.collectives.byKind.length
      ? table(['collectives', 'axes', 'phase', 'count A → B', 'bytes A → B', 'Δ seconds'], groupRows(c.collectives.byKind, false))
      : 'no collectives in either',
  ];
  const sections = [['added in B', c.collectives.added], ['removed in B', c.collectives.removed], ['changed (count or bytes)', c.collectives.changed]] as const;
  for (const [title, gs] of sections) {
    if (!gs.length) continue;
    out.push('', `collectives ${title} (${gs.length}):`, table(['kind', 'axes', 'phase', 'op', 'count', 'bytes', 'Δ seconds'], groupRows(gs, true)) + more(gs.length));
  }
  out.push('');
  if (!c.shardings.count) out.push('shardings: identical');
  else {
    out.push(`shardings: ${c.shardings.count} value${c.shardings.count === 1 ? '' : 's'} differ`);
    out.push(table(['value', 'A', 'B'], c.shardings.values.slice(0, TEXT_ROWS).map((v) => [v.value, axisText(v.a), axisText(v.b)])) + more(c.shardings.count));
  }
  return out.join('\n');
}
