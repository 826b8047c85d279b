/**
 * Small helpers on shardings that the lowering needs: local (per-device) shapes, a cache key,
 * and mesh-ordered axis sets. Kept here (rather than importing partition/sharding.ts) so that the
 * lowering only depends on the Sharding contract.
 */
import { UserError } from '../errors';
import type { TensorType } from '../ir/types';
import type { Mesh } from '../mesh/mesh';
import type { Sharding } from '../partition/types';

/** Axis name → size and mesh position, looked up once per lowering. */
export class AxisTable {
  private readonly size = new Map<string, number>();
  private readonly pos = new Map<string, number>();
  /**
   * Memo of localType: sharding object → global type object → local type. Per lowering (the maps die
   * with it); the layers of a deep model share a few dozen sharding objects and many type objects, so
   * most values hit the memo and share one local type object.
   */
  readonly localTypes = new Map<Sharding, Map<TensorType, TensorType>>();
  /** Layout ids handed out by `layoutId` (per lowering: the map dies with it). */
  private readonly ids = new Map<Sharding, number>();
  private readonly idOfKey = new Map<string, number>();
  constructor(readonly mesh: Mesh) {
    mesh.axes.forEach((a, i) => {
      this.size.set(a.name, a.size);
      this.pos.set(a.name, i);
    });
  }
  sizeOf(axis: string): number {
    const s = this.size.get(axis);
    if (s === undefined) {
      const names = this.mesh.axes.map((a) => `"${a.name}"`).join(', ') || 'no axes';
      throw new UserError('mesh', `unknown mesh axis "${axis}" (mesh has ${names})`);
    }
    return s;
  }
  product(axes: readonly string[]): number {
    let n = 1;
    for (const a of axes) n *= this.sizeOf(a);
    return n;
  }
  /**
   * A small integer naming the layout of `s`: equal for shardings with the same dims and partial axes
   * (by shardingKey), so that memos keyed by layouts work across distinct but equal Sharding objects.
   * Each object's key is computed once.
   */
  layoutId(s: Sharding): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      const key = shardingKey(s);
      id = this.idOfKey.get(key);
      if (id === undefined) this.idOfKey.set(key, (id = this.idOfKey.size));
      this.ids.set(s, id);
    }
    return id;
  }
  /** Axes sorted in mesh order (all-reduce axes have no major/minor meaning; this makes them canonical). */
  meshOrder(axes: Iterable<string>): string[] {
    return [...axes].sort((a, b) => (this.pos.get(a) ?? 0) - (this.pos.get(b) ?? 0));
  }
}

export const replicated = (rank: number): Sharding => ({ dims: Array.from({ length: rank }, () => []), partial: [] });

export const withoutPartial = (s: Sharding): Sharding => (s.partial.length === 0 ? s : { dims: s.dims, partial: [] });

export function shardingKey(s: Sharding): string {
  let k = '';
  for (const d of s.dims) k += d.join(',') + '|';
  return k + '#' + [...s.partial].sort().join(',') + (s.reducer ? `#${s.reducer}` : '');
}

export function isReplicated(s: Sharding): boolean {
  if (s.partial.length > 0) return false;
  for (const d of s.dims) if (d.length > 0) return false;
  return true;
}

export function sameSharding(a: Sharding, b: Sharding): boolean {
  if (a.dims.length !== b.dims.length || a.partial.length !== b.partial.length || a.reducer !== b.reducer) return false;
  for (const p of a.partial) if (!b.partial.includes(p)) return false;
  for (let d = 0; d < a.dims.length; d++) if (!sameAxes(a.dims[d], b.dims[d])) return false;
  return true;
}

export const sameAxes = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The per-device shape of a value: each dim divided by the product of the axes tiling it.
 * A dim that does not divide is a user error (a tactic asked for a split the shape cannot take).
 */
export function localType(t: TensorType, s: Sharding, axes: AxisTable, what: () => string): TensorType {

  if (s.dims.length !== t.shape.length)
    throw new Error(`sharding of ${what()} has ${s.dims.length} dims, its type has rank ${t.shape.length}`);
  let tiled = false;
  for (let d = 0; d < s.dims.length; d++) if (s.dims[d].length > 0) tiled = true;
  if (!tiled) return t;
  let byType = axes.localTypes.get(s);
  if (byType === undefined) axes.localTypes.set(s, (byType = new Map()));
  let local = byType.get(t);
  if (local === undefined) byType.set(t, (local = tileType(t, s, axes, what)));
  return local;
}

function tileType(t: TensorType, s: Sharding, axes: AxisTable, what: () => string): TensorType {
  const shape = new Array<number>(t.shape.length);
  for (let d = 0; d < shape.length; d++) {
    const size = t.shape[d];
    const tiles = s.dims[d].length === 0 ? 1 : axes.product(s.dims[d]);
    if (tiles === 1) {
      shape[d] = size;
      continue;
    }
    if (size % tiles !== 0)
      throw new UserError(
        'sharding',
        `${what()}: dim ${d} (size ${size}) is not divisible by the ${tiles} tiles of mesh axes ${s.dims[d].map((a) => `"${a}"`).join(', ')}`,
        { where: what() },
      );
    shape[d] = size / tiles;
  }
  return { shape, dtype: t.dtype };
}
