/**
 * Gathers at a conflict (docs/semantics.md, Lowering): where a value met a sharding conflict at an op,
 * the gather lowering makes for that op serves that op alone, so a parameter that ZeRO-3 tiles on the
 * batch axis and that two matmuls of batch-tiled activations read is gathered once per matmul, even
 * when both are in the same phase and scope. The SPMD interpreter checks the lowered program.
 */
import { describe, expect, it } from 'vitest';
import { verifySpmd } from '../interp/verify';
import { ProgramBuilder } from '../ir/builder';
import type { Mesh } from '../mesh/mesh';
import { partition } from '../partition';
import type { PartitionResult } from '../partition/types';
import { resolveTactics } from '../tactics';
import { listCollectives } from './collectives';
import { lower } from './lower';

const MM = { lhsBatch: [], rhsBatch: [], lhsContract: [1], rhsContract: [0] };
const mesh: Mesh = { axes: [{ name: 'batch', size: 2 }, { name: 'model', size: 2 }] };

/** x·w and then (x·w)·w: one weight, two matmuls, no phases or scopes to tell them apart. */
function sharedWeight() {
  const b = new ProgramBuilder('shared');
  const x = b.input('batch/x', { shape: [8, 16], dtype: 'f32' });
  const w = b.input('params/w', { shape: [16, 16], dtype: 'f32' });
  const h = b.dot(x, w, MM);
  const y = b.dot(b.unary('tanh', h), w, MM);
  b.output(y, 'y');
  return { p: b.build(), w };
}

function lowered(tactics: string) {
  const { p, w } = sharedWeight();
  const resolved = resolveTactics(tactics, p, mesh);
  expect(resolved.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const r = partition(p, mesh, resolved.tactics);
  const spmd = lower(r, { checkTypes: true });
  const check = verifySpmd(spmd);
  expect(check.ok, check.worst).toBe(true);
  const conflicts = r.stages.flatMap((s) => s.conflicts);
  const gathers = listCollectives(spmd).filter((c) => c.kind === 'all-gather' && c.value === 'params/w');
  return { p, w, conflicts, gathers };
}

const BP = 'BP = ManualPartition(inputs={"batch/*": 0}, axis="batch")';
const Z3 = 'Z3 = ManualPartition(inputs={"params/*": 0}, axis="batch")';

describe('lowering: gathers at a conflict', () => {
  it('a weight in conflict at two matmuls is gathered once for each, each gather serving its matmul', () => {
    const { p, w, conflicts, gathers } = lowered(`${BP}\n${Z3}\nschedule = [BP, Z3]`);
    const dots = p.ops.filter((o) => o.kind === 'dot_general' && o.operands.includes(w)).map((o) => o.id);
    expect(dots).toHaveLength(2);
    // Propagation reports the weight's conflict at both matmuls (BP's batch tiling vs ZeRO's).
    expect(conflicts.filter((c) => c.value === w).map((c) => c.op).sort()).toEqual(dots);
    expect(gathers.map((c) => c.op).sort()).toEqual(dots);
  });

  it('the same layouts without a reported conflict share one gather', () => {
    // The partitioned program of the first case with its conflicts dropped: the lowering sees the
    // same shardings, so only the conflicts tell it to gather per matmul.
    const { p, w } = sharedWeight();
    const resolved = resolveTactics(`${BP}\n${Z3}\nschedule = [BP, Z3]`, p, mesh);
    const r = partition(p, mesh, resolved.tactics);
    const gathersOf = (res: PartitionResult) => {
      const spmd = lower(res, { checkTypes: true });
      const check = verifySpmd(spmd);
      expect(check.ok, check.worst).toBe(true);
      return listCollectives(spmd).filter((c) => c.kind === 'all-gather' && c.value === 'params/w');
    };
    expect(gathersOf(r)).toHaveLength(2);
    const shared = gathersOf({ ...r, stages: r.stages.map((s) => ({ ...s, conflicts: s.conflicts.filter((c) => c.value !== w) })) });
    expect(shared).toHaveLength(1);
  });
});
