/**
 * Conflicts grouped and explained. A schedule such as BatchParallel then ZeRO-3 on the same axis meets at
 * every parameter use: data parallelism has kept the parameter whole on the axis (it tiles the batch), and
 * ZeRO tiles it. PartIR resolves by tactic order, the earlier decision stands, so the parameter is
 * all-gathered before it is used: that is what ZeRO-3 means, and thousands of such conflicts say one thing.
 * Conflicts of any other shape (two tactics tiling an activation differently, a seed against another seed)
 * lose a tactic's intent somewhere and deserve attention.
 */
import type { Program, ValueId } from '../ir/types';
import type { ConflictGroupJson } from '../report';
import { numElements } from '../ir/shape';
import { formatAxisState } from './sharding';
import type { Conflict, Stage } from './types';

/** At most this many example values per group. */
const EXAMPLES = 5;

const STATE_ROLES = new Set(['param', 'optimizer', 'gradient']);

/** Whether tactic `tactic` tiles a batch input on `axis` (data parallelism on that axis). */
function tilesBatchOn(p: Program, stages: readonly Stage[], tactic: string, axis: string): boolean {
  return stages.some((s) => s.tactic === tactic && s.axis === axis && s.seeded.some((x) => x.state.kind === 'tiled' && p.values[x.value].role === 'batch'));
}

const REARRANGING: ReadonlySet<string> = new Set(['convert', 'reshape', 'transpose', 'reverse']);

/**
 * A model-state value (parameter, optimizer state, gradient) or what the program makes of one by moving its
 * elements only: a cast, a reshape, a transpose, or a gather that keeps every element (a convolution
 * kernel flipped for the backward pass) — not an embedding lookup, which makes an activation.
 */
function modelState(p: Program, v: ValueId): boolean {
  for (let cur = v, hops = 0; hops < 6; hops++) {
    const value = p.values[cur];
    if (value.role !== undefined && STATE_ROLES.has(value.role)) return true;
    const def = value.def >= 0 ? p.ops[value.def] : undefined;
    if (!def) return false;
    const src = def.operands[0];
    const moves = REARRANGING.has(def.kind)
      || (def.kind === 'gather' && numElements(value.type.shape) === numElements(p.values[src].type.shape));
    if (!moves) return false;
    cur = src;
  }
  return false;
}

export type ConflictClass = 'gather-state' | 'attention';

/** Expected: an earlier data-parallel tactic keeps a model-state value whole on the axis and a later tactic tiles it. */
export function classifyConflict(p: Program, stages: readonly Stage[], c: Conflict): ConflictClass {
  const expected = c.existing.state.kind === 'replicated' && c.incoming.state.kind === 'tiled'
    && modelState(p, c.value) && tilesBatchOn(p, stages, c.existing.tactic, c.axis);
  return expected ? 'gather-state' : 'attention';
}

/**
 * The conflicts of `of` (default: every stage), grouped by class, tactics, axis and the two shardings; the
 * attention groups first. `stages` is the whole schedule (to know which tactics split the batch).
 */
export function groupConflicts(p: Program, stages: readonly Stage[], label: (v: ValueId) => string, of: readonly Stage[] = stages): ConflictGroupJson[] {
  const groups = new Map<string, ConflictGroupJson>();
  for (const s of of) {
    for (const c of s.conflicts) {
      const cls = classifyConflict(p, stages, c);
      const existing = formatAxisState(c.existing.state);
      const incoming = formatAxisState(c.incoming.state);
      const key = [cls, c.existing.tactic, c.incoming.tactic, c.axis, existing, incoming].join('|');
      let g = groups.get(key);
      if (!g) {
        g = {
          expected: cls === 'gather-state', tactic: c.incoming.tactic, against: c.existing.tactic, axis: c.axis,
          existing, incoming, count: 0, values: [], first: c.message,
          explanation: cls === 'gather-state'
            ? `expected: ${c.existing.tactic} keeps these parameters and optimizer state whole on "${c.axis}" (it splits the batch there) and ${c.incoming.tactic} splits them; the earlier tactic wins, so each is stored split and all-gathered before use, which is what ZeRO-3 does`
            : `deserves attention: ${c.incoming.tactic}'s ${incoming} meets ${c.existing.tactic}'s ${existing} on "${c.axis}"; the earlier tactic wins and ${c.incoming.tactic} does not reach past these values`,
        };
        groups.set(key, g);
      }
      g.count++;
      if (g.values.length < EXAMPLES) {
        const name = label(c.value);
        if (!g.values.includes(name)) g.values.push(name);
      }
    }
  }
  return [...groups.values()].sort((a, b) => Number(a.expected) - Number(b.expected) || b.count - a.count);
}
