/**
 * The Report: what the pipeline returns (worker → UI, CLI --json). Plain JSON with stable field names;
 * units are bytes, seconds and FLOPs. See docs/architecture.md §3.
 */
import type { JaxReportJson } from './io/stablehlo/shardy';
import type { Diagnostic } from './errors';
import type { Phase } from './ir/types';
import type { MemoryValidationJson, ValidationJson } from './sim/validated';
import type { StepContributor } from './contributors';

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

/** Conflicts of one kind: the same two tactics, axis and shardings, and whether they are the expected ones. */
export interface ConflictGroupJson {
  /** True for what the strategy means (ZeRO splitting parameters that data parallelism keeps whole: gathered before use). */
  expected: boolean;
  /** The tactic whose sharding lost, and the earlier one that kept its decision. */
  tactic: string;
  against: string;
  axis: string;
  existing: string;
  incoming: string;
  count: number;
  /** A few of the values, by name. */
  values: string[];
  /** The first conflict's message. */
  first: string;
  explanation: string;
}

export interface StageJson {
  tactic: string;
  axis: string;
  /** Values the tactic seeded, with their sharding, e.g. `batch/tokens` → `dim 0`. */
  seeded: { value: string; sharding: string }[];
  /** How many values propagation gave a sharding on this axis. */
  reached: number;
  conflicts: ConflictJson[];
  /** Added: the stage's conflicts grouped and classified (partition/conflictGroups.ts), attention first. */
  conflictGroups?: ConflictGroupJson[];
  /**
   * The strategy's cost after this tactic (every later tactic left out), when the program is small enough to
   * afford it: the first device's peak and its split by category, the step time, and the collectives.
   */
  memory?: { peak: number; atPeak?: BytesByCategory; topValues?: MemoryValueJson[]; curve?: MemoryCurveJson };
  time?: { step: number } & Partial<TimeJson>;
  collectives?: CollectiveJson[];
  /** Added, with the costs above: what costs most of the step on the first device after this tactic (core/contributors.ts). */
  contributors?: StepContributor[];
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
  /**
   * Model state per device as ZeRO counts it (bytes allocated for the step, whatever is live at the
   * peak): parameters and optimizer state as held, gradients in the form their reduction leaves them.
   */
  modelState: ModelStateBytes;
  /** Added: the largest values live at the peak, largest first (at most 10; sim/memoryProfile.ts). */
  topValues?: MemoryValueJson[];
  /** Added: live bytes in program order, sampled, with the peak and the phases marked (sim/memoryProfile.ts). */
  curve?: MemoryCurveJson;
}

/** One value live at a device's peak: its name (or `%id`), the op that makes it (`input` for an input) and that op's scope. */
export interface MemoryValueJson {
  value: string;
  op: string;
  scope: string;
  category: keyof BytesByCategory;
  bytes: number;
}

/** Live bytes over the per-device program: `position` is op index + 1 (0: only the inputs are live). */
export interface MemoryCurveJson {
  points: { position: number; bytes: number }[];
  /** Index into points of the sample that holds the peak. */
  peakIndex: number;
  /** The last position (the program's op count + 1). */
  length: number;
  /** Runs of positions [start, end] by phase, for shading. */
  phases: { phase: Phase; start: number; end: number }[];
}

export interface ModelStateBytes {
  params: number;
  gradients: number;
  optimizer: number;
}

export interface TimeJson {
  step: number;
  compute: number;
  communication: number;
  exposedCommunication: number;
  perAxis: Record<string, number>;
  mfu: number;
  /** The step time's validated error band for this chip family (sim/validated.ts). */
  validation?: ValidationJson;
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
  /** Per-device memory, and the validated error band of the peak (sim/validated.ts). */
  memory: { perDevice: DeviceMemory[]; validation?: MemoryValidationJson };
  time: TimeJson;
  timeline: { device: number; intervals: TimelineInterval[] }[];
  diagnostics: Diagnostic[];
  /** Added: the pipeline or gradient accumulation of the schedule's Pipeline / Microbatch tactic. */
  pipeline?: PipelineJson;
  /** Added: one entry per AutomaticPartition in the schedule, in order (what it chose, for "make manual"). */
  auto?: AutoJson[];
  /** Added for imported modules: what JAX would compile each annotated or propagated value to, next to the schedule's sharding. */
  jax?: JaxReportJson;
}

