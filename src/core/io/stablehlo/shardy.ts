/**
 * What JAX would compile an imported module to: its sdy annotations propagated with Shardy's
 * semantics (partition/shardy/propagate.ts) over the imported program. Function results, sharding
 * constraints and shard_map boundaries are tensors of their own, joined to the values they annotate
 * by identity edges (Shardy's data-flow edges), so each keeps its own sharding.
 */
import { BINARY_KINDS, UNARY_KINDS, type OpKind, type Program, type ValueId } from '../../ir/types';
import { rulesOf } from '../../partition/rules';
import { BACKWARD, BOTH, FORWARD, NONE, propagateShardy, type OpClass, type SdyMode, type SdyOp } from '../../partition/shardy/propagate';
import { printSharding, type TensorSharding } from '../../partition/shardy/sharding';
import type { Diagnostic } from '../../errors';
import type { OpRule } from '../../partition/types';
import { ANNOTATION_MEANING, type Direction } from './annotations';
import type { ImportResult } from './import';
import type { ImportedSharding } from './sharding';

export interface JaxShardings {
  /** Per argument of the entry function (undefined: no sharding). */
  readonly args: readonly (TensorSharding | undefined)[];
  /** Per result of the entry function. */
  readonly results: readonly (TensorSharding | undefined)[];
  /** Per program value. */
  readonly values: readonly (TensorSharding | undefined)[];
}

const PASS_KINDS = new Set<OpKind>([...UNARY_KINDS, ...BINARY_KINDS, 'select', 'reshape', 'transpose']);
const DIRECTION: Record<Direction, number> = { BOTH, FORWARD, BACKWARD, NONE };

/** The class op priority sees for an op kind. */
function classOf(kind: OpKind): OpClass {
  if (PASS_KINDS.has(kind)) return 'pass';
  if (kind === 'dynamic_slice' || kind === 'dynamic_update_slice') return 'dynamic_slice';
  if (kind === 'broadcast_in_dim') return 'broadcast';
  return 'other';
}

/** The identity rule of an edge between two tensors of one shape: one pass-through factor per dim. */
function identityRule(shape: readonly number[], results = 1): OpRule {
  const dims = shape.map((_, d) => [d]);
  return {
    factorSizes: [...shape], factorTypes: shape.map(() => 'pass'),
    operands: [dims], results: Array.from({ length: results }, () => dims), blocked: shape.map(() => false), linearIn: [true], reductionSums: 'none',
  };
}

/** An imported sharding as Shardy's: its full form when it was written in sdy, else its tiled dims (closed) on `mesh`. */
export function sdyOf(s: ImportedSharding, mesh: string): TensorSharding {
  if (s.sdy) return s.sdy;
  return {
    mesh: s.mesh ?? mesh,
    dims: s.dims.map((axes) => ({ axes: axes.map((name) => ({ name })), closed: true })),
    replicated: s.replicated.map((name) => ({ name })),
    unreduced: s.partial.map((name) => ({ name })),
  };
}

/** Runs Shardy's propagation (`mode`; the full pipeline by default) on an imported module. */
export function jaxShardings(r: ImportResult, mode: SdyMode = 'pipeline'): JaxShardings {
  const p: Program = r.program;
  const meshName = [...r.meshes.keys()][0] ?? 'mesh';
  const shapes: (readonly number[])[] = p.values.map((v) => v.type.shape);
  const initial: (TensorSharding | undefined)[] = p.values.map(() => undefined);
  const rules = rulesOf(p);
  const allowed = new Map<number, number>();
  for (const a of r.annotations) if (a.kind === 'barrier') allowed.set(a.op, DIRECTION[a.direction]);
  const ops: SdyOp[] = p.ops.map((op, o) => ({
    operands: op.operands, results: op.results, rule: rules[o], cls: classOf(op.kind),
    ...(allowed.has(o) ? { allowed: allowed.get(o) } : {}),
  }));
  const resultTensor: number[] = [];
  p.outputs.forEach((out) => {
    const t = shapes.length;
    shapes.push(p.values[out.value].type.shape);
    initial.push(undefined);
    resultTensor.push(t);
    ops.push({ operands: [out.value], results: [t], rule: identityRule(p.values[out.value].type.shape), cls: 'pass' });
  });
  const groups = new Map<number, ValueId[]>();
  for (const a of r.annotations) {
    switch (a.kind) {
      case 'arg': case 'op': case 'constraint': case 'reshard':
        initial[a.value] = sdyOf(a.sharding, meshName);
        break;
      case 'result':
        initial[resultTensor[a.index]] = sdyOf(a.sharding, meshName);
        break;
      case 'group':
        groups.set(a.group, [...(groups.get(a.group) ?? []), a.value]);
        break;
      case 'manual':
        // the boundary: each operand meets its in_sharding across an edge; the results carry the out_shardings
        a.operands.forEach((v, j) => {
          const s = a.inShardings[j];
          if (!s) return;
          const t = shapes.length;
          shapes.push(p.values[v].type.shape);
          initial.push(sdyOf(s, meshName));
          ops.push({ operands: [v], results: [t], rule: identityRule(p.values[v].type.shape), cls: 'pass' });
        });
        a.results.forEach((v, j) => { if (a.outShardings[j]) initial[v] = sdyOf(a.outShardings[j], meshName); });
        break;
      default:
        break;
    }
  }
  // constants (and iotas) with several uses: one copy per use in Shardy, so none takes another use's sharding
  const uses = new Int32Array(shapes.length);
  for (const op of ops) for (const v of op.operands) uses[v]++;
  const frozen = shapes.map(() => false);
  for (const op of p.ops) if (op.kind === 'constant' || op.kind === 'iota') for (const v of op.results) frozen[v] = uses[v] > 1;
  const out = propagateShardy({ shapes, initial, ops, groups: [...groups.values()], frozen }, r.meshes, mode);
  return {
    args: p.inputs.map((v) => out[v]),
    results: resultTensor.map((t) => out[t]),
    values: out.slice(0, p.values.length),
  };
}

