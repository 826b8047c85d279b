/**
 * SPMD lowering: the global program plus a sharding per value → the one per-device program every
 * device runs, with local shapes and explicit collectives (docs/semantics.md, Lowering; Shardy's
 * insert-explicit-reshards + reshard-to-collectives + convert-global-to-local in one pass).
 *
 * Each global value may be held in several layouts (variants); a consumer asks for the layout its
 * op needs and gets a cached variant or a new one resharded from the closest existing variant, so a
 * partial value is reduced once however many consumers it has. A reduction (all-reduce /
 * reduce-scatter) is placed right after the op that made the value partial, unless its one consumer
 * keeps it partial, and carries that op's phase and scope; gathers, all-to-alls and slices carry
 * the consumer's. `source[i]` is that global op.
 *
 * Splat constants and iotas are never built at their global shape: each is built where it is first
 * read, directly in the layout its reader wants (and again in any other layout another reader wants),
 * as XLA builds them at their local shape inside the consumer's fusion. Propagation often leaves them
 * replicated (a constant read by a forward and a recomputed op meets two layouts), and building one
 * globally and then slicing it would charge the simulator for a value no device ever holds.
 *
 * The steps are in `lowering/`: `Lowering` (the run and its steps), `Variants` (the layouts a value is
 * held in), `PlanMemo` (op plans shared across identical layers), `LocalEmitter` (the program built).
 */
import type { PartitionResult } from '../partition/types';
import { Lowering, type LowerOptions } from './lowering/lowering';
import type { SpmdProgram } from './types';

export type { LowerOptions };

export function lower(result: PartitionResult, opts: LowerOptions = {}): SpmdProgram {
  return new Lowering(result, opts).run();
}
