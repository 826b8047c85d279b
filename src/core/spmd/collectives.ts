/**
 * The communication of a per-device program, one entry per collective op, with the byte count
 * nccl-tests uses as the "size" of a collective: all-gather its gathered result, reduce-scatter and
 * all-reduce their input, all-to-all and collective-permute their operand — per device.
 * `shard_slice` is a local slice and is not listed.
 */
import { bytesOf } from '../ir/flops';
import type { OpId, Phase } from '../ir/types';
import type { CollectiveName } from '../report';
import type { SpmdProgram } from './types';

export interface CollectiveInfo {
  kind: CollectiveName;
  axes: string[];
  bytes: number;
  /** The local op in `spmd.program`. */
  localOp: OpId;
  /** The global op it serves (-1 when it serves no op: an input resharded straight to an output). */
  op: OpId;
  /** Name and role of the global value it carries, when it has them (`params/layer_0/mlp/w_in`, 'gradient'). */
  value?: string;
  role?: string;
  /** The served op's kind and scope, for display. */
  opKind: string;
  scope: string;
  phase: Phase;
  /** `max` for a max all-reduce (partial maxima); absent for a sum. */
  reducer?: 'max';
}

const NAMES: Record<string, CollectiveName> = {
  all_reduce: 'all-reduce',
  all_gather: 'all-gather',
  reduce_scatter: 'reduce-scatter',
  all_to_all: 'all-to-all',
  collective_permute: 'collective-permute',
};

const isCollective = (k: string) => k in NAMES || k === 'shard_slice';

export function listCollectives(spmd: SpmdProgram): CollectiveInfo[] {
  const p = spmd.program;
  const out: CollectiveInfo[] = [];
  for (const op of p.ops) {
    const kind = NAMES[op.kind];
    if (kind === undefined) continue;
    const measured = op.kind === 'all_gather' ? op.results[0] : op.operands[0];
    const served = spmd.source[op.id];
    const g = served >= 0 ? spmd.global.ops[served] : undefined;
    // Walk back through chained collectives to the value they carry.
    let v = op.operands[0];
    for (let d = p.values[v].def; d >= 0 && isCollective(p.ops[d].kind); d = p.values[v].def) v = p.ops[d].operands[0];
    out.push({
      kind,
      axes: [...(op.attrs as { axes: readonly string[] }).axes],
      bytes: bytesOf(p, measured),
      localOp: op.id,
      op: served,
      value: p.values[v].name,
      role: p.values[op.results[0]].role,
      opKind: g?.kind ?? '',
      scope: op.scope,
      phase: op.phase,
      ...(op.kind === 'all_reduce' && op.attrs.reducer === 'max' ? { reducer: 'max' as const } : {}),
    });
  }
  return out;
}
