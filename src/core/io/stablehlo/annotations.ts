/**
 * Every Shardy annotation of an imported module, with its meaning (none is dropped silently):
 * - `arg` / `result`: `sdy.sharding` (or `mhlo.sharding`) on the entry function's arguments and results;
 * - `op`: `sdy.sharding = #sdy.sharding_per_value<[…]>` on an op, one sharding per result;
 * - `constraint` (JAX's `with_sharding_constraint`), `reshard`: the op's result takes the sharding;
 * - `barrier`: `sdy.propagation_barrier … allowed_direction=…`: propagation crosses it only that way;
 * - `group`: `sdy.sharding_group … group_id=N`: the values of one group share a sharding;
 * - `manual`: `sdy.manual_computation` (`shard_map`): its body runs per device on local shapes; it is
 *   kept as one opaque op whose operands and results carry its in/out shardings.
 * Kinds that cannot be honoured (custom `sdy.sharding_rule`s, `sdy.named_computation`, sdy collectives)
 * are refused with a warning that names them.
 */
import type { OpId, ValueId } from '../../ir/types';
import type { ImportedSharding } from './sharding';
import type { SourceRange } from '../../errors';

export type Direction = 'BOTH' | 'FORWARD' | 'BACKWARD' | 'NONE';

export type Annotation =
  | { kind: 'arg'; index: number; value: ValueId; sharding: ImportedSharding; range?: SourceRange }
  | { kind: 'result'; index: number; value: ValueId; sharding: ImportedSharding; range?: SourceRange }
  | { kind: 'op'; value: ValueId; result: number; sharding: ImportedSharding; range?: SourceRange }
  | { kind: 'constraint' | 'reshard'; op: OpId; value: ValueId; sharding: ImportedSharding; range?: SourceRange }
  | { kind: 'barrier'; op: OpId; value: ValueId; direction: Direction; range?: SourceRange }
  | { kind: 'group'; value: ValueId; group: number; range?: SourceRange }
  | {
    kind: 'manual'; op: OpId; operands: readonly ValueId[]; results: readonly ValueId[];
    inShardings: readonly ImportedSharding[]; outShardings: readonly ImportedSharding[]; manualAxes: readonly string[]; range?: SourceRange;
  };

/** What each annotation kind means, in a phrase (diagnostics, the stage view). */
export const ANNOTATION_MEANING: Readonly<Record<Annotation['kind'], string>> = {
  arg: 'argument sharding (jit in_shardings)',
  result: 'result sharding (jit out_shardings)',
  op: 'op result sharding',
  constraint: 'sharding constraint (with_sharding_constraint)',
  reshard: 'explicit reshard',
  barrier: 'propagation barrier',
  group: 'sharding group',
  manual: 'manual computation (shard_map)',
};