/** One value's JAX sharding next to the schedule's, for the node details and diagnostics. */
export interface JaxValueJson {
  /** What JAX would compile the value to (Shardy's propagation, closed), `#sdy.sharding<…>`. */
  readonly jax: string;
  /** The schedule's sharding of the value (imported stages plus the user's tactics), in the same notation. */
  readonly schedule: string;
  readonly differs: boolean;
  /** The annotation that set the value's sharding in the module, when one did: what it is and its text. */
  readonly annotation?: string;
}

export interface JaxReportJson {
  /** By value id. */
  readonly values: Record<string, JaxValueJson>;
  /** By op id: the op's first result. */
  readonly ops: Record<string, JaxValueJson>;
}

const closedText = (dims: readonly (readonly string[])[], partial: readonly string[], mesh: string): string =>
  printSharding({ mesh, dims: dims.map((d) => ({ axes: d.map((name) => ({ name })), closed: true })), replicated: [], unreduced: partial.map((name) => ({ name })) });

/**
 * JAX's sharding of every value an imported module annotates or JAX's propagation reaches, next to the
 * schedule's final sharding, and one warning when they differ (PartIR's tactics add to JAX's choice, and
 * its model differs on purpose: docs/shardy-conformance.md).
 */
export function jaxReport(
  result: ImportResult, jax: JaxShardings, shardings: readonly { dims: readonly (readonly string[])[]; partial: readonly string[] }[],
): { report: JaxReportJson; diagnostics: Diagnostic[] } {
  const p = result.program;
  const meshName = [...result.meshes.keys()][0] ?? 'mesh';
  const annotationOf = new Map<number, string>();
  for (const a of result.annotations) {
    if (a.kind === 'manual' || a.kind === 'group' || a.kind === 'barrier') {
      const vs = a.kind === 'manual' ? a.results : [a.value];
      for (const v of vs) annotationOf.set(v, ANNOTATION_MEANING[a.kind] + (a.kind === 'barrier' ? ` (allowed_direction=${a.direction})` : a.kind === 'group' ? ` (group_id=${a.group})` : ''));
    } else if (a.kind !== 'result') {
      annotationOf.set(a.value, `${ANNOTATION_MEANING[a.kind]} ${printSharding(sdyOf(a.sharding, meshName))}`);
    }
  }
  const values: Record<string, JaxValueJson> = {};
  const differing: string[] = [];
  jax.values.forEach((s, v) => {
    const annotation = annotationOf.get(v);
    if (!s && annotation === undefined) return;
    const jaxText = s ? printSharding({ ...s, dims: s.dims.map((d) => ({ axes: d.axes, closed: true })), replicated: [] }) : closedText(p.values[v].type.shape.map(() => []), [], meshName);
    const fin = shardings[v];
    const schedule = fin ? closedText(fin.dims, fin.partial, s?.mesh ?? meshName) : '';
    // a value the schedule leaves partial is reduced where it is used; JAX reduces right after the op (its
    // explicit reshard): the same layout, so only the tiled dims (and unreduced axes JAX keeps) are compared
    const differs = fin ? closedText(fin.dims, s && s.unreduced.length > 0 ? fin.partial : [], s?.mesh ?? meshName) !== jaxText : false;
    values[String(v)] = { jax: jaxText, schedule, differs, ...(annotation !== undefined ? { annotation } : {}) };
    if (differs) differing.push(`${p.values[v].name ?? `%${v}`}: JAX would shard it as ${jaxText}, the schedule as ${schedule}`);
  });
  const ops: Record<string, JaxValueJson> = {};
  p.ops.forEach((op, o) => {
    const r = op.results[0];
    if (r !== undefined && values[String(r)]) ops[String(o)] = values[String(r)];
  });
  const diagnostics: Diagnostic[] = differing.length === 0 ? [] : [{
    code: 'jax-sharding', severity: 'warning', where: 'model.stablehlo',
    message: `${differing.length} value(s) are sharded differently from what JAX would compile (PartIR's tactics run on top of JAX's shardings, and its model differs on purpose; docs/shardy-conformance.md), e.g. ${differing.slice(0, 2).join('; ')}`,
  }];
  return { report: { values, ops }, diagnostics };
}
