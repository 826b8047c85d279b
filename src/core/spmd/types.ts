import type { Mesh } from '../mesh/mesh';
import type { OpId, Program } from '../ir/types';
import type { Sharding } from '../partition/types';

/**
 * The per-device program: one SPMD program that every device runs, with local (per-device) shapes
 * and explicit collective ops (the CollectiveKind op kinds of the IR). Device-dependent behaviour
 * (which tile a device holds) comes only from the collectives and `shard_slice`, which read the
 * device's coordinates on the mesh.
 */
export interface SpmdProgram {
  readonly mesh: Mesh;
  readonly program: Program;
  /** For every op of `program`: the op of the global program it computes, or that a collective serves. */
  readonly source: Int32Array;
  /** The global program this was lowered from; `program.inputs[i]` is the local piece of `global.inputs[i]`. */
  readonly global: Program;
  /** Sharding of each program input (same order as `global.inputs`): how the global input is split into local pieces. */
  readonly inputShardings: readonly Sharding[];
  /** Sharding of each output (same order as `global.outputs`); never partial: outputs are reduced. */
  readonly outputShardings: readonly Sharding[];
}

export type { OpId };
