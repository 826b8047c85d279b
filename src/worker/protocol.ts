/**
 * What crosses the worker boundary: plain, structured-clonable DTOs only (comlink drops class
 * instances and custom error fields, so failures travel as values, never as thrown errors).
 * Every run carries the caller's sequence number so that the UI can drop stale replies.
 */
import type { Diagnostic } from '../core/errors';
import type { Report } from '../core/report';
import type { Comparison } from '../core/compare';

export interface RunOk {
  readonly seq: number;
  readonly ok: true;
  readonly report: Report;
  /** Diagnostics with a source range in the tactic text (errors, warnings, propagation conflicts). */
  readonly markers: Diagnostic[];
  /** Whether any marker is an error: the UI then keeps the last good report on screen. */
  readonly hasErrors: boolean;
  /** Named value paths of the program, for completion. */
  readonly paths: string[];
  /** Tactic names in schedule order (one per partition stage), for the stage slider. */
  readonly stageNames: string[];
  readonly millis: number;
}

export interface RunFail {
  readonly seq: number;
  readonly ok: false;
  /** The problem, with `where` (a config field path) or `range` (in the tactic text). */
  readonly error: Diagnostic;
  readonly markers: Diagnostic[];
  /** Set when the pipeline itself broke (a bug), as opposed to a user error. */
  readonly internal: boolean;
}

export type RunReply = RunOk | RunFail;

export interface ProgressUpdate {
  readonly seq: number;
  readonly stage: string;
  readonly fraction: number;
  /** While an AutomaticPartition searches: how far it got and the best strategy so far. */
  readonly auto?: AutoProgressDto;
}

/** A running AutomaticPartition's progress (from the core search's callback), with its best so far. */
export interface AutoProgressDto {
  /** The AutomaticPartition's name in the text. */
  readonly tactic: string;
  readonly phase: string;
  readonly simulations: number;
  readonly budget: number;
  readonly seconds: number;
  /** The best strategy so far as ManualPartition text (empty: nothing beats the tactics before it yet). */
  readonly best: { readonly text: string; readonly step: number; readonly peak: number; readonly feasible: boolean };
}

/** What the import panel learns from a module before it becomes the document's model. */
export interface ModuleInfo {
  /** The module's `sdy.mesh` axes, when it declares one. */
  readonly mesh?: { name: string; size: number }[];
  /** `module @name`, when named. */
  readonly name?: string;
  readonly ops: number;
  /** The first import error, with its line and column in the module text. */
  readonly error?: Diagnostic;
  readonly warnings: number;
}

/** The diff of A and B: core's `compareResults` output, plain JSON (values, collectives, memory and time, B − A). */
export type CompareDto = Comparison;

/** B's run plus its diff against A. */
export interface CompareReply {
  readonly seq: number;
  readonly b: RunReply;
  /** Null when either side failed (then `b` or `errorA` says why). */
  readonly diff: CompareDto | null;
  readonly errorA?: Diagnostic;
  /** Graph node ids (in A's layout) whose sharding differs, including the groups that hold them. */
  readonly highlight: readonly string[];
  /** A's value ids whose sharding differs (for the layout's group marking). */
  readonly highlightValues: readonly number[];
}

export interface HoverMatch {
  readonly path: string;
  /** e.g. `bf16[512@model, 8, 64]` or `bf16[512, 8, 64]` before partitioning. */
  readonly type: string;
  /** Per mesh axis: `dim 1`, `partial` or `replicated`. */
  readonly axes: Record<string, string>;
}

export interface HoverReply {
  readonly glob: string;
  readonly range: { line: number; column: number; endLine: number; endColumn: number };
  readonly total: number;
  /** The first matches (capped); `total` says how many there are. */
  readonly matches: HoverMatch[];
}

export type CompletionKind = 'tactic' | 'keyword' | 'axis' | 'path' | 'constant';

export interface CompletionDto {
  readonly kind: CompletionKind;
  readonly label: string;
  readonly insertText: string;
  readonly detail?: string;
  readonly documentation?: string;
  /** The text the item replaces (the word or the string contents typed so far), 1-based. */
  readonly replaceRange?: { line: number; column: number; endLine: number; endColumn: number };
}

export interface ZooParamDto {
  readonly name: string;
  readonly kind: 'number' | 'string' | 'boolean';
  readonly default: number | string | boolean;
  readonly values?: readonly (number | string | boolean)[];
  readonly min?: number;
  /** Number params are integers unless this is false. */
  readonly integer?: boolean;
  readonly description?: string;
}

export interface ZooEntryDto {
  readonly name: string;
  readonly description: string;
  readonly params: readonly ZooParamDto[];
}

export interface TacticDoc {
  readonly name: string;
  readonly description: string;
  readonly args: readonly { name: string; type: string; doc: string }[];
}

/** Details of one graph node (value or op) for the details pane; fields are optional by kind. */
export interface NodeDetailsDto {
  readonly id: string;
  readonly label: string;
  readonly kind: string;
  readonly scope?: string;
  readonly phase?: string;
  readonly operands?: { path: string; type: string }[];
  readonly results?: { path: string; type: string }[];
  readonly collectives?: { kind: string; axes: string[]; bytes: number; seconds: number }[];
}

/** Files the explorer can export from the last result. */
export type ExportKind = 'config' | 'trace' | 'markdown' | 'jax' | 'sdy';

export interface ExportFile {
  readonly filename: string;
  readonly mime: string;
  readonly text: string;
}
