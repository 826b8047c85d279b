/**
 * Config → Report: the one entry that the worker, the CLI and the tests call.
 * (Being wired up by the lead as the layers land; the signature is the contract.)
 */
import type { Config } from './io/config';
import type { Program } from './ir/types';
import type { PartitionResult } from './partition/types';
import type { Report } from './report';
import type { SpmdProgram } from './spmd/types';

export interface PipelineOptions {
  /** Called between stages with a label and a fraction in [0, 1]. */
  onProgress?: (stage: string, fraction: number) => void;
  /** Checked between stages; when it returns true the pipeline throws a `cancelled` UserError. */
  isCancelled?: () => boolean;
}

/** The report plus the intermediate artefacts that views (graph, hover) need. */
export interface PipelineResult {
  report: Report;
  program: Program;
  partition?: PartitionResult;
  spmd?: SpmdProgram;
}

/** Throws UserError for bad input (with a code, a message and where). */
export declare function runPipeline(config: Config, opts?: PipelineOptions): PipelineResult;
