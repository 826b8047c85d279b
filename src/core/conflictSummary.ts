/**
 * How a stage's conflicts read in one line and per group, from the groups partition/conflictGroups.ts made
 * for the Report (`StageJson.conflictGroups`): the stages table of the UI and the CLI's partition table
 * both print them so, expected ones apart from those that deserve attention. Light: Report types only.
 */
import type { ConflictGroupJson, StageJson } from './report';

/** `0`, `259 · all expected`, `25 · 3 need attention`. */
export function conflictSummary(s: Pick<StageJson, 'conflicts' | 'conflictGroups'>): string {
  const groups = s.conflictGroups ?? [];
  if (s.conflicts.length === 0) return '0';
  if (!groups.length) return String(s.conflicts.length);
  const attention = groups.filter((g) => !g.expected).reduce((n, g) => n + g.count, 0);
  return attention === 0 ? `${s.conflicts.length} · all expected` : `${s.conflicts.length} · ${attention} need attention`;
}

/** `259 × expected on batch: replicated (BP) vs dim 0 (Z3)`. */
export function conflictGroupLine(g: ConflictGroupJson): string {
  return `${g.count} × ${g.expected ? 'expected' : 'needs attention'} on ${g.axis}: ${g.existing} (${g.against}) vs ${g.incoming} (${g.tactic})`;
}
