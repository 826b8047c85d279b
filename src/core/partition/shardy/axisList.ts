/**
 * Axis-list algebra for Shardy propagation (propagate.ts): prefixes, sub-axis cuts and the split of a
 * dim's axes over its factors. Pure functions of axis lists and the mesh's axis sizes.
 */
import { axisRefSize, overlaps, sameAxis, type AxisRef } from './sharding';

/**
 * The longest prefix of axes the lists agree on: equal axes, or at the end of a shorter list a sub-axis
 * that starts the longer list's axis (`"a":(1)2` against `"a"`: the larger is taken, the list holding the
 * smaller one being a prefix of it), as Shardy's compatible major axes.
 */
export function compatiblePrefix(lists: readonly (readonly AxisRef[])[], sizes: ReadonlyMap<string, number>): AxisRef[] {
  const out: AxisRef[] = [];
  let live = lists.filter((l) => l.length > 0);
  for (let i = 0; live.length > 0; i++) {
    const refs = live.map((l) => l[i]);
    let big = refs[0];
    for (const r of refs) {
      if (sameAxis(r, big)) continue;
      if (startsWith(r, big, sizes)) big = r;
      else if (!startsWith(big, r, sizes)) return out;
    }
    // a list that stops at a smaller piece of `big` but goes on with other axes disagrees beyond it
    const smallerThenMore = live.filter((l) => !sameAxis(l[i], big) && l.length > i + 1);
    if (smallerThenMore.length > 0) {
      out.push(smallerThenMore[0][i]);
      return out;
    }
    out.push(big);
    live = live.filter((l) => sameAxis(l[i], big) && l.length > i + 1);
  }
  return out;
}

/** Whether `big` starts with `small`: the same axis, `small` the major part of it (a full axis is (1)size). */
export function startsWith(big: AxisRef, small: AxisRef, sizes: ReadonlyMap<string, number>): boolean {
  if (big.name !== small.name) return false;
  const bp = big.sub?.pre ?? 1, bs = big.sub?.size ?? sizes.get(big.name) ?? 1;
  const sp = small.sub?.pre ?? 1, ss = small.sub?.size ?? sizes.get(small.name) ?? 1;
  return bp === sp && ss < bs && bs % ss === 0;
}

export function sameList(a: readonly AxisRef[], b: readonly AxisRef[]): boolean {
  return a.length === b.length && a.every((x, i) => sameAxis(x, b[i]));
}

/** Whether `a` is a prefix of `b`, its last axis possibly a major piece of b's axis there. */
export function isPrefixOf(a: readonly AxisRef[], b: readonly AxisRef[], sizes: ReadonlyMap<string, number>): boolean {
  if (a.length > b.length) return false;
  return a.every((x, i) => sameAxis(x, b[i]) || (i === a.length - 1 && startsWith(b[i], x, sizes)));
}

/** The common prefix of two lists, cut inside an axis where one holds a major piece of the other's. */
export function commonPrefix(a: readonly AxisRef[], b: readonly AxisRef[], sizes: ReadonlyMap<string, number>): AxisRef[] {
  const out: AxisRef[] = [];
  for (let i = 0; i < a.length && i < b.length; i++) {
    if (sameAxis(a[i], b[i])) { out.push(a[i]); continue; }
    if (startsWith(a[i], b[i], sizes)) out.push(b[i]);
    else if (startsWith(b[i], a[i], sizes)) out.push(a[i]);
    break;
  }
  return out;
}

/** `a` cut to its largest major piece that overlaps none of `block`, or null when nothing is left. */
export function shrink(a: AxisRef, block: readonly AxisRef[], sizes: ReadonlyMap<string, number>): AxisRef | null {
  let cur: AxisRef = a;
  for (const b of block) {
    if (!overlaps(cur, b, sizes)) continue;
    const lo = cur.sub?.pre ?? 1;
    const bLo = b.sub?.pre ?? 1;
    if (bLo <= lo || bLo % lo !== 0) return null;
    const size = bLo / lo;
    if (size < 2) return null;
    cur = { name: a.name, sub: { pre: lo, size } };
  }
  return cur;
}

