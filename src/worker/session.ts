/**
 * The worker's state and request handlers, with no Worker in sight: the last good pipeline result is
 * cached so that hover, completion, node details and graph layout are answered without re-running.
 * Core entry points come in through `SessionDeps` so that this file is testable in Node and the
 * worker wiring (worker.ts) is the one place that knows which core module provides what.
 */
import { isUserError, type Diagnostic, type SourceRange } from '../core/errors';
import type { Config } from '../core/io/config';
import type { Program, TensorType } from '../core/ir/types';
import { axisShardingJson } from '../core/partition/sharding';
import type { Sharding } from '../core/partition/types';
import type { PipelineOptions, PipelineResult } from '../core/pipeline';
import { groupsToReveal, opNodeId, searchGraph, type SearchResult } from './layout';
import type {
  AutoProgressDto, CompareDto, CompareReply, CompletionDto, ExportFile, ExportKind, HoverMatch, HoverReply, ModuleInfo, NodeDetailsDto,
  RunReply, TacticDoc, ZooEntryDto,
} from './protocol';
import { userRecord } from '../core/record';

export interface SessionDeps {
  validateConfig(json: unknown): Config;
  runPipeline(config: Config, opts?: PipelineOptions): PipelineResult;
  /** The glob string literal under the cursor (1-based), or null. */
  globAt?(text: string, line: number, column: number): { glob: string; range: SourceRange } | null;
  matchGlob?(glob: string, path: string): boolean;
  completionsAt?(text: string, line: number, column: number, ctx: { paths: string[]; axes: string[] }): CompletionDto[];
  zoo?(): ZooEntryDto[];
  /** The Report's label of an op (`dot_general @ layer_0/mlp (…)`). */
  opLabel?(program: Program, opId: number): string;
  tactics?(): TacticDoc[];
  formatShardedType?(type: TensorType, sharding: Sharding | undefined, axes: readonly string[]): string;
  /** What a StableHLO module holds (mesh, name, first error) before it is loaded as the model. */
  moduleInfo?(text: string): ModuleInfo;
  /** The diff of A and B, with the value ids of A whose sharding differs (for graph highlighting). */
  compare?(a: PipelineResult, b: PipelineResult): { diff: CompareDto; valuesA: number[] };
  /** Exporters over the last result, by kind (text out). */
  exporters?: Partial<Record<ExportKind, (result: PipelineResult, config: Config) => ExportFile>>;
}

const HOVER_CAP = 12;

interface Cached {
  config: Config;
  result: PipelineResult;
  paths: string[];
  byName: Map<string, number>;
}

/** `bf16[512@model, 8, 64]`; a partial value gets a trailing `{partial: a, b}`. */
export function defaultFormatShardedType(type: TensorType, sharding: Sharding | undefined): string {
  const dims = type.shape.map((n, d) => {
    const axes = sharding?.dims[d] ?? [];
    return axes.length ? `${n}@${axes.join('·')}` : String(n);
  });
  const partial = sharding && sharding.partial.length ? ` {partial: ${sharding.partial.join(', ')}}` : '';
  return `${type.dtype}[${dims.join(', ')}]${partial}`;
}

/** Per mesh axis, how it acts on a value. */
export function axisStates(sharding: Sharding | undefined, axes: readonly string[]): Record<string, string> {
  const out: Record<string, string> = userRecord();
  for (const a of axes) {
    const state = axisShardingJson(sharding, a);
    out[a] = typeof state === 'object' ? `dim ${state.tiled}` : state;
  }
  return out;
}

