/**
 * The Report: what the pipeline returns (worker → UI, CLI --json). Plain JSON with stable field names;
 * units are bytes, seconds and FLOPs. See DESIGN.md §2.
 */
import type { Diagnostic } from './errors';
import type { Phase } from './ir/types';

export type CollectiveName = 'all-gather' | 'reduce-scatter' | 'all-reduce' | 'all-to-all' | 'collective-permute';

export interface BytesByCategory {
  params: number;
  optimizer: number;
  gradients: number;
  activations: number;
  temporaries: number;
}

export interface ModelSummary {
  name: string;
  parameters: number;
  ops: number;
  flops: { model: number; executed: number; byPhase: Record<Phase, number> };
  bytes: BytesByCategory & { batch: number };
}

/** Per mesh axis: the dim it tiles, `partial`, or `replicated`. */
export type AxisShardingJson = { tiled: number } | 'partial' | 'replicated';

export interface ConflictJson {
  value: string;
  axis: string;
  /** The two competing shardings, each with the tactic it came from. */
  existing: { sharding: string; tactic: string };
  incoming: { sharding: string; tactic: string };
  op: string;
  message: string;
}

export interface StageJson {
  tactic: string;
  axis: string;
  /** Values the tactic seeded, with their sharding, e.g. `batch/tokens` → `dim 0`. */
  seeded: { value: string; sharding: string }[];
  /** How many values propagation gave a sharding on this axis. */
  reached: number;
  conflicts: ConflictJson[];
  /** The strategy's cost after this tactic (every later tactic left out), when the program is small enough to afford it. */
  memory?: { peak: number };
  time?: { step: number };
}

export interface CollectiveJson {
  kind: CollectiveName;
  axes: string[];
  /** The full operand per device group, as in nccl-tests. */
  bytes: number;
  op: string;
  /** Id of the op in the global program (-1 when it serves none: an input resharded straight to an output). */
  opId: number;
  scope: string;
  phase: Phase;
  seconds: number;
}

export interface DeviceMemory {
  device: number;
  peak: number;
  capacity: number;
  outOfMemory: boolean;
  atPeak: BytesByCategory;
}

export interface TimeJson {
  step: number;
  compute: number;
  communication: number;
  exposedCommunication: number;
  perAxis: Record<string, number>;
  mfu: number;
}

export interface TimelineInterval {
  kind: 'compute' | 'communication';
  start: number;
  end: number;
  op: string;
  scope: string;
  /** For communication: the collective kind and axes. */
  collective?: CollectiveName;
  axes?: string[];
}

export interface Report {
  model: ModelSummary;
  stages: StageJson[];
  shardings: Record<string, Record<string, AxisShardingJson>>;
  collectives: CollectiveJson[];
  memory: { perDevice: DeviceMemory[] };
  time: TimeJson;
  timeline: { device: number; intervals: TimelineInterval[] }[];
  diagnostics: Diagnostic[];
}
