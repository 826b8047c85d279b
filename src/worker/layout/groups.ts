/** Recursive layout of the expanded groups, with a per-group cache keyed by what is expanded inside. */
import { layeredLayout } from './layered';
import type { GraphModel, GroupBox } from './model';
import { GROUP_H, GROUP_HEADER, GROUP_PAD, GROUP_W, NODE_H, NODE_W } from './types';

/** About 7.5 px a character of the 13 px bold title, plus the padding and the toggle button. */
const TITLE_CHAR_W = 7.5;
const TITLE_EXTRA = 44;

/** A collapsed group is wide enough for its title (`layer_0…layer_31 ×32` is long). */
export function collapsedGroupWidth(m: GraphModel, g: number): number {
  const k = g - m.nOps - m.nInputs;
  const scope = m.groupScope[k];
  const fold = m.foldSize[k];
  const title = scope.length - scope.lastIndexOf('/') - 1 + (fold ? ` ×${fold}`.length : 0);
  return Math.max(GROUP_W, Math.ceil(title * TITLE_CHAR_W + TITLE_EXTRA));
}

export function layoutGroup(m: GraphModel, g: number, expanded: ReadonlySet<number>): GroupBox {
  const firstGroup = m.nOps + m.nInputs;
  const kids = g < 0 ? m.rootChildren : m.children[g - firstGroup];
  // The cache key names the group and which of its descendants are expanded: nothing else moves it.
  const inner: number[] = [];
  for (const e of expanded) {
    if (g < 0) inner.push(e);
    else for (let p = m.parent[e]; p >= 0; p = m.parent[p]) if (p === g) {
      inner.push(e);
      break;
    }
  }
  inner.sort((a, b) => a - b);
  const cacheKey = `${g}|${inner.join(',')}`;
  const hit = m.cache.get(cacheKey);
  if (hit) return hit;

  const n = kids.length;
  const local = new Map<number, number>();
  kids.forEach((c, i) => local.set(c, i));
  const widths = new Float64Array(n);
  const heights = new Float64Array(n);
  const keys = new Float64Array(n);
  kids.forEach((c, i) => {
    keys[i] = m.key[c];
    if (c < firstGroup) {
      widths[i] = NODE_W;
      heights[i] = NODE_H;
    } else if (expanded.has(c)) {
      const box = layoutGroup(m, c, expanded);
      widths[i] = box.width;
      heights[i] = box.height;
    } else {
      widths[i] = collapsedGroupWidth(m, c);
      heights[i] = GROUP_H;
    }
  });
  const pairs = g < 0 ? m.rootEdges : m.groupEdges[g - firstGroup];
  const edges = new Int32Array(pairs.length);
  for (let i = 0; i < pairs.length; i++) edges[i] = local.get(pairs[i])!;
  const lay = layeredLayout({ widths, heights, keys, edges });
  const pad = g < 0 ? 0 : GROUP_PAD;
  const head = g < 0 ? 0 : GROUP_HEADER;
  for (let i = 0; i < n; i++) {
    lay.x[i] += pad;
    lay.y[i] += head + pad;
  }
  const box: GroupBox = {
    width: Math.max(g < 0 ? 0 : GROUP_W, lay.width + 2 * pad),
    height: lay.height + head + 2 * pad,
    childX: lay.x, childY: lay.y, childW: widths, childH: heights,
  };
  // Every expand/collapse adds a root entry; a long session should not grow the cache without bound.
  if (m.cache.size > 2000) m.cache.clear();
  m.cache.set(cacheKey, box);
  return box;
}