/** The longest prefix of `list` free of `block` (its last axis possibly cut to a sub-axis). */
export function fitList(list: readonly AxisRef[], block: readonly AxisRef[], sizes: ReadonlyMap<string, number>): AxisRef[] {
  const out: AxisRef[] = [];
  for (const x of list) {
    const a = shrink(x, block, sizes);
    if (a === null) break;
    out.push(a);
    if (!sameAxis(a, x)) break;
  }
  return out;
}

export function sameMesh(a: readonly { name: string; size: number }[], b: readonly { name: string; size: number }[]): boolean {
  return a.length === b.length && a.every((x, i) => x.name === b[i].name && x.size === b[i].size);
}

export function axesPrefixLength(a: readonly AxisRef[], b: readonly AxisRef[]): number {
  let i = 0;
  while (i < a.length && i < b.length && sameAxis(a[i], b[i])) i++;
  return i;
}

/**
 * A dim's axes split over its factors, major → minor: a factor takes whole axes while they divide what
 * is left of it, and splits an axis into sub-axes where the factor ends inside it; the minor-most factor
 * also takes an axis that does not divide it (padding). What fits nowhere is overflow.
 */
export function splitOverFactors(axes: readonly AxisRef[], factorSizes: readonly number[], sizes: ReadonlyMap<string, number>): { parts: AxisRef[][]; overflow: AxisRef[] } {
  const parts: AxisRef[][] = factorSizes.map(() => []);
  const overflow: AxisRef[] = [];
  let fi = 0;
  let cap = factorSizes[0] ?? 1;
  // a size-1 factor takes no axis; a size-0 one (an empty dim) may still carry one
  const lastReal = factorSizes.reduce((last, s, i) => (s !== 1 ? i : last), -1);
  const queue = [...axes];
  while (queue.length > 0) {
    const a = queue.shift() as AxisRef;
    // a size-1 axis stays with the factor before it
    if (axisRefSize(a, sizes) === 1 && fi < factorSizes.length) { parts[fi].push(a); continue; }
    while (fi < factorSizes.length && cap === 1 && fi !== lastReal) { fi++; cap = factorSizes[fi] ?? 1; }
    if (fi >= factorSizes.length || lastReal < 0) { overflow.push(a, ...queue); break; }
    const s = axisRefSize(a, sizes);
    if (cap % s === 0) { parts[fi].push(a); cap /= s; continue; }
    // the minor-most factor keeps an axis whole even when it does not divide it (padding)
    if (fi === lastReal) { parts[fi].push(a); cap = 1; continue; }
    if (s % cap === 0 && cap > 1) {
      const pre = a.sub ? a.sub.pre : 1;
      parts[fi].push({ name: a.name, sub: { pre, size: cap } });
      const restSize = s / cap;
      const full = sizes.get(a.name) ?? 1;
      const rest: AxisRef = pre * cap === 1 && restSize === full ? { name: a.name } : { name: a.name, sub: { pre: pre * cap, size: restSize } };
      queue.unshift(rest);
      cap = 1;
      if (fi === lastReal) { overflow.push(...queue); break; }
      continue;
    }
    if (fi === lastReal) { parts[fi].push(a); cap = 1; continue; }
    overflow.push(a, ...queue);
    break;
  }
  return { parts, overflow };
}

/** Adjacent sub-axes of one axis merged (`"x":(1)2, "x":(2)2` → `"x"` on an axis of 4). */
export function mergeSubAxes(axes: readonly AxisRef[], sizes: ReadonlyMap<string, number>): AxisRef[] {
  const out: AxisRef[] = [];
  for (const a of axes) {
    const last = out[out.length - 1];
    if (last?.sub && a.sub && last.name === a.name && last.sub.pre * last.sub.size === a.sub.pre) {
      const pre = last.sub.pre, size = last.sub.size * a.sub.size;
      out[out.length - 1] = pre === 1 && size === (sizes.get(a.name) ?? 0) ? { name: a.name } : { name: a.name, sub: { pre, size } };
    } else out.push(a);
  }
  return out;
}
