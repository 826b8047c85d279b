/** Helpers over the Sharding of one value: what one axis does to it, local shapes, printing. */
import type { TensorType } from '../ir/types';
import type { AxisShardingJson } from '../report';
import type { AxisState, Sharding } from './types';

export function replicatedSharding(rank: number): Sharding {
  return { dims: Array.from({ length: rank }, () => []), partial: [] };
}

/** How `axis` acts on a value with sharding `s`: tiled along a dim, partial, or replicated. */
export function axisState(s: Sharding, axis: string): AxisState {
  for (let d = 0; d < s.dims.length; d++) if (s.dims[d].includes(axis)) return { kind: 'tiled', dim: d };
  return s.partial.includes(axis) ? { kind: 'partial' } : { kind: 'replicated' };
}

/** How `axis` acts on a value in the report's JSON form; a value without a sharding is replicated. */
export function axisShardingJson(s: Sharding | undefined, axis: string): AxisShardingJson {
  if (!s) return 'replicated';
  const state = axisState(s, axis);
  return state.kind === 'tiled' ? { tiled: state.dim } : state.kind;
}

/**
 * `s` with `axis` set to `state`. The axis is removed from wherever it was; a tiled axis goes
 * minor-most on its dim, since tactics add axes in schedule order (major → minor).
 */
export function withAxis(s: Sharding, axis: string, state: AxisState): Sharding {
  const dims = s.dims.map((axes, d) => {
    const kept = axes.filter((a) => a !== axis);
    return state.kind === 'tiled' && state.dim === d ? [...kept, axis] : kept;
  });
  const partial = s.partial.filter((a) => a !== axis);
  if (state.kind === 'partial') partial.push(axis);
  return { dims, partial };
}

/** `bf16[8@batch, 2048, 4096@model]`; several axes on a dim as `64@batch,model`; partial as ` {partial: model}`. */
export function formatShardedType(type: TensorType, s: Sharding): string {
  const dims = type.shape.map((n, d) => (s.dims[d]?.length ? `${n}@${s.dims[d].join(',')}` : `${n}`));
  const partial = s.partial.length > 0 ? ` {partial: ${s.partial.join(',')}}` : '';
  return `${type.dtype}[${dims.join(', ')}]${partial}`;
}

/** The sharding alone in the same notation: `[@batch, -, @model]`, `{partial: model}` suffix. */
export function formatSharding(s: Sharding): string {
  const dims = s.dims.map((axes) => (axes.length ? `@${axes.join(',')}` : '-'));
  const partial = s.partial.length > 0 ? ` {partial: ${s.partial.join(',')}}` : '';
  return `[${dims.join(', ')}]${partial}`;
}

export function formatAxisState(state: AxisState): string {
  return state.kind === 'tiled' ? `tiled on dim ${state.dim}` : state.kind;
}

export function axisStateEquals(a: AxisState, b: AxisState): boolean {
  return a.kind === b.kind && (a.kind !== 'tiled' || a.dim === (b as { dim: number }).dim);
}

/** Same dims with the same axes in the same order, and the same partial axes (in any order). */
export function shardingEquals(a: Sharding, b: Sharding): boolean {
  if (a === b) return true;
  if (a.dims.length !== b.dims.length || a.partial.length !== b.partial.length) return false;
  for (let d = 0; d < a.dims.length; d++) {
    const x = a.dims[d], y = b.dims[d];
    if (x.length !== y.length || x.some((axis, i) => axis !== y[i])) return false;
  }
  return a.partial.every((axis) => b.partial.includes(axis));
}

export function isReplicated(s: Sharding): boolean {
  return s.partial.length === 0 && s.dims.every((axes) => axes.length === 0);
}