/** Added: what an AutomaticPartition searched and chose. */
export interface AutoJson {
  /** The AutomaticPartition's name in the text. */
  tactic: string;
  axes: string[];
  objective: 'time' | 'memory';
  /** Bytes per device the result had to fit in (the device capacity when not given). */
  memoryLimit: number;
  /** The chosen tactics as text, to paste in place of the AutomaticPartition ("make manual"). */
  text: string;
  /** Their names, to put in `schedule` where the AutomaticPartition's name was. */
  names: string[];
  /** The chosen actions: tile the values a glob matches on a dim over an axis. */
  chosen: { axis: string; glob: string; dim: number | 'LARGEST' }[];
  /** The schedule up to the automatic tactic, without it and with its choice. */
  baseline: { step: number; peak: number };
  best: { step: number; peak: number };
  /** Whether the best fits in memoryLimit. */
  feasible: boolean;
  simulations: number;
  budget: number;
  seed: number;
  seconds: number;
  stopped: 'converged' | 'budget' | 'time' | 'stopped';
  /** Best cost over time: one entry per simulated candidate. */
  log: { simulation: number; seconds: number; step: number; peak: number; bestStep: number; bestPeak: number }[];
}

/** Added: one stage (one position on the pipeline axis) of a pipelined step. Bytes are per device of the stage. */
export interface PipelineStageJson {
  stage: number;
  /** The model chunks it runs (one, or `virtual` when interleaved) and their layers [first, end). */
  chunks: number[];
  layers: [number, number][];
  peakMemory: number;
  atPeak: BytesByCategory;
  /** Seconds the stage computes (its actions, what it runs once before and the optimizer). */
  busy: number;
  /** Seconds the stage waits between its first and last micro-batch action (the pipeline bubble). */
  bubble: number;
  /** Most micro-batches whose activations it holds at once. */
  microbatchesInFlight: number;
  /** The gradient reductions over the other axes, and the optimizer, after the last backward. */
  dataParallelReduction: { start: number; end: number };
  optimizer: { start: number; end: number };
  /** Added: the values crossing the stage's boundary, sent (`out`) or received (`in`) once per micro-batch. */
  boundaries: StageBoundaryJson[];
}

/** Added: one value sent point to point between two pipeline stages, per micro-batch (src/core/mpmd/boundaries.ts). */
export interface StageBoundaryJson {
  direction: 'in' | 'out';
  /** The stage at the other end. */
  peer: number;
  /** Its name, else the op and scope that make it. */
  value: string;
  /** Per device of the stage (after the other axes' sharding). */
  shape: number[];
  dtype: string;
  bytes: number;
  /** The model chunk that produces it, and in which pass (F: an activation, B/W: a gradient). */
  chunk: number;
  pass: 'F' | 'B' | 'W';
}

/** Added: a pipelined (or only micro-batched) step: schedule, bubble, per-stage figures and its Gantt chart. */
export interface PipelineJson {
  tactic: string;
  /** The pipeline axis; null for Microbatch (gradient accumulation on every device). */
  axis: string | null;
  schedule: 'GPipe' | '1F1B' | 'interleaved' | 'ZB-H1' | 'accumulate';
  stages: number;
  virtual: number;
  microbatches: number;
  /** Simulated: the largest stage bubble over that stage's micro-batch work. */
  bubbleFraction: number;
  /** The schedule's analysis: (p−1)/m, or (p−1)/(v·m) interleaved. */
  idealBubbleFraction: number;
  /** Bytes sent point to point per device of a stage, over the step. */
  p2pBytes: number;
  perStage: PipelineStageJson[];
  /**
   * Each action: stage, pass (F forward, B backward, W weight gradient), chunk, micro-batch, seconds, and how
   * many of its seconds recompute the forward (rematerialisation, at the start of a backward).
   */
  gantt: { stage: number; pass: 'F' | 'B' | 'W'; chunk: number; microbatch: number; start: number; end: number; recompute: number }[];
  p2p: { from: number; to: number; microbatch: number; start: number; end: number; bytes: number }[];
  /** Whether gantt or p2p were cut at their size limit. */
  truncated: boolean;
}
