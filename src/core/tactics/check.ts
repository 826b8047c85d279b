import type { Diagnostic, SourceRange } from '../errors';
import type { Mesh } from '../mesh/mesh';
import { DIM_CONSTANTS, parseBytes, tacticCatalog, tacticSpec, type ArgSpec, type TacticSpec } from './catalog';
import { TacticCode } from './codes';
import { closest, shownName } from './glob';
import { expandPreset } from './presets';
import { PIPELINE_SCHEDULES } from '../mpmd/types';
import type { CallExpr, Expr } from './syntax';
import type { DimSpec, ManualTacticAst, TacticAst } from './types';

/**
 * Checks one tactic call against the catalog (known tactic, keyword arguments, their types, mesh
 * axes) and builds its TacticAst(s). Program-dependent checks (globs, dims) are in resolve.ts.
 */

export interface CheckContext {
  readonly mesh: Mesh;
  readonly paths: readonly string[];
  readonly diagnostics: Diagnostic[];
}

function err(ctx: CheckContext, code: string, message: string, range: SourceRange): void {
  ctx.diagnostics.push({ code, message, range, severity: 'error' });
}

export function describeExpr(e: Expr): string {
  switch (e.kind) {
    case 'string': return `the string "${e.value}"`;
    case 'number': return `the number ${e.text}`;
    case 'name': return `the name ${e.name}`;
    case 'list': return 'a list';
    case 'dict': return 'a dict';
    case 'call': return `a call to ${e.callee}`;
  }
}

/** Short source-like text of a call (`BatchParallel(axis="batch")`), used to name inline tactics. */
export function callText(call: CallExpr): string {
  const show = (e: Expr): string => {
    switch (e.kind) {
      case 'string': return JSON.stringify(e.value);
      case 'number': return e.text;
      case 'name': return e.name;
      case 'list': return `[${e.items.map(show).join(', ')}]`;
      case 'dict': return '{…}';
      case 'call': return `${e.callee}(…)`;
    }
  };
  return `${call.callee}(${call.args.map((a) => (a.name ? `${a.name}=${show(a.value)}` : show(a.value))).join(', ')})`;
}

const quoteList = (xs: readonly string[]): string => xs.map((x) => `"${x}"`).join(', ');

function meshAxisNames(mesh: Mesh): string[] {
  return mesh.axes.map((a) => a.name);
}

/** A mesh axis name; reports an unknown one listing the mesh's axes. */
function checkAxisName(ctx: CheckContext, name: string, range: SourceRange): boolean {
  const axes = meshAxisNames(ctx.mesh);
  if (axes.includes(name)) return true;
  const near = closest(name, axes, 1);
  err(ctx, TacticCode.unknownAxis,
    `unknown mesh axis "${shownName(name)}": the mesh has ${axes.length ? `axes ${quoteList(axes)}` : 'no axes'}${near.length ? ` (did you mean "${near[0]}"?)` : ''}`,
    range);
  return false;
}

type ArgValue =
  | string
  | number
  | { kind: 'inputs'; entries: ManualTacticAst['inputs'] }
  | { kind: 'axes'; axes: string[]; ranges: SourceRange[] }
  | { kind: 'ints'; values: number[] };

function typeError(ctx: CheckContext, tactic: string, spec: ArgSpec, e: Expr): undefined {
  err(ctx, TacticCode.argType, `${tactic}: ${spec.name}= expects ${spec.typeLabel}, got ${describeExpr(e)}`, e.range);
  return undefined;
}

function dimOf(ctx: CheckContext, e: Expr): { dim: DimSpec } | undefined {
  if (e.kind === 'number' && Number.isInteger(e.value) && !/[.eE]/.test(e.text)) return { dim: e.value };
  const keyword = (name: string): DimSpec | undefined => DIM_CONSTANTS.find((c) => c.name === name)?.name;
  if (e.kind === 'name') {
    const k = keyword(e.name);
    if (k !== undefined) return { dim: k };
  }
  let hint = '';
  if (e.kind === 'name') {
    const up = e.name.toUpperCase();
    if (keyword(up) !== undefined) hint = ` (did you mean ${up}?)`;
  } else if (e.kind === 'string' && /^-?\d+$/.test(e.value)) hint = ` (write ${e.value} without quotes)`;
  err(ctx, TacticCode.argType, `a dim is an integer (negative counts from the end), ${DIM_CONSTANTS.map((c) => c.name).join(', ')}; got ${describeExpr(e)}${hint}`, e.range);
  return undefined;
}

