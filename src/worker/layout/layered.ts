/** A small layered (top-to-bottom) layout of one group's children. */
const GAP_X = 18;
const GAP_Y = 40;
/** Ranks wider than this wrap onto more rows (e.g. 96 parameter groups with no edges among them). */
const MAX_ROW = 12;

export interface LayeredInput {
  readonly widths: ArrayLike<number>;
  readonly heights: ArrayLike<number>;
  /** Order keys (program order); an edge from a higher to a lower key is a back edge, ignored for ranking. */
  readonly keys: ArrayLike<number>;
  /** Edges as local index pairs [a0, b0, a1, b1, ...]. */
  readonly edges: ArrayLike<number>;
}

/**
 * A linear-time-ish layered layout (iongraph style, no global optimisation): longest-path ranks over
 * forward edges, sources pulled down next to their first user, one barycentre sweep down and one up,
 * then greedy packing so that no two boxes overlap. Returns top-left positions and the bounding size.
 */
export function layeredLayout(inp: LayeredInput): { x: Float64Array; y: Float64Array; width: number; height: number } {
  const n = inp.widths.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => inp.keys[a] - inp.keys[b]);
  const preds: number[][] = Array.from({ length: n }, () => []);
  const succs: number[][] = Array.from({ length: n }, () => []);
  for (let e = 0; e + 1 < inp.edges.length; e += 2) {
    const a = inp.edges[e];
    const b = inp.edges[e + 1];
    if (a === b) continue;
    if (inp.keys[a] < inp.keys[b]) {
      preds[b].push(a);
      succs[a].push(b);
    } else {
      preds[a].push(b); // back edge: rank as if reversed
      succs[b].push(a);
    }
  }
  const rank = new Int32Array(n);
  for (const v of order) for (const p of preds[v]) if (rank[p] + 1 > rank[v]) rank[v] = rank[p] + 1;
  // Sources (parameters, constants) sit just above their first user rather than at the very top.
  for (let k = n - 1; k >= 0; k--) {
    const v = order[k];
    if (preds[v].length > 0 || succs[v].length === 0) continue;
    let m = Infinity;
    for (const s of succs[v]) m = Math.min(m, rank[s]);
    rank[v] = Math.max(0, m - 1);
  }
  let maxRank = 0;
  for (let i = 0; i < n; i++) maxRank = Math.max(maxRank, rank[i]);
  const ranks: number[][] = Array.from({ length: maxRank + 1 }, () => []);
  for (const v of order) ranks[rank[v]].push(v);

  // Barycentre ordering: position in rank, one sweep down (preds) then one up (succs).
  const pos = new Float64Array(n);
  for (const r of ranks) r.forEach((v, i) => (pos[v] = i));
  const sweep = (r: number[], nb: number[][]) => {
    const bc = new Map<number, number>();
    for (const v of r) {
      const ns = nb[v].filter((u) => rank[u] !== rank[v]);
      bc.set(v, ns.length ? ns.reduce((s, u) => s + pos[u], 0) / ns.length : pos[v]);
    }
    r.sort((a, b) => bc.get(a)! - bc.get(b)! || inp.keys[a] - inp.keys[b]);
    r.forEach((v, i) => (pos[v] = i));
  };
  for (let r = 1; r <= maxRank; r++) sweep(ranks[r], preds);
  for (let r = maxRank - 1; r >= 0; r--) sweep(ranks[r], succs);

  // Coordinates: rows (a rank wraps into several rows when wide), greedy x towards the preds' centre.
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  let top = 0;
  let width = 0;
  for (const r of ranks) {
    for (let s = 0; s < r.length; s += MAX_ROW) {
      const row = r.slice(s, s + MAX_ROW);
      let right = -Infinity;
      let h = 0;
      for (const v of row) {
        const ps = preds[v].filter((u) => rank[u] < rank[v]);
        const want = ps.length ? ps.reduce((acc, u) => acc + x[u] + inp.widths[u] / 2, 0) / ps.length - inp.widths[v] / 2 : 0;
        x[v] = right === -Infinity ? Math.max(0, want) : Math.max(want, right + GAP_X);
        right = x[v] + inp.widths[v];
        y[v] = top;
        h = Math.max(h, inp.heights[v]);
      }
      width = Math.max(width, right);
      top += h + GAP_Y;
    }
  }
  return { x, y, width: Math.max(0, width), height: Math.max(0, top - GAP_Y) };
}
