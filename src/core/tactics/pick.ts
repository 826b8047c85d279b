/**
 * The dim keywords that pick a dim from the shape (LARGEST, FIRST_DIVISIBLE_DIM): the resolver picks
 * against earlier seeds, the partitioner again against the propagated shardings, by this one rule.
 */
import type { DimPick, DimSpec } from './types';

/** The dim keywords whose dim is picked from the shape (and re-picked by the partitioner). */
export function pickOf(dim: DimSpec): DimPick | undefined {
  return dim === 'LARGEST' ? 'largest' : dim === 'FIRST_DIVISIBLE_DIM' ? 'first' : undefined;
}

/**
 * The dim a keyword picks: among the dims whose local size (the size over `tiles(d)`, the tiling by
 * other axes) the axis size divides, the largest (the first on ties) or the first; -1 when none.
 */
export function pickDim(shape: readonly number[], axisSize: number, pick: DimPick, tiles: (d: number) => number): number {
  let best = -1, bestLocal = 0;
  for (let d = 0; d < shape.length; d++) {
    const local = shape[d] / tiles(d);
    if (!(local > 0 && Number.isInteger(local) && local % axisSize === 0)) continue;
    if (pick === 'first') return d;
    if (local > bestLocal) {
      best = d;
      bestLocal = local;
    }
  }
  return best;
}
