/**
 * Collectives, the one home of their facts: the report's name of each collective op, which ops
 * reshard (the collectives and `shard_slice`), the byte count of a collective, and the communication
 * of a per-device program, one entry per collective op. `shard_slice` is a local slice and is not listed.
 */
import { bytesOf } from '../ir/flops';
import { isCommunication } from '../ir/types';
import type { CollectiveKind, CommunicationKind, Op, OpId, OpKind, Phase, Program, ValueId } from '../ir/types';
import type { CollectiveName } from '../report';
import type { SpmdProgram } from './types';

/** The report's (and nccl-tests') name of each op that moves data between devices. */
export const COLLECTIVE_NAMES: Readonly<Record<CommunicationKind, CollectiveName>> = {
  all_reduce: 'all-reduce',
  all_gather: 'all-gather',
  reduce_scatter: 'reduce-scatter',
  all_to_all: 'all-to-all',
  collective_permute: 'collective-permute',
};

/** The report's name of op kind `kind`, or undefined when it moves no data between devices. */
export const collectiveName = (kind: OpKind): CollectiveName | undefined => (isCommunication(kind) ? COLLECTIVE_NAMES[kind] : undefined);

/** Ops that lowering inserts to reshard a value: every collective and `shard_slice`. */
export const isReshardOp = (kind: OpKind): kind is CollectiveKind => isCommunication(kind) || kind === 'shard_slice';

/**
 * Bytes of a collective in the nccl-tests convention, per device: all-gather its gathered result,
 * all-reduce and reduce-scatter their input, all-to-all and collective-permute their operand
 * (docs/cost-model.md, Collectives).
 */
export function collectiveBytes(op: Op, p: Program): number {
  return bytesOf(p, op.kind === 'all_gather' ? op.results[0] : op.operands[0]);
}

/** The value a chain of reshard ops ending at `v` carries: walks back to the op (or input) that made it. */
export function carriedValue(p: Program, v: ValueId): ValueId {
  for (let d = p.values[v].def; d >= 0 && isReshardOp(p.ops[d].kind); d = p.values[v].def) v = p.ops[d].operands[0];
  return v;
}

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

export function listCollectives(spmd: SpmdProgram): CollectiveInfo[] {
  const p = spmd.program;
  const out: CollectiveInfo[] = [];
  for (const op of p.ops) {
    const kind = collectiveName(op.kind);
    if (kind === undefined) continue;
    const served = spmd.source[op.id];
    const g = served >= 0 ? spmd.global.ops[served] : undefined;
    const v = carriedValue(p, op.operands[0]);
    out.push({
      kind,
      axes: [...(op.attrs as { axes: readonly string[] }).axes],
      bytes: collectiveBytes(op, p),
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
