/**
 * What costs most of the step time, from a timeline: the pipeline lists it for each stage of the slider,
 * and the charts for the whole schedule (from the Report's timeline). Pure and light: no simulator here.
 */
import type { CollectiveName, Report } from './report';

export interface StepContributor {
  kind: 'compute' | 'communication';
  /** The op kind (compute) or the collective kind. */
  what: string;
  collective?: CollectiveName;
  axes?: string[];
  scope: string;
  /** Seconds summed over the intervals of the group on the device. */
  seconds: number;
  count: number;
  /** The first interval's `op` (`kind#id`), so a click can select the op in the graph. */
  op: string;
}

/**
 * The ops and collectives that cost most of one device's step, largest first: compute intervals summed by
 * op kind and scope, communication by collective kind, axes and scope. Seconds are busy time on each lane;
 * collectives that overlap compute cost the step less than their seconds (the time chart says how much).
 */
export function stepContributors(timeline: Report['timeline'], top = 10, device = timeline[0]?.device ?? 0): StepContributor[] {
  const row = timeline.find((d) => d.device === device);
  if (!row) return [];
  const groups = new Map<string, StepContributor>();
  for (const i of row.intervals) {
    const what = i.kind === 'compute' ? i.op.replace(/#\d+$/, '') : (i.collective ?? i.op.replace(/#\d+$/, ''));
    const axes = i.axes ?? [];
    const key = `${i.kind}|${what}|${axes.join('+')}|${i.scope}`;
    const g = groups.get(key);
    if (g) {
      g.seconds += i.end - i.start;
      g.count++;
    } else {
      groups.set(key, {
        kind: i.kind, what, scope: i.scope, seconds: i.end - i.start, count: 1, op: i.op,
        ...(i.collective ? { collective: i.collective, axes } : {}),
      });
    }
  }
  return [...groups.values()].sort((a, b) => b.seconds - a.seconds || a.scope.localeCompare(b.scope)).slice(0, top);
}
