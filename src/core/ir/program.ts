import type { Op, Program, ValueId } from './types';

/** users[v] = ids of the ops that read value v, in program order. */
export function computeUsers(p: Program): Int32Array[] {
  const counts = new Int32Array(p.values.length);
  for (const op of p.ops) for (const v of op.operands) counts[v]++;
  const users = Array.from(counts, (c) => new Int32Array(c));
  const fill = new Int32Array(p.values.length);
  for (const op of p.ops) for (const v of op.operands) users[v][fill[v]++] = op.id;
  return users;
}

/** The op that defines a value, or undefined for an input. */
export function defOf(p: Program, v: ValueId): Op | undefined {
  const d = p.values[v].def;
  return d < 0 ? undefined : p.ops[d];
}

/** Paths of all named values (inputs and named intermediates), for tactic selectors and completion. */
export function namedValues(p: Program): { name: string; id: ValueId }[] {
  const out: { name: string; id: ValueId }[] = [];
  for (const v of p.values) if (v.name !== undefined) out.push({ name: v.name, id: v.id });
  return out;
}
