import { UserError } from '../errors';
import type { Mesh } from '../mesh/mesh';
import { groupIndex, groupSize } from '../mesh/mesh';
import type { Sharding } from '../partition/types';
import { numel, stridedCopy, stridedWrite, stridesOf } from './tensor';

/**
 * Where a device's tile sits in a global tensor: per dim, the tile's start and size. A dim tiled over
 * axes [a, b] (major → minor) is cut into |a|·|b| tiles and device d holds tile groupIndex(d, [a, b]).
 */
export interface Tile {
  readonly start: readonly number[];
  readonly shape: readonly number[];
}

export function tileOf(mesh: Mesh, d: number, globalShape: readonly number[], sharding: Sharding, what: string): Tile {
  if (sharding.dims.length !== globalShape.length)
    throw new UserError('interp', `${what}: sharding has ${sharding.dims.length} dim(s) but the value has rank ${globalShape.length}`);
  const start: number[] = [], shape: number[] = [];
  globalShape.forEach((n, i) => {
    const axes = sharding.dims[i];
    const count = groupSize(mesh, axes);
    if (n % count !== 0)
      throw new UserError('interp', `${what}: dim ${i} of size ${n} does not divide into ${count} tiles over [${axes.join(', ')}]`);
    const size = n / count;
    start.push(groupIndex(mesh, d, axes) * size);
    shape.push(size);
  });
  return { start, shape };
}

/** Copies device d's tile out of a global buffer. */
export function extractTile(global: Float32Array, globalShape: readonly number[], tile: Tile): Float32Array {
  const st = stridesOf(globalShape);
  const base = tile.start.reduce((n, s, i) => n + s * st[i], 0);
  return stridedCopy(global, base, st, tile.shape);
}

/** Writes a tile into a global buffer. */
export function insertTile(global: Float32Array, globalShape: readonly number[], tile: Tile, local: Float32Array): void {
  if (local.length !== numel(tile.shape)) throw new Error(`tile of shape [${tile.shape.join(',')}] got ${local.length} elements`);
  const st = stridesOf(globalShape);
  const base = tile.start.reduce((n, s, i) => n + s * st[i], 0);
  stridedWrite(global, base, st, tile.shape, local);
}
