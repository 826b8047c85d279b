/** The compare view's collectives by kind: core's by-kind-axes-phase totals summed per collective kind. */
import type { CollectiveGroup } from '../core/compare';
import type { CollectiveName } from '../core/report';

export interface KindTotals {
  kind: CollectiveName;
  /** The axes any of its groups run over, in A or B. */
  axes: string[];
  count: { a: number; b: number };
  bytes: { a: number; b: number };
  seconds: { a: number; b: number };
}

/** One row per collective kind present in A or B, the largest change in time first. */
export function totalsByKind(byKind: readonly CollectiveGroup[]): KindTotals[] {
  const m = new Map<CollectiveName, KindTotals>();
  for (const g of byKind) {
    let t = m.get(g.kind);
    if (!t) m.set(g.kind, (t = { kind: g.kind, axes: [], count: { a: 0, b: 0 }, bytes: { a: 0, b: 0 }, seconds: { a: 0, b: 0 } }));
    for (const ax of g.axes) if (!t.axes.includes(ax)) t.axes.push(ax);
    t.count.a += g.count.a;
    t.count.b += g.count.b;
    t.bytes.a += g.bytes.a;
    t.bytes.b += g.bytes.b;
    t.seconds.a += g.seconds.a;
    t.seconds.b += g.seconds.b;
  }
  return [...m.values()].sort((x, y) => Math.abs(y.seconds.b - y.seconds.a) - Math.abs(x.seconds.b - x.seconds.a) || x.kind.localeCompare(y.kind));
}