function checkArg(ctx: CheckContext, tactic: string, spec: ArgSpec, e: Expr): ArgValue | undefined {
  const t = spec.type;
  switch (t.kind) {
    case 'axis':
      if (e.kind !== 'string') return typeError(ctx, tactic, spec, e);
      return checkAxisName(ctx, e.value, e.range) ? e.value : undefined;
    case 'axes': {
      if (e.kind !== 'list') return typeError(ctx, tactic, spec, e);
      const axes: string[] = [];
      const ranges: SourceRange[] = [];
      let ok = true;
      for (const item of e.items) {
        if (item.kind !== 'string') {
          typeError(ctx, tactic, spec, item);
          ok = false;
        } else if (!checkAxisName(ctx, item.value, item.range)) ok = false;
        else if (axes.includes(item.value)) {
          err(ctx, TacticCode.argType, `${tactic}: axis "${item.value}" is listed twice`, item.range);
          ok = false;
        } else {
          axes.push(item.value);
          ranges.push(item.range);
        }
      }
      return ok ? { kind: 'axes', axes, ranges } : undefined;
    }
    case 'int': {
      if (e.kind !== 'number' || !Number.isInteger(e.value) || /[.eE]/.test(e.text)) return typeError(ctx, tactic, spec, e);
      if (t.oneOf && !t.oneOf.includes(e.value)) {
        err(ctx, TacticCode.argType, `${tactic}: ${spec.name}= must be one of ${t.oneOf.join(', ')}, got ${e.text}`, e.range);
        return undefined;
      }
      if (t.min !== undefined && e.value < t.min) {
        err(ctx, TacticCode.argType, `${tactic}: ${spec.name}= must be at least ${t.min}, got ${e.text}`, e.range);
        return undefined;
      }
      return e.value;
    }
    case 'ints': {
      if (e.kind !== 'list') return typeError(ctx, tactic, spec, e);
      const values: number[] = [];
      for (const item of e.items) {
        if (item.kind !== 'number' || !Number.isInteger(item.value) || /[.eE]/.test(item.text)) return typeError(ctx, tactic, spec, item);
        if (t.min !== undefined && item.value < t.min) {
          err(ctx, TacticCode.argType, `${tactic}: every entry of ${spec.name}= must be at least ${t.min}, got ${item.text}`, item.range);
          return undefined;
        }
        values.push(item.value);
      }
      return { kind: 'ints', values };
    }
    case 'enum':
      if (e.kind !== 'string') return typeError(ctx, tactic, spec, e);
      if (!t.oneOf.includes(e.value)) {
        err(ctx, TacticCode.argType, `${tactic}: ${spec.name}= must be one of ${quoteList(t.oneOf)}, got "${e.value}"`, e.range);
        return undefined;
      }
      return e.value;
    case 'bytes': {
      if (e.kind === 'number' && Number.isInteger(e.value) && e.value > 0) return e.value;
      const bytes = e.kind === 'string' ? parseBytes(e.value) : undefined;
      if (bytes === undefined || bytes <= 0) {
        err(ctx, TacticCode.argType, `${tactic}: ${spec.name}= expects a size such as "16GiB", "80GB" or a number of bytes, got ${describeExpr(e)}`, e.range);
        return undefined;
      }
      return bytes;
    }
    case 'inputs': {
      if (e.kind !== 'dict') return typeError(ctx, tactic, spec, e);
      const inputs: { glob: string; dim: DimSpec; range: SourceRange; globRange: SourceRange; dimRange: SourceRange }[] = [];
      const seen = new Set<string>();
      let ok = true;
      for (const entry of e.entries) {
        if (entry.key.kind !== 'string') {
          err(ctx, TacticCode.argType, `${tactic}: a key of inputs= is a glob string such as "params/**", got ${describeExpr(entry.key)}`, entry.key.range);
          ok = false;
          continue;
        }
        const d = dimOf(ctx, entry.value);
        if (!d) {
          ok = false;
          continue;
        }
        if (seen.has(entry.key.value)) {
          err(ctx, TacticCode.duplicateGlob, `${tactic}: the glob "${entry.key.value}" is listed twice in inputs=`, entry.key.range);
          ok = false;
          continue;
        }
        seen.add(entry.key.value);
        inputs.push({ glob: entry.key.value, dim: d.dim, range: entry.range, globRange: entry.key.range, dimRange: entry.value.range });
      }
      // Good entries are kept, so their globs are still checked against the program.
      return ok || inputs.length ? { kind: 'inputs', entries: inputs } : undefined;
    }
  }
}

