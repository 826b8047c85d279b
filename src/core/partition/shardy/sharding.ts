/**
 * Shardy's tensor sharding, kept whole (shardy.md-style representation, written in our words):
 * per dim the axes major → minor (sub-axes `"x":(pre)size` included), open (`?`, propagation may add
 * minor axes) or closed, an optional priority (`p0`, `p1`…, lower first); axes pinned replicated;
 * unreduced axes and their reduction. Imported annotations keep every detail here, so the sdy export
 * writes back what was read, and Shardy propagation runs on exactly what JAX printed.
 */

/** A mesh axis, or the sub-axis `"name":(pre)size` of it: the middle part of [pre, size, rest]. */
export interface AxisRef {
  readonly name: string;
  readonly sub?: { readonly pre: number; readonly size: number };
}

export interface DimSharding {
  readonly axes: readonly AxisRef[];
  readonly closed: boolean;
  readonly priority?: number;
}

export interface TensorSharding {
  /** The `sdy.mesh` symbol it refers to (an inline mesh gets a name from the importer). */
  readonly mesh: string;
  readonly dims: readonly DimSharding[];
  readonly replicated: readonly AxisRef[];
  readonly unreduced: readonly AxisRef[];
  /** `unreduced=max{…}`: the reduction of the unreduced axes when it is not a sum. */
  readonly unreducedKind?: 'sum' | 'max' | 'min';
}

/** Named meshes of a module: axis name → size, in mesh order. */
export type MeshTable = ReadonlyMap<string, readonly { readonly name: string; readonly size: number }[]>;

export const axisKey = (a: AxisRef): string => (a.sub ? `${a.name}:(${a.sub.pre})${a.sub.size}` : a.name);

export function sameAxis(a: AxisRef, b: AxisRef): boolean {
  return a.name === b.name && a.sub?.pre === b.sub?.pre && a.sub?.size === b.sub?.size;
}

/** The size of an axis ref on a mesh (a full axis: its mesh size; unknown axes: 1). */
export function axisRefSize(a: AxisRef, sizes: ReadonlyMap<string, number>): number {
  return a.sub ? a.sub.size : sizes.get(a.name) ?? 1;
}

/** The span [lo, hi) of the axis a ref covers, in units of the full axis (pre-size coordinates). */
function span(a: AxisRef, sizes: ReadonlyMap<string, number>): [number, number] {
  if (!a.sub) return [1, (sizes.get(a.name) ?? 1) + 0];
  return [a.sub.pre, a.sub.pre * a.sub.size];
}

/** Whether two refs share devices along the same axis (`"x":(1)4` and `"x":(2)4` do; `"x":(1)2` and `"x":(2)2` do not). */
export function overlaps(a: AxisRef, b: AxisRef, sizes: ReadonlyMap<string, number>): boolean {
  if (a.name !== b.name) return false;
  const [alo, ahi] = span(a, sizes), [blo, bhi] = span(b, sizes);
  // spans are multiplicative ranges [pre, pre*size): they overlap when neither ends before the other starts
  return alo < bhi && blo < ahi;
}

const quote = (s: string) => JSON.stringify(s);
const axisText = (a: AxisRef) => (a.sub ? `${quote(a.name)}:(${a.sub.pre})${a.sub.size}` : quote(a.name));

export interface PrintOptions {
  /** Drop priorities (propagation consumed them). */
  readonly priorities?: boolean;
}

/** `<@mesh, [{"a", ?}p1, {}], replicated={"b"}>`: the stripped form used in op attributes and sdy ops. */
export function printStripped(s: TensorSharding, opts: PrintOptions = {}): string {
  const dims = s.dims.map((d) => {
    const items = d.axes.map(axisText);
    if (!d.closed) items.push('?');
    const p = opts.priorities !== false && d.priority !== undefined ? `p${d.priority}` : '';
    return `{${items.join(', ')}}${p}`;
  });
  let out = `<@${s.mesh}, [${dims.join(', ')}]`;
  if (s.replicated.length > 0) out += `, replicated={${s.replicated.map(axisText).join(', ')}}`;
  if (s.unreduced.length > 0) out += `, unreduced=${s.unreducedKind && s.unreducedKind !== 'sum' ? s.unreducedKind : ''}{${s.unreduced.map(axisText).join(', ')}}`;
  return out + '>';
}

/** `#sdy.sharding<@mesh, [...]>`, as on function arguments and results. */
export function printSharding(s: TensorSharding, opts: PrintOptions = {}): string {
  return `#sdy.sharding${printStripped(s, opts)}`;
}

/** A sharding with every dim open and empty: what an unannotated tensor means. */
export function openSharding(mesh: string, rank: number): TensorSharding {
  return { mesh, dims: Array.from({ length: rank }, () => ({ axes: [], closed: false })), replicated: [], unreduced: [] };
}

/** Whether a sharding says nothing (every dim open and empty, nothing replicated or unreduced). */
export function isTrivial(s: TensorSharding | undefined): boolean {
  return s === undefined || (s.dims.every((d) => !d.closed && d.axes.length === 0) && s.replicated.length === 0 && s.unreduced.length === 0);
}