function toDiagnostic(e: unknown): { diag: Diagnostic; internal: boolean } {
  if (isUserError(e)) return { diag: e.toDiagnostic(), internal: false };
  // Errors created in another realm or rebuilt by a bundler lose `instanceof`; trust the shape.
  if (e && typeof e === 'object' && 'code' in e && 'message' in e && (e as { name?: string }).name === 'UserError') {
    const u = e as { code: string; message: string; where?: string; range?: SourceRange };
    return { diag: { code: u.code, message: u.message, where: u.where, range: u.range }, internal: false };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { diag: { code: 'internal', message: `internal error: ${message}` }, internal: true };
}

const isError = (d: Diagnostic) => d.severity !== 'warning';

/** Import problems point into the module text, not the tactic text: they are no editor markers. */
const inTactics = (d: Diagnostic) => d.range !== undefined && d.where !== 'model.stablehlo' && d.range.line > 0;

export type AutoProgressSink = (p: AutoProgressDto) => void;

/** Node ids of A's graph to highlight for value ids: the value's node (input or defining op) and every enclosing group. */
export function highlightNodes(program: Program, values: readonly number[]): string[] {
  const out = new Set<string>();
  for (const v of values) {
    const value = program.values[v];
    if (!value) continue;
    if (value.def < 0) {
      out.add(`in:${v}`);
      continue;
    }
    out.add(`op:${value.def}`);
    const scope = program.ops[value.def]?.scope ?? '';
    const parts = scope ? scope.split('/') : [];
    for (let i = 1; i <= parts.length; i++) out.add(`g:${parts.slice(0, i).join('/')}`);
  }
  return [...out];
}

export class Session {
  private last: Cached | undefined;

  constructor(private readonly deps: SessionDeps) {}

  run(seq: number, json: unknown, onProgress?: (stage: string, fraction: number) => void, onAuto?: AutoProgressSink): RunReply {
    const t0 = Date.now();
    let config: Config;
    try {
      config = this.deps.validateConfig(json);
    } catch (e) {
      const { diag, internal } = toDiagnostic(e);
      return { seq, ok: false, error: diag, markers: [], internal };
    }
    let result: PipelineResult;
    try {
      const onAutoProgress = onAuto
        ? (tactic: string, p: { phase: string; simulations: number; budget: number; seconds: number; best: AutoProgressDto['best'] }) =>
          onAuto({ tactic, phase: p.phase, simulations: p.simulations, budget: p.budget, seconds: p.seconds, best: { ...p.best } })
        : undefined;
      result = this.deps.runPipeline(config, { onProgress, onAutoProgress });
    } catch (e) {
      const { diag, internal } = toDiagnostic(e);
      return { seq, ok: false, error: diag, markers: inTactics(diag) ? [diag] : [], internal };
    }
    const markers = this.markersOf(result);
    const hasErrors = markers.some(isError) || result.report.diagnostics.some(isError);
    const paths: string[] = [];
    const byName = new Map<string, number>();
    for (const v of result.program.values) {
      if (v.name !== undefined && !byName.has(v.name)) {
        byName.set(v.name, v.id);
        paths.push(v.name);
      }
    }
    // A result with errors is still cached for completion (paths), but hover and graph keep working
    // on whatever it holds; the UI decides what to keep on screen.
    this.last = { config, result, paths, byName };
    return {
      seq, ok: true, report: result.report, markers, hasErrors, paths,
      stageNames: result.partition ? result.partition.stages.map((s) => s.tactic) : result.report.stages.map((s) => s.tactic),
      millis: Date.now() - t0,
    };
  }

  /**
   * Diagnostics with a range in the tactic text: syntax and check errors, and conflicts (the pipeline
   * places each on the tactic that ran into it).
   */
  private markersOf(result: PipelineResult): Diagnostic[] {
    return result.report.diagnostics.filter(inTactics);
  }

  /** The other side of a comparison (A, while this session serves B), cached by its config. */
  private otherSide: { key: string; result: PipelineResult } | undefined;
  private lastB: { key: string; reply: RunReply } | undefined;

  /**
   * Runs B (which becomes this session's result, so hover and completion in B's editor work) and A, and
   * diffs them. Either side is reused when its config has not changed since the last call.
   */
  compare(seq: number, jsonB: unknown, jsonA: unknown, onProgress?: (stage: string, fraction: number) => void): CompareReply {
    const none = { diff: null, highlight: [], highlightValues: [] };
    let keyB: string | null = null;
    try {
      keyB = JSON.stringify(this.deps.validateConfig(jsonB));
    } catch {
      // run() below reports the invalid config as a value
    }
    const b = keyB !== null && this.lastB?.key === keyB && this.last ? { ...this.lastB.reply, seq } : this.run(seq, jsonB, onProgress);
    if (keyB !== null) this.lastB = { key: keyB, reply: b };
    let resultA: PipelineResult;
    try {
      const configA = this.deps.validateConfig(jsonA);
      const keyA = JSON.stringify(configA);
      if (this.otherSide?.key !== keyA) this.otherSide = { key: keyA, result: this.deps.runPipeline(configA) };
      resultA = this.otherSide.result;
    } catch (e) {
      return { seq, b, ...none, errorA: toDiagnostic(e).diag };
    }
    if (!b.ok || b.hasErrors || !this.last || !this.deps.compare) return { seq, b, ...none };
    try {
      const { diff, valuesA } = this.deps.compare(resultA, this.last.result);
      return { seq, b, diff, highlight: highlightNodes(resultA.program, valuesA), highlightValues: valuesA };
    } catch (e) {
      return { seq, b, ...none, errorA: toDiagnostic(e).diag };
    }
  }

  /** What a module holds, for the import panel (never throws). */
  moduleInfo(text: string): ModuleInfo {
    if (!this.deps.moduleInfo) return { ops: 0, warnings: 0, error: { code: 'unavailable', message: 'StableHLO import is not available in this build' } };
    try {
      return this.deps.moduleInfo(text);
    } catch (e) {
      return { ops: 0, warnings: 0, error: toDiagnostic(e).diag };
    }
  }

  get program(): Program | undefined {
    return this.last?.result.program;
  }

  get result(): PipelineResult | undefined {
    return this.last?.result;
  }

  paths(): string[] {
    return this.last?.paths ?? [];
  }

  private formatValue(id: number): string {
    const r = this.last!.result;
    const v = r.program.values[id];
    const sh = r.partition?.shardings[id];
    const axes = this.last!.config.mesh.axes.map((a) => a.name);
    return this.deps.formatShardedType ? this.deps.formatShardedType(v.type, sh, axes) : defaultFormatShardedType(v.type, sh);
  }

  /** The glob under the cursor and the values it matches, with their shardings. */
  hoverAt(text: string, line: number, column: number): HoverReply | null {
    if (!this.last || !this.deps.globAt || !this.deps.matchGlob) return null;
    const hit = this.deps.globAt(text, line, column);
    if (!hit) return null;
    const axes = this.last.config.mesh.axes.map((a) => a.name);
    const matches: HoverMatch[] = [];
    let total = 0;
    for (const path of this.last.paths) {
      if (!this.deps.matchGlob(hit.glob, path)) continue;
      total++;
      if (matches.length < HOVER_CAP) {
        const id = this.last.byName.get(path)!;
        matches.push({ path, type: this.formatValue(id), axes: axisStates(this.last.result.partition?.shardings[id], axes) });
      }
    }
    return { glob: hit.glob, range: hit.range, total, matches };
  }

  complete(text: string, line: number, column: number, axes: string[]): CompletionDto[] {
    if (!this.deps.completionsAt) return [];
    return this.deps.completionsAt(text, line, column, { paths: this.paths(), axes });
  }

  /** An input or value (`in:<valueId>`) or an op (`op:<opId>`) of the cached program (layout.ts node ids). */
  nodeDetails(id: string): NodeDetailsDto | null {
    if (!this.last) return null;
    const p = this.last.result.program;
    const m = /^(in|op):(\d+)$/.exec(id);
    if (!m) return null;
    const n = Number(m[2]);
    const name = (v: number) => p.values[v].name ?? `%${v}`;
    if (m[1] === 'in') {
      const v = p.values[n];
      if (!v) return null;
      return { id, label: name(n), kind: v.def < 0 ? 'input' : 'value', results: [{ path: name(n), type: this.formatValue(n) }] };
    }
    const op = p.ops[n];
    if (!op) return null;
    const opName = `${op.scope ? op.scope + '/' : ''}${op.kind}`;
    return {
      id, label: opName, kind: op.kind, scope: op.scope, phase: op.phase,
      operands: op.operands.map((v) => ({ path: name(v), type: this.formatValue(v) })),
      results: op.results.map((v) => ({ path: name(v), type: this.formatValue(v) })),
      collectives: this.last.result.report.collectives
        // by id: the report's `op` is a display label (`kind @ scope`), not this node's name
        .filter((c) => c.opId === n)
        .map((c) => ({ kind: c.kind, axes: c.axes, bytes: c.bytes, seconds: c.seconds })),
    };
  }

  /** The Report's name of an op (collectives[].op, timeline op). */
  opName(opId: number): string | null {
    const p = this.last?.result.program;
    if (!p || !p.ops[opId] || !this.deps.opLabel) return null;
    return this.deps.opLabel(p, opId);
  }

  /** The op a Report entry names, so the UI can select it in the graph. */
  findOp(label: string): { opId: number; nodeId: string; reveal: string[] } | null {
    const p = this.last?.result.program;
    if (!p) return null;
    // Timeline intervals name ops as `<kind>#<global op id>`.
    const byId = /#(\d+)$/.exec(label);
    if (byId && p.ops[Number(byId[1])]) {
      const id = Number(byId[1]);
      return { opId: id, nodeId: opNodeId(id), reveal: groupsToReveal(p, id, this.last?.result.partition?.shardings) };
    }
    if (!this.deps.opLabel) return null;
    for (const op of p.ops) {
      if (this.deps.opLabel(p, op.id) === label) return { opId: op.id, nodeId: opNodeId(op.id), reveal: groupsToReveal(p, op.id, this.last?.result.partition?.shardings) };
    }
    return null;
  }

  /** The graph's groups, inputs and ops whose name or path contains `query` (the graph view's search box). */
  search(query: string, limit?: number): SearchResult {
    const p = this.last?.result.program;
    return p ? searchGraph(p, query, limit, this.last?.result.partition?.shardings) : { hits: [], total: 0 };
  }

  /** A file from the last result; an error message when there is none or the exporter fails. */
  exportFile(kind: ExportKind): ExportFile | { error: string } {
    if (!this.last) return { error: 'nothing to export yet: no result' };
    const f = this.deps.exporters?.[kind];
    if (!f) return { error: `exporting ${kind} is not available` };
    try {
      return f(this.last.result, this.last.config);
    } catch (e) {
      return { error: `could not export ${kind}: ${e instanceof Error ? e.message : String(e)}` };
    }
  }

  zoo(): ZooEntryDto[] {
    return this.deps.zoo ? this.deps.zoo() : [];
  }

  tactics(): TacticDoc[] {
    return this.deps.tactics ? this.deps.tactics() : [];
  }
}
