import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../pipeline';
import type { Report } from '../../report';
import { BP_MP_Z3, tinyTransformerConfig } from './fixtures';
import { formatBytes, formatPercent, formatSeconds } from '../../units';
import { exportMarkdown, mdTable } from './markdown';

const config = tinyTransformerConfig(BP_MP_Z3);
const { report } = runPipeline(config);
const md = exportMarkdown(report, config);

/** The rows of the table under `## heading`, as arrays of cell texts (header and rule dropped). */
function tableUnder(heading: string): string[][] {
  const lines = md.split('\n');
  const at = lines.findIndex((l) => l.startsWith(`## ${heading}`));
  expect(at, heading).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (let i = at + 2; i < lines.length && lines[i].startsWith('|'); i++) rows.push(lines[i].slice(2, -2).split(' | '));
  return rows.slice(2);
}

describe('exportMarkdown', () => {
  it('titles the report with the model, schedule and mesh', () => {
    expect(md.split('\n')[0]).toBe('# transformer: BP, MP, Z3 on batch=4 × model=2');
  });

  it('gives the headline figures from the report', () => {
    const rows = Object.fromEntries(tableUnder('Headline').map(([k, v]) => [k, v]));
    expect(rows['step time']).toBe(formatSeconds(report.time.step));
    expect(rows.MFU).toBe(formatPercent(report.time.mfu));
    expect(rows['peak memory']).toContain(formatBytes(Math.max(...report.memory.perDevice.map((d) => d.peak))));
    expect(rows.collectives).toBe(String(report.collectives.length));
  });

  it('splits memory at the peak by category, shares summing to the total', () => {
    const rows = tableUnder('Memory at the peak');
    const peak = report.memory.perDevice[0];
    expect(rows.map((r) => r[0])).toEqual(['params', 'optimizer', 'gradients', 'activations', 'temporaries', '**total**']);
    expect(rows[0][1]).toBe(formatBytes(peak.atPeak.params));
    expect(rows[1][1]).toBe(formatBytes(peak.atPeak.optimizer));
    const shares = rows.slice(0, 5).map((r) => Number.parseFloat(r[2]));
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 0);
  });

  it('splits time into compute, communication and the exposed part, and per axis', () => {
    const rows = Object.fromEntries(tableUnder('Time').map((r) => [r[0], r[1]]));
    expect(rows.compute).toBe(formatSeconds(report.time.compute));
    expect(rows['exposed communication']).toBe(formatSeconds(report.time.exposedCommunication));
    for (const [axis, s] of Object.entries(report.time.perAxis)) expect(rows[`communication on ${axis}`]).toBe(formatSeconds(s));
  });

  it('groups collectives by kind, axes and phase with counts adding up to the report', () => {
    const rows = tableUnder('Collectives');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.reduce((n, r) => n + Number(r[3]), 0)).toBe(report.collectives.length);
    for (const r of rows) {
      const same = report.collectives.filter((c) => c.kind === r[0] && c.axes.join(', ') === r[1] && c.phase === r[2]);
      expect(same.length, r.join(' ')).toBe(Number(r[3]));
      expect(r[4]).toBe(formatBytes(same.reduce((n, c) => n + c.bytes, 0)));
    }
    // BP+ZeRO-3 reduce-scatters gradients on the batch axis in the backward pass
    expect(rows.some((r) => r[0] === 'reduce-scatter' && r[1].includes('batch'))).toBe(true);
  });

  it('lists the stages in schedule order', () => {
    const rows = tableUnder('Stages');
    expect(rows.map((r) => [r[1], r[2]])).toEqual([['BP', 'batch'], ['MP', 'model'], ['Z3', 'batch']]);
    expect(rows.map((r) => Number(r[4]))).toEqual(report.stages.map((s) => s.reached));
  });

  it('says so when there is no communication, and escapes pipes in cells', () => {
    const none: Report = { ...report, collectives: [], stages: [] };
    const text = exportMarkdown(none, config);
    expect(text).toContain('None: the schedule needs no communication.');
    expect(text).toContain('No tactics: everything is replicated.');
    expect(mdTable(['a'], [['x|y']])).toBe('| a |\n| --- |\n| x\\|y |');
  });
});

describe('exportMarkdown conflicts', () => {
  it('lists conflicts with both origins, capped', () => {
    const conflict = (k: number): Report['stages'][number]['conflicts'][number] => ({
      value: `params/layer_${k}/w`, axis: 'batch', op: `dot_general @ layer_${k}`, message: 'm',
      existing: { sharding: 'replicated', tactic: 'BP' }, incoming: { sharding: 'tiled on dim 0', tactic: 'Z3' },
    });
    const stage = { tactic: 'Z3', axis: 'batch', seeded: [], reached: 3, conflicts: Array.from({ length: 25 }, (_, k) => conflict(k)) };
    const text = exportMarkdown({ ...report, stages: [stage] }, config);
    const lines = text.split('\n').filter((l) => l.startsWith('- `'));
    expect(lines).toHaveLength(20);
    // `_` is escaped outside code spans (it renders the same; a name such as `_a_` would otherwise be emphasis)
    expect(lines[3]).toBe('- `params/layer_3/w` on `batch` at dot\\_general @ layer\\_3: replicated (BP) vs tiled on dim 0 (Z3)');
    expect(text).toContain('- … and 5 more');
  });
});
