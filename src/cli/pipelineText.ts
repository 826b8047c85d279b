/** The CLI's pipeline tables: per stage its figures, then the values crossing each stage's boundary. */
import type { PipelineJson } from '../core/report';
import { formatBytes, formatSeconds } from '../core/units';
import { table } from './format';

const layersText = (layers: readonly [number, number][]): string => layers.map(([a, b]) => (b - a > 1 ? `${a}–${b - 1}` : b > a ? `${a}` : '—')).join(', ');

export function pipelineText(pl: PipelineJson): string {
  const perMb = (s: PipelineJson['perStage'][number], dir: 'in' | 'out') => formatBytes(s.boundaries.filter((b) => b.direction === dir).reduce((n, b) => n + b.bytes, 0));
  const stages = table(['stage', 'layers', 'peak', 'busy', 'bubble', 'in flight', 'sends / mb', 'receives / mb'],
    pl.perStage.map((s) => [s.stage, layersText(s.layers), formatBytes(s.peakMemory), formatSeconds(s.busy), formatSeconds(s.bubble), s.microbatchesInFlight, perMb(s, 'out'), perMb(s, 'in')]));
  const rows = pl.perStage.flatMap((s) => s.boundaries.map((b) => [
    s.stage, `${b.direction === 'out' ? '→' : '←'} ${b.peer}`, b.pass, b.value, `[${b.shape.join(', ')}] ${b.dtype}`, formatBytes(b.bytes),
  ]));
  const head = `pipeline       ${pl.schedule}, ${pl.stages} stages${pl.virtual > 1 ? ` × ${pl.virtual} chunks` : ''}, ${pl.microbatches} micro-batches, bubble ${(pl.bubbleFraction * 100).toFixed(1)}% (schedule: ${(pl.idealBubbleFraction * 100).toFixed(1)}%)`;
  return [head, stages, rows.length ? table(['stage', 'peer', 'pass', 'crosses the boundary', 'shape per device', 'bytes / mb'], rows) : ''].filter(Boolean).join('\n\n');
}
