/**
 * Pipeline parallelism and micro-batching: what the `Pipeline(...)` and `Microbatch(...)` tactics ask for.
 * A pipeline is MPMD: each position on the pipeline axis runs its own part of the step (a stage), and
 * neighbouring stages exchange activations and their gradients point to point. Micro-batching splits the
 * global batch into equal parts that run one after another, accumulating their gradients.
 */
import type { SourceRange } from '../errors';

export const PIPELINE_SCHEDULES = ['GPipe', '1F1B', 'interleaved', 'ZB-H1'] as const;
export type PipelineScheduleKind = (typeof PIPELINE_SCHEDULES)[number];

export interface PipelinePlan {
  /** The mesh axis whose positions are the stages; its size is the stage count. */
  readonly axis: string;
  readonly stages: number;
  readonly schedule: PipelineScheduleKind;
  /** Model chunks per device (interleaved 1F1B); 1 otherwise. */
  readonly virtual: number;
  /** Layers of each model chunk, in model order (stages × virtual entries); even split when absent. */
  readonly layersPerStage?: readonly number[];
}

/** How a training step is split over time (micro-batches) and over the pipeline axis. */
export interface StepSplit {
  /** Micro-batches per step (1: no accumulation). */
  readonly microbatches: number;
  readonly pipeline?: PipelinePlan;
  /** The tactic that asked for it, for diagnostics. */
  readonly tactic: string;
  readonly range: SourceRange;
}
