/**
 * Reshard → collectives (after Shardy's `-sdy-reshard-to-collectives`): the sequence of collective
 * steps that turns a value held with one sharding into the same value held with another.
 *
 * Per dim, the axes past the common major prefix of the two shardings are removed (all-gather, a
 * suffix) and the target's remaining axes are added (shard_slice, a local slice). An axis that leaves
 * one dim and arrives, alone or with others in the same order, as the whole added suffix of another
 * dim moves with one all-to-all. Partial axes that the target does not keep are reduced: by a
 * reduce-scatter when the target tiles a dim with them (the all-reduce + slice fusion), else by an
 * all-reduce. A change of axis order on one dim is lowered as all-gather + shard_slice (no
 * collective-permute): simpler, and the cost is reported honestly as a gather.
 *
 * Order: pure slices first (they shrink the data), then all-reduce, all-gathers, all-to-alls,
 * reduce-scatters and the remaining slices — except that when reduce-scatters or slices follow and
 * nothing is gathered, the all-reduce goes last, on the shard: a value partial over a slow axis (DCN)
 * and a fast one that tiles it (ZeRO/FSDP within a slice) is reduce-scattered over the fast axis first
 * and only its 1/n shard crosses the slow one, as XLA and hierarchical collectives do, whatever the
 * order of the tactics that made the axes.
 */
import type { Sharding } from '../partition/types';
import { sameAxes } from './layout';

export type ReshardStep =
  | { readonly kind: 'all_reduce'; readonly axes: readonly string[]; readonly reducer?: 'max' }
  | { readonly kind: 'all_gather'; readonly axes: readonly string[]; readonly dim: number }
  | { readonly kind: 'all_to_all'; readonly axes: readonly string[]; readonly splitDim: number; readonly concatDim: number }
  | { readonly kind: 'reduce_scatter'; readonly axes: readonly string[]; readonly dim: number }
  | { readonly kind: 'shard_slice'; readonly axes: readonly string[]; readonly dim: number };

export function planReshard(from: Sharding, to: Sharding): ReshardStep[] {
  const rank = from.dims.length;
  if (to.dims.length !== rank) throw new Error(`reshard between ranks ${rank} and ${to.dims.length}`);
  for (const a of to.partial)
    if (!from.partial.includes(a)) throw new Error(`reshard cannot create a partial value on axis "${a}"`);

  const remove: string[][] = [];
  const add: string[][] = [];
  for (let d = 0; d < rank; d++) {
    const f = from.dims[d], t = to.dims[d];
    let p = 0;
    while (p < f.length && p < t.length && f[p] === t[p]) p++;
    remove.push(f.slice(p));
    add.push(t.slice(p));
  }
  const reduce = from.partial.filter((a) => !to.partial.includes(a));
  const inUse = new Set<string>();
  for (const d of from.dims) for (const a of d) inUse.add(a);

  // all-to-all: the removed suffix of dim d is exactly the added suffix of dim e.
  const a2aTarget = new Array<number>(rank).fill(-1); // source dim → target dim
  const isTarget = new Array<boolean>(rank).fill(false);
  for (let d = 0; d < rank; d++) {
    if (remove[d].length === 0 || isTarget[d]) continue;
    for (let e = 0; e < rank; e++) {
      if (e === d || isTarget[e] || a2aTarget[e] >= 0 || !sameAxes(remove[d], add[e])) continue;
      a2aTarget[d] = e;
      isTarget[e] = true;
      break;
    }
  }

  const steps: ReshardStep[] = [];
  const done = new Array<boolean>(rank).fill(false);
  // Pure slices of fresh axes first: no communication, and everything after moves less data.
  for (let e = 0; e < rank; e++) {
    if (isTarget[e] || remove[e].length > 0 || add[e].length === 0) continue;
    if (add[e].some((a) => reduce.includes(a) || inUse.has(a))) continue;
    steps.push({ kind: 'shard_slice', axes: add[e], dim: e });
    done[e] = true;
  }

  // Which partial axes a reduce-scatter can finish: a major run of a dim's added axes.
  const scatter: string[][] = add.map(() => []);
  const claimed = new Set<string>();
  for (let e = 0; e < rank; e++) {
    if (done[e] || isTarget[e] || from.reducer === 'max') continue; // partial maxima: all-reduce, then slice
    for (const a of add[e]) {
      if (!reduce.includes(a) || claimed.has(a)) break;
      scatter[e].push(a);
      claimed.add(a);
    }
  }
  const allReduce = reduce.filter((a) => !claimed.has(a));
  const gathers = remove.some((r) => r.length > 0);
  const shrinksLater = add.some((a, e) => !done[e] && !isTarget[e] && a.length > 0);
  // Reducing after a slice is right only when no slice is over an axis being reduced: devices of one
  // reduction group must hold the same slice (a partial max sliced on its own axis must be reduced first).
  const slicesReducedAxis = add.some((a, e) => !done[e] && !isTarget[e] && a.slice(scatter[e].length).some((x) => allReduce.includes(x)));
  const reduceLast = allReduce.length > 0 && !gathers && shrinksLater && !slicesReducedAxis;
  const allReduceStep: ReshardStep = from.reducer === 'max' ? { kind: 'all_reduce', axes: allReduce, reducer: 'max' } : { kind: 'all_reduce', axes: allReduce };
  if (allReduce.length > 0 && !reduceLast) steps.push(allReduceStep);

  for (let d = 0; d < rank; d++)
    if (remove[d].length > 0 && a2aTarget[d] < 0) steps.push({ kind: 'all_gather', axes: remove[d], dim: d });
  for (let d = 0; d < rank; d++)
    if (a2aTarget[d] >= 0) steps.push({ kind: 'all_to_all', axes: remove[d], splitDim: a2aTarget[d], concatDim: d });
  for (let e = 0; e < rank; e++) {
    if (done[e] || isTarget[e]) continue;
    if (scatter[e].length > 0) steps.push({ kind: 'reduce_scatter', axes: scatter[e], dim: e });
    const rest = add[e].slice(scatter[e].length);
    if (rest.length > 0) steps.push({ kind: 'shard_slice', axes: rest, dim: e });
  }
  if (reduceLast) steps.push(allReduceStep);
  return steps;
}

/** The sharding after one step (used to type each collective's result). */
export function applyStep(s: Sharding, step: ReshardStep): Sharding {
  const dims = s.dims.map((d) => [...d]);
  let partial = [...s.partial];
  switch (step.kind) {
    case 'all_reduce':
      partial = partial.filter((a) => !step.axes.includes(a));
      break;
    case 'all_gather':
      dims[step.dim] = dims[step.dim].slice(0, dims[step.dim].length - step.axes.length);
      break;
    case 'all_to_all':
      dims[step.concatDim] = dims[step.concatDim].slice(0, dims[step.concatDim].length - step.axes.length);
      dims[step.splitDim].push(...step.axes);
      break;
    case 'reduce_scatter':
      partial = partial.filter((a) => !step.axes.includes(a));
      dims[step.dim].push(...step.axes);
      break;
    case 'shard_slice':
      dims[step.dim].push(...step.axes);
      break;
  }
  return s.reducer !== undefined && partial.length > 0 ? { dims, partial, reducer: s.reducer } : { dims, partial };
}
