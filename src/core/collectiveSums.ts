/**
 * Collectives summed into groups by a choice of kind, axes, phase and the op they serve: the one
 * grouping behind the CLI's and the Markdown report's tables, the compare view and the charts.
 */
import type { Phase } from './ir/types';
import type { CollectiveJson, CollectiveName } from './report';

/** What a group is keyed by. */
export type CollectiveKeyPart = 'kind' | 'axes' | 'phase' | 'op';

/** The fields of a collective the sums read (a report's `CollectiveJson` has them all). */
export type SummableCollective = Pick<CollectiveJson, 'kind' | 'axes' | 'phase' | 'op' | 'bytes' | 'seconds'>;

export interface CollectiveSum {
  /** The group's key (see collectiveKey). */
  key: string;
  kind: CollectiveName;
  /** The group's axes; when axes are not in the key, every axis any member runs over, first seen first. */
  axes: string[];
  /** The first member's phase (every member's when the phase is in the key). */
  phase: Phase;
  /** The op the members serve when the op is in the key, else ''. */
  op: string;
  count: number;
  bytes: number;
  seconds: number;
}

/** `all-gather|batch,model|forward`: the parts of `c` named by `by`, in that order. */
export const collectiveKey = (c: SummableCollective, by: readonly CollectiveKeyPart[]): string =>
  by.map((part) => (part === 'axes' ? c.axes.join(',') : c[part])).join('|');

/** One sum per distinct key, in the order each key first occurs. */
export function sumCollectives(cs: readonly SummableCollective[], by: readonly CollectiveKeyPart[]): CollectiveSum[] {
  const groups = new Map<string, CollectiveSum>();
  const byAxes = by.includes('axes');
  for (const c of cs) {
    const key = collectiveKey(c, by);
    let g = groups.get(key);
    if (g === undefined) {
      g = { key, kind: c.kind, axes: [...c.axes], phase: c.phase, op: by.includes('op') ? c.op : '', count: 0, bytes: 0, seconds: 0 };
      groups.set(key, g);
    } else if (!byAxes) {
      for (const a of c.axes) if (!g.axes.includes(a)) g.axes.push(a);
    }
    g.count++;
    g.bytes += c.bytes;
    g.seconds += c.seconds;
  }
  return [...groups.values()];
}
