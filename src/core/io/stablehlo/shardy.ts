/**
 * What JAX would compile an imported module to: its sdy annotations propagated with Shardy's
 * semantics (partition/shardy/propagate.ts) over the imported program. Function results, sharding
 * constraints and shard_map boundaries are tensors of their own, joined to the values they annotate
 * by identity edges (Shardy's data-flow edges), so each keeps its own sharding.
 */
import { BINARY_KINDS, UNARY_KINDS, type OpKind, type Program, type ValueId } from '../../ir/types';
import { rulesOf } from '../../partition/rules';
import { BACKWARD, BOTH, FORWARD, NONE, propagateShardy, type OpClass, type SdyMode, type SdyOp } from '../../partition/shardy/propagate';
import type { TensorSharding } from '../../partition/shardy/sharding';
import type { OpRule } from '../../partition/types';
import type { Direction } from './annotations';
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
    operands: [dims], results: Array.from({ length: results }, () => dims), blocked: shape.map(() => false), linearIn: [true],
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
  const out = propagateShardy({ shapes, initial, ops, groups: [...groups.values()] }, r.meshes, mode);
  return {
    args: p.inputs.map((v) => out[v]),
    results: resultTensor.map((t) => out[t]),
    values: out.slice(0, p.values.length),
  };
}
