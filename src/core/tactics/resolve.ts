import type { Diagnostic, SourceRange } from '../errors';
import type { Program, ValueId } from '../ir/types';
import type { Mesh } from '../mesh/mesh';
import { callText, checkTactic, describeExpr, type CheckContext } from './check';
import { TacticCode } from './codes';
import { MAX_SCHEDULE_TACTICS } from '../limits';
import { closest, compileGlob, shownName } from './glob';
import { parseTactics } from './parser';
import type { AssignStatement, Expr } from './syntax';
import { pickDim, pickOf } from './pick';

import type { AutomaticTacticAst, DimPick, ManualTacticAst, PipelineTacticAst, ResolvedTactic, TacticAst } from './types';
import type { StepSplit } from '../mpmd/types';
import { resolveStepSplit } from './resolvePipeline';

/**
 * One entry of the schedule in order: a resolved manual tactic, or an automatic one that the pipeline
 * runs in place (its search sees the manual tactics before it as fixed).
 */
export type ScheduleEntry =
  | { readonly kind: 'manual'; readonly tactic: ResolvedTactic }
  | { readonly kind: 'automatic'; readonly ast: AutomaticTacticAst };

export interface ResolveOptions {
  /** The batch micro-batches divide, when `program` is already built at micro-batch size. */
  readonly globalBatch?: number;
  /**
   * The caller runs AutomaticPartition entries itself (from `schedule`): no "not run yet" warning.
   * Without it they are skipped with a warning, as `tactics` holds only the manual ones.
   */
  readonly runAutomatic?: boolean;
}

/**
 * Text + program + mesh → the manual tactics the partitioner runs, in schedule order.
 * Never throws: every problem is a diagnostic pointing at the token that caused it.
 */
export function resolveTactics(text: string, program: Program, mesh: Mesh, opts: ResolveOptions = {}): {
  /** The manual tactics only, in schedule order. */
  tactics: ResolvedTactic[];
  /** Manual and automatic entries in schedule order. */
  schedule: ScheduleEntry[];
  asts: TacticAst[];
  diagnostics: Diagnostic[];
  /** The schedule's Pipeline or Microbatch, checked; undefined when it has none (or it has errors). */
  split?: StepSplit;
} {
  const parsed = parseTactics(text);
  const diagnostics = parsed.diagnostics;
  const index = new PathIndex(program);
  const ctx: CheckContext = { mesh, paths: index.paths, diagnostics };

  // Definitions, in order; a broken one is remembered as undefined so `schedule` does not re-report it.
  const defs = new Map<string, { stmt: AssignStatement; asts: TacticAst[] | undefined }>();
  let schedule: AssignStatement | undefined;
  for (const stmt of parsed.program.statements) {
    if (stmt.target === 'schedule') {
      if (schedule) warn(diagnostics, TacticCode.redefined, `schedule is defined twice; the last one (line ${stmt.range.line}) is used`, schedule.targetRange);
      schedule = stmt;
      continue;
    }
    const prev = defs.get(stmt.target);
    if (prev) warn(diagnostics, TacticCode.redefined, `${stmt.target} is defined again at line ${stmt.range.line}; the last definition is used`, prev.stmt.targetRange);
    const asts = stmt.value ? checkTactic(ctx, stmt.target, stmt.value) : undefined;
    defs.delete(stmt.target);
    defs.set(stmt.target, { stmt, asts });
  }
  const asts = [...defs.values()].flatMap((d) => d.asts ?? []);

  const order = scheduleOrder(ctx, schedule, defs);
  // Calls written inline in the schedule are tactics of the text too (for the graph ↔ text link).
  for (const t of order) if (!asts.includes(t)) asts.push(t);
  const tactics: ResolvedTactic[] = [];
  const entries: ScheduleEntry[] = [];
  const state = new SeedState();
  const splitters: PipelineTacticAst[] = [];
  for (const ast of order) {
    if (ast.kind === 'pipeline') {
      splitters.push(ast);
      continue;
    }
    if (ast.kind === 'automatic') {
      if (!opts.runAutomatic) warn(diagnostics, TacticCode.automaticNotRun, `AutomaticPartition is not run yet: ${ast.name} is skipped`, ast.range);
      entries.push({ kind: 'automatic', ast });
      continue;
    }
    const tactic = resolveManual(ctx, index, state, ast);
    tactics.push(tactic);
    entries.push({ kind: 'manual', tactic });
  }
  const split = resolveStepSplit(splitters, order, mesh, program, diagnostics, opts.globalBatch);
  // In text order, as an editor lists them (sort is stable: same-position diagnostics keep their order).
  diagnostics.sort((a, b) => (a.range?.line ?? 0) - (b.range?.line ?? 0) || (a.range?.column ?? 0) - (b.range?.column ?? 0));
  return { tactics, schedule: entries, asts, diagnostics, split };
}

