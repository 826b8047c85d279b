/**
 * The memory/time summary as Markdown, for pasting into an issue or a design doc: headline figures,
 * memory at the peak by category, the time split, collectives grouped by kind, axes and phase, and
 * the stages of the schedule.
 */
import type { Config } from '../config';
import { sumCollectives } from '../../collectiveSums';
import type { BytesByCategory, Report } from '../../report';
import { formatBytes, formatCount, formatFlops, formatPercent, formatSeconds } from '../../units';
import { mdCode, mdText } from './escape';

const pct = (part: number, whole: number): string => (whole > 0 ? formatPercent(part / whole) : '–');

/** A cell the exporter writes as Markdown (`**total**`); any other cell is text and is escaped. */
export interface MdSource { md: string }

const cell = (v: string | number | MdSource): string => (typeof v === 'object' ? v.md : mdText(String(v)));

/** A GitHub-flavoured Markdown table; `right` lists the right-aligned (numeric) columns. */
export function mdTable(header: string[], rows: (string | number | MdSource)[][], right: readonly number[] = []): string {
  const rule = header.map((_, c) => (right.includes(c) ? '---:' : '---'));
  return [header, rule, ...rows].map((r, i) => `| ${(i === 1 ? r : r.map(cell)).join(' | ')} |`).join('\n');
}

/** Conflicts listed one per line; a bad schedule can have hundreds. */
const MAX_CONFLICTS = 20;

const CATEGORIES: (keyof BytesByCategory)[] = ['params', 'optimizer', 'gradients', 'activations', 'temporaries'];

export function exportMarkdown(report: Report, config: Config): string {
  const { time, memory, model } = report;
  const worst = memory.perDevice.reduce<Report['memory']['perDevice'][number] | undefined>((w, d) => (!w || d.peak > w.peak ? d : w), undefined);
  const devices = config.mesh.axes.reduce((n, a) => n * a.size, 1);
  const meshText = config.mesh.axes.map((a) => `${mdText(a.name)}=${a.size}`).join(' × ') || '(none)';
  const schedule = report.stages.map((s) => mdText(s.tactic)).join(', ') || '(none)';
  const out: string[] = [];

  out.push(
    `# ${mdText(model.name)}: ${schedule} on ${meshText}`,
    '',
    `Simulated by PartIR Explorer on ${devices} × ${mdText(config.hardware.preset)}. Times in seconds per training step; memory per device.`,
    '',
    '## Headline',
    '',
    mdTable(['figure', 'value'], [
      ['step time', formatSeconds(time.step)],
      ['MFU', formatPercent(time.mfu)],
      ['peak memory', { md: worst ? `${formatBytes(worst.peak)} of ${formatBytes(worst.capacity)} (${pct(worst.peak, worst.capacity)})${worst.outOfMemory ? ' — **out of memory**' : ''}` : '–' }],
      ['parameters', formatCount(model.parameters)],
      ['FLOPs per step', `${formatFlops(model.flops.model)} (executed ${formatFlops(model.flops.executed)})`],
      ['collectives', String(report.collectives.length)],
    ], [1]),
    '',
    `## Memory at the peak${worst && memory.perDevice.length > 1 ? ` (device ${worst.device})` : ''}`,
    '',
  );
  if (worst) {
    const total = CATEGORIES.reduce((n, c) => n + worst.atPeak[c], 0);
    out.push(mdTable(['category', 'bytes', 'share'], [
      ...CATEGORIES.map((c) => [c, formatBytes(worst.atPeak[c]), pct(worst.atPeak[c], total)]),
      [{ md: '**total**' }, { md: `**${formatBytes(total)}**` }, pct(total, total)],
    ], [1, 2]));
  } else out.push('No memory figures.');

  out.push(
    '',
    '## Time',
    '',
    mdTable(['part', 'seconds', 'share of step'], [
      ['step', formatSeconds(time.step), pct(time.step, time.step)],
      ['compute', formatSeconds(time.compute), pct(time.compute, time.step)],
      ['communication', formatSeconds(time.communication), pct(time.communication, time.step)],
      ['exposed communication', formatSeconds(time.exposedCommunication), pct(time.exposedCommunication, time.step)],
      ...Object.entries(time.perAxis).map(([axis, s]) => [`communication on ${axis}`, formatSeconds(s), pct(s, time.step)]),
    ], [1, 2]),
    '',
    '## Collectives',
    '',
  );

  const rows = sumCollectives(report.collectives, ['kind', 'axes', 'phase']).sort((a, b) => b.seconds - a.seconds || b.bytes - a.bytes || a.kind.localeCompare(b.kind));
  out.push(rows.length === 0 ? 'None: the schedule needs no communication.' : mdTable(
    ['collective', 'axes', 'phase', 'count', 'bytes', 'time'],
    rows.map((g) => [g.kind, g.axes.join(', '), g.phase, g.count, formatBytes(g.bytes), formatSeconds(g.seconds)]),
    [3, 4, 5],
  ));

  out.push('', '## Stages', '');
  out.push(report.stages.length === 0 ? 'No tactics: everything is replicated.' : mdTable(
    ['#', 'tactic', 'axis', 'seeded', 'reached', 'conflicts'],
    report.stages.map((s, i) => [i + 1, s.tactic, s.axis, s.seeded.length, s.reached, s.conflicts.length]),
    [0, 3, 4, 5],
  ));
  const conflicts = report.stages.flatMap((s) => s.conflicts);
  if (conflicts.length > 0) {
    out.push('', '### Conflicts', '');
    for (const c of conflicts.slice(0, MAX_CONFLICTS)) out.push(`- ${mdCode(c.value)} on ${mdCode(c.axis)} at ${mdText(c.op)}: ${mdText(c.existing.sharding)} (${mdText(c.existing.tactic)}) vs ${mdText(c.incoming.sharding)} (${mdText(c.incoming.tactic)})`);
    if (conflicts.length > MAX_CONFLICTS) out.push(`- … and ${conflicts.length - MAX_CONFLICTS} more`);
  }
  out.push('');
  return out.join('\n');
}
