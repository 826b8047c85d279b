/** The pipeline stages of each graph node: a leaf's own, a group's those of every leaf inside it. */
import type { GraphModel } from './model';
import type { PipelineStageMap } from './pipelineStages';

const NONE: readonly number[] = [];
const cache = new WeakMap<GraphModel, { map: PipelineStageMap; groups: (readonly number[])[] }>();

/** Per model node (op, input or group): its stages, ascending (empty: shared by every stage). */
export function nodeStages(m: GraphModel, map: PipelineStageMap): (n: number) => readonly number[] {
  const firstGroup = m.nOps + m.nInputs;
  const leaf = (n: number): number => (n < m.nOps ? map.ofOp[n] : map.ofInput[n - m.nOps]);
  let hit = cache.get(m);
  if (hit?.map !== map) {
    const sets = Array.from({ length: m.nNodes - firstGroup }, () => new Set<number>());
    for (let l = 0; l < firstGroup; l++) {
      const s = leaf(l);
      if (s < 0) continue;
      for (let g = m.parent[l]; g >= 0; g = m.parent[g]) sets[g - firstGroup].add(s);
    }
    hit = { map, groups: sets.map((s) => (s.size ? [...s].sort((a, b) => a - b) : NONE)) };
    cache.set(m, hit);
  }
  const groups = hit.groups;
  return (n) => {
    if (n >= firstGroup) return groups[n - firstGroup];
    const s = leaf(n);
    return s < 0 ? NONE : [s];
  };
}