/**
 * Resolves manual tactics built in code (an automatic search's candidates, its final result) exactly as
 * their text would be resolved after `earlier`: the same glob matching, LARGEST choice and checks, so
 * what a search evaluates is what the user gets when pasting its text. The path index is built once.
 */
export function manualResolver(program: Program, mesh: Mesh): (
  ast: ManualTacticAst, earlier: readonly ResolvedTactic[],
) => { tactic: ResolvedTactic; diagnostics: Diagnostic[] } {
  const index = new PathIndex(program);
  return (ast, earlier) => {
    const diagnostics: Diagnostic[] = [];
    const ctx: CheckContext = { mesh, paths: index.paths, diagnostics };
    const state = new SeedState();
    for (const t of earlier) for (const s of t.seeds) state.set(s.value, t.axis, s.dim, t.name);
    return { tactic: resolveManual(ctx, index, state, ast), diagnostics };
  };
}

/** Whether any diagnostic is an error (warnings do not stop the pipeline). */
export const hasErrors = (diags: readonly Diagnostic[]): boolean => diags.some((d) => d.severity !== 'warning');

function warn(diags: Diagnostic[], code: string, message: string, range: SourceRange): void {
  diags.push({ code, message, range, severity: 'warning' });
}
function error(diags: Diagnostic[], code: string, message: string, range: SourceRange): void {
  diags.push({ code, message, range, severity: 'error' });
}

/** The tactics to run, in order: the `schedule` list, or every definition when it is missing. */
function scheduleOrder(
  ctx: CheckContext,
  schedule: AssignStatement | undefined,
  defs: Map<string, { stmt: AssignStatement; asts: TacticAst[] | undefined }>,
): TacticAst[] {
  const order = scheduleOrderUnbounded(ctx, schedule, defs);
  if (order.length <= MAX_SCHEDULE_TACTICS) return order;
  // each tactic is a propagation over the whole program: thousands of them would run for minutes
  const range = schedule?.range ?? [...defs.values()][0]?.stmt.range ?? { line: 1, column: 1, endLine: 1, endColumn: 2 };
  error(ctx.diagnostics, TacticCode.argType, `the schedule applies ${order.length} tactics; at most ${MAX_SCHEDULE_TACTICS} are allowed (a mesh has at most 8 axes)`, range);
  return [];
}

function scheduleOrderUnbounded(
  ctx: CheckContext,
  schedule: AssignStatement | undefined,
  defs: Map<string, { stmt: AssignStatement; asts: TacticAst[] | undefined }>,
): TacticAst[] {
  const diags = ctx.diagnostics;
  if (!schedule) {
    const first = [...defs.values()][0];
    if (first) {
      warn(diags, TacticCode.missingSchedule,
        `no schedule: applying every tactic in the order defined (${[...defs.keys()].join(', ')}); add schedule = [${[...defs.keys()].join(', ')}] to choose`,
        first.stmt.targetRange);
    }
    return [...defs.values()].flatMap((d) => d.asts ?? []);
  }
  if (!schedule.value) return [];
  const list: Expr = schedule.value;
  if (list.kind !== 'list') {
    error(diags, TacticCode.argType, `schedule must be a list of tactics such as [BP, MP], got ${describeExpr(list)}`, list.range);
    return [];
  }
  const used = new Set<string>();
  const out: TacticAst[] = [];
  for (const item of list.items) {
    if (item.kind === 'name') {
      const def = defs.get(item.name);
      if (!def) {
        const near = closest(item.name, defs.keys(), 1);
        error(diags, TacticCode.undefinedName,
          `'${shownName(item.name)}' is not defined${near.length ? ` (did you mean '${near[0]}'?)` : ''}; define it above as ${shownName(item.name)} = Tactic(...)`,
          item.range);
        continue;
      }
      used.add(item.name);
      out.push(...(def.asts ?? []));
    } else if (item.kind === 'call') {
      out.push(...(checkTactic(ctx, callText(item), item) ?? []));
    } else {
      error(diags, TacticCode.argType, `a schedule item is a tactic name or a tactic call, got ${describeExpr(item)}`, item.range);
    }
  }
  for (const [name, d] of defs) {
    if (!used.has(name)) warn(diags, TacticCode.notScheduled, `${name} is not in the schedule, so it is not applied`, d.stmt.targetRange);
  }
  return out;
}