function checkArgs(ctx: CheckContext, spec: TacticSpec, call: CallExpr): Map<string, ArgValue> | undefined {
  const values = new Map<string, ArgValue>();
  const given = new Set<string>();
  let ok = true;
  for (const arg of call.args) {
    if (arg.name === undefined) {
      err(ctx, TacticCode.positionalArg,
        `${spec.name} takes keyword arguments only: write ${spec.args.map((a) => `${a.name}=…`).join(', ')}`, arg.range);
      ok = false;
      continue;
    }
    const argSpec = spec.args.find((a) => a.name === arg.name);
    const nameRange = arg.nameRange ?? arg.range;
    if (!argSpec) {
      const near = closest(arg.name, spec.args.map((a) => a.name), 1);
      err(ctx, TacticCode.unknownArg,
        `${spec.name} has no argument '${shownName(arg.name)}'${near.length ? ` (did you mean '${near[0]}'?)` : ''}; it takes ${spec.args.map((a) => `${a.name}=`).join(', ')}`,
        nameRange);
      ok = false;
      continue;
    }
    if (given.has(arg.name)) {
      err(ctx, TacticCode.duplicateArg, `${spec.name}: ${arg.name}= is given twice`, nameRange);
      ok = false;
      continue;
    }
    given.add(arg.name);
    const v = checkArg(ctx, spec.name, argSpec, arg.value);
    if (v === undefined) ok = false;
    else values.set(arg.name, v);
  }
  for (const a of spec.args) {
    if (a.required && !given.has(a.name)) {
      err(ctx, TacticCode.missingArg, `${spec.name} is missing ${a.name}= (${a.doc})`, call.calleeRange);
      ok = false;
    }
  }
  return ok ? values : undefined;
}

/**
 * Checks `expr` as the definition of tactic `name`. Returns its ASTs (a preset may expand to
 * several), or undefined when it has errors (they are in ctx.diagnostics).
 */
export function checkTactic(ctx: CheckContext, name: string, expr: Expr): TacticAst[] | undefined {
  if (expr.kind !== 'call') {
    err(ctx, TacticCode.notATactic, `${name} must be a tactic call such as BatchParallel(axis="batch"), got ${describeExpr(expr)}`, expr.range);
    return undefined;
  }
  const spec = tacticSpec(expr.callee);
  if (!spec) {
    const near = closest(expr.callee, tacticCatalog.map((t) => t.name), 1);
    err(ctx, TacticCode.unknownTactic,
      `unknown tactic '${shownName(expr.callee)}'${near.length ? ` (did you mean '${near[0]}'?)` : ''}; known tactics: ${tacticCatalog.map((t) => t.name).join(', ')}`,
      expr.calleeRange);
    return undefined;
  }
  const args = checkArgs(ctx, spec, expr);
  if (!args) return undefined;
  const str = (k: string): string | undefined => {
    const v = args.get(k);
    return typeof v === 'string' ? v : undefined;
  };
  const num = (k: string): number | undefined => {
    const v = args.get(k);
    return typeof v === 'number' ? v : undefined;
  };
  if (spec.kind === 'manual') {
    const inputs = args.get('inputs');
    if (typeof inputs !== 'object' || inputs.kind !== 'inputs') return undefined;
    return [{ kind: 'manual', name, axis: str('axis') ?? '', inputs: inputs.entries, range: expr.range }];
  }
  if (spec.kind === 'automatic') {
    const axes = args.get('axes');
    if (typeof axes !== 'object' || axes.kind !== 'axes') return undefined;
    const objective = str('objective') === 'memory' ? 'memory' : 'time';
    return [{
      kind: 'automatic', name, axes: axes.axes, axisRanges: axes.ranges, objective,
      memoryLimit: num('memory_limit'), budget: num('budget'), seed: num('seed'), range: expr.range,
    }];
  }
  if (spec.kind === 'pipeline') {
    const ints = args.get('layers_per_stage');
    const argRanges = new Map<string, SourceRange>();
    for (const a of expr.args) if (a.name !== undefined) argRanges.set(a.name, a.value.range);
    const schedule = str('schedule');
    return [{
      kind: 'pipeline', name, axis: str('axis'),
      schedule: spec.name === 'Pipeline' ? PIPELINE_SCHEDULES.find((k) => k === schedule) ?? '1F1B' : undefined,
      microbatches: num('microbatches') ?? num('count') ?? 1, virtual: num('virtual') ?? 1,
      layersPerStage: typeof ints === 'object' && ints.kind === 'ints' ? ints.values : undefined,
      range: expr.range, argRanges,
    }];
  }
  return expandPreset(name, spec.name, { axis: str('axis') ?? '', stage: num('stage'), dim: str('dim') }, ctx.paths, expr.range, callText(expr));
}