/** Named values of the program and their paths, with glob lookups cached per glob. */
class PathIndex {
  readonly paths: string[] = [];
  private readonly byPath: { path: string; value: ValueId }[] = [];
  private generic?: string[];
  private pathSet?: Set<string>;

  constructor(readonly program: Program) {
    for (const v of program.values) {
      if (v.name === undefined) continue;
      this.byPath.push({ path: v.name, value: v.id });
      this.paths.push(v.name);
    }
  }

  match(glob: string): ValueId[] {
    const m = compileGlob(glob);
    return this.byPath.filter((e) => m(e.path)).map((e) => e.value);
  }

  /**
   * Close paths for a glob that matched nothing. Compared in layer-generic form (digits → `*`:
   * a few dozen forms even for a 96-layer model), then made literal again with the glob's own
   * numbers when the glob was literal and such a path exists.
   */
  closeTo(glob: string): string[] {
    if (!this.generic) {
      this.generic = [...new Set(this.paths.map((p) => p.replace(/\d+/g, '*')))];
      this.pathSet = new Set(this.paths);
    }
    const near = closest(glob.replace(/\d+/g, '*'), this.generic, 3);
    if (/[*?]/.test(glob)) return near;
    const nums = glob.match(/\d+/g) ?? [];
    const out = near.map((g) => {
      let k = 0;
      const lit = g.replace(/\*/g, () => nums[k++] ?? '*');
      return k === nums.length && this.pathSet?.has(lit) ? lit : g;
    });
    return [...new Set(out)];
  }
}

/** What earlier tactics (and earlier entries of this one) seeded: value → axis → dim. */
class SeedState {
  private readonly seeds = new Map<ValueId, Map<string, { dim: number | 'replicated'; tactic: string }>>();

  get(v: ValueId, axis: string) {
    return this.seeds.get(v)?.get(axis);
  }
  set(v: ValueId, axis: string, dim: number | 'replicated', tactic: string): void {
    let m = this.seeds.get(v);
    if (!m) this.seeds.set(v, (m = new Map()));
    m.set(axis, { dim, tactic });
  }
  /** Product of the sizes of the axes already tiling dim `d` of `v`. */
  tiledBy(v: ValueId, d: number, mesh: Mesh): number {
    let n = 1;
    for (const [axis, s] of this.seeds.get(v) ?? []) {
      if (s.dim === d) n *= mesh.axes.find((a) => a.name === axis)?.size ?? 1;
    }
    return n;
  }
}

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** One diagnostic per input entry and kind of problem, naming the first offending value. */
class Offenders {
  private readonly items: string[] = [];
  add(what: string): void {
    this.items.push(what);
  }
  report(diags: Diagnostic[], code: string, prefix: string, range: SourceRange): void {
    if (!this.items.length) return;
    const more = this.items.length > 1 ? ` (and ${this.items.length - 1} more value${this.items.length > 2 ? 's' : ''})` : '';
    error(diags, code, `${prefix}${this.items[0]}${more}`, range);
  }
}

function resolveManual(ctx: CheckContext, index: PathIndex, state: SeedState, ast: ManualTacticAst): ResolvedTactic {
  const { mesh, diagnostics: diags } = ctx;
  const program = index.program;
  const axisSize = mesh.axes.find((a) => a.name === ast.axis)?.size ?? 1;
  const seeds: { value: ValueId; dim: number | 'replicated'; range: SourceRange; pick?: DimPick }[] = [];
  // This tactic's own choices, so two globs hitting one value on different dims are caught.
  const mine = new Map<ValueId, { dim: number | 'replicated'; glob: string }>();
  const name = (v: ValueId) => program.values[v].name ?? `value #${v}`;

  // Explicit dims first, so that LARGEST / FIRST_DIVISIBLE_DIM only fill in values no explicit glob chose.
  const entries = [...ast.inputs].sort((a, b) => Number(pickOf(a.dim) !== undefined) - Number(pickOf(b.dim) !== undefined));
  for (const entry of entries) {
    const globRange = entry.globRange ?? entry.range;
    const dimRange = entry.dimRange ?? entry.range;
    const matched = index.match(entry.glob);
    if (!matched.length) {
      if (!ast.preset) {
        const near = index.closeTo(entry.glob);
        error(diags, TacticCode.globNoMatch,
          `"${entry.glob}" matches no value${near.length ? `; close paths: ${near.map((p) => `"${p}"`).join(', ')}` : ''}`,
          globRange);
      }
      continue;
    }
    const outOfRange = new Offenders();
    const indivisible = new Offenders();
    const reused = new Offenders();
    for (const v of matched) {
      const shape = program.values[v].type.shape;
      const earlier = state.get(v, ast.axis);
      const own = mine.get(v);
      let dim: number | 'replicated';
      const pick = pickOf(entry.dim);
      if (entry.dim === 'UNKNOWN') continue; // no decision: propagation decides
      if (pick !== undefined) {
        if (earlier || own) continue; // already decided on this axis: LARGEST leaves it alone
        const best = pickDim(shape, axisSize, pick, (d) => state.tiledBy(v, d, mesh));
        if (best < 0) continue; // nothing divides: stays replicated on this axis (scalars such as opt_state/count)
        dim = best;
      } else if (typeof entry.dim === 'string') {
        dim = 'replicated'; // REPLICATED: the other keywords are handled above
      } else {
        const d = entry.dim < 0 ? shape.length + entry.dim : entry.dim;
        if (d < 0 || d >= shape.length) {
          outOfRange.add(`${name(v)} with shape ${shapeText(shape)}`);
          continue;
        }
        dim = d;
      }
      if (earlier) {
        if (earlier.dim === 'replicated' && dim === 'replicated') continue; // pinning twice changes nothing
        reused.add(`${name(v)} (${earlier.dim === 'replicated' ? 'pinned replicated' : `tiled on dim ${earlier.dim}`} by ${earlier.tactic})`);
        continue;
      }
      if (own) {
        if (own.dim === dim) continue; // two globs agreeing on one value: one seed
        reused.add(`${name(v)} (also ${own.dim === 'replicated' ? 'pinned replicated' : `tiled on dim ${own.dim}`} by "${own.glob}")`);
        continue;
      }
      if (typeof dim === 'number') {
        const others = state.tiledBy(v, dim, mesh);
        const local = shape[dim] / others;
        if (!Number.isInteger(local) || local % axisSize !== 0) {
          indivisible.add(`${name(v)}: dim ${dim} has size ${shape[dim]}${others > 1 ? ` (${local} per device after earlier axes)` : ''}, axis "${ast.axis}" has size ${axisSize}`);
          continue;
        }
      }
      mine.set(v, { dim, glob: entry.glob });
      seeds.push(pick !== undefined ? { value: v, dim, range: entry.range, pick } : { value: v, dim, range: entry.range });
    }
    const dimText = typeof entry.dim === 'string' ? entry.dim : `dim ${entry.dim}`;
    outOfRange.report(diags, TacticCode.dimOutOfRange, `${ast.name}: ${dimText} is out of range for `, dimRange);
    indivisible.report(diags, TacticCode.notDivisible, `${ast.name}: the axis size does not divide the dim, for `, dimRange);
    reused.report(diags, TacticCode.axisReused, `${ast.name}: axis "${ast.axis}" is used twice on one value: `, globRange);
  }
  for (const [v, s] of mine) state.set(v, ast.axis, s.dim, ast.name);
  return ast.reshardsAtMeetings
    ? { name: ast.name, axis: ast.axis, seeds, range: ast.range, reshardsAtMeetings: true }
    : { name: ast.name, axis: ast.axis, seeds, range: ast.range };
}
