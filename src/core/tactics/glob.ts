/**
 * Globs over value paths (`params/layer_3/attn/wq`), matched segment by segment:
 * `*` is any characters within one segment, `?` one character, `**` (a whole segment) any number
 * of whole segments, zero included. Everything else is literal.
 */

export type GlobMatcher = (path: string) => boolean;

/**
 * Matching is the greedy wildcard algorithm, twice: characters within a segment (`*` the wildcard)
 * and segments within a path (`**` the wildcard). Only the last wildcard is ever retried, so a match
 * costs at most (glob length × path length) steps, whatever the glob; a backtracking regular
 * expression takes exponential time on a glob of many stars. Runs of `*` (and of `**` segments) are
 * merged first, since they mean the same as one.
 */
const STAR = '*';
const ANY = '?';

/** Greedy wildcard match of `pat` against `text` (arrays of units), with `isStar` and `unitMatch`. */
function wildcard<P, T>(pat: readonly P[], text: readonly T[], isStar: (p: P) => boolean, unitMatch: (p: P, t: T) => boolean): boolean {
  let p = 0, t = 0, starP = -1, starT = 0;
  while (t < text.length) {
    if (p < pat.length && isStar(pat[p])) {
      starP = p++;
      starT = t;
    } else if (p < pat.length && unitMatch(pat[p], text[t])) {
      p++;
      t++;
    } else if (starP >= 0) {
      // the last wildcard takes one more unit, and the rest of the pattern is tried after it
      p = starP + 1;
      t = ++starT;
    } else return false;
  }
  while (p < pat.length && isStar(pat[p])) p++;
  return p === pat.length;
}

/** A segment pattern as code points, runs of `*` merged. */
function segmentPattern(seg: string): string[] {
  const out: string[] = [];
  for (const c of seg) if (!(c === STAR && out[out.length - 1] === STAR)) out.push(c);
  return out;
}

const charMatch = (p: string, c: string): boolean => p === ANY || p === c;

function segmentMatch(pat: readonly string[], seg: string): boolean {
  return wildcard(pat, Array.from(seg), (c) => c === STAR, charMatch);
}

/** Compiles `glob` once, for matching many paths. */
export function compileGlob(glob: string): GlobMatcher {
  if (!/[*?]/.test(glob)) return (path) => path === glob;
  // Consecutive `**` segments mean the same as one.
  const segs = glob.split('/').filter((s, i, all) => !(s === '**' && i > 0 && all[i - 1] === '**'));
  const pats: (string[] | null)[] = segs.map((s) => (s === '**' ? null : segmentPattern(s)));
  return (path) => wildcard(pats, path.split('/'), (p) => p === null, (p, seg) => p !== null && segmentMatch(p, seg));
}

export function matchGlob(glob: string, path: string): boolean {
  return compileGlob(glob)(path);
}

/**
 * Levenshtein distance, computed only in the band |i − j| ≤ `max` (cells outside it cannot be within
 * `max`), with an early cut-off once every cell of a row exceeds `max`: O(length × max), not
 * O(length²). Returns `max + 1` for anything farther than `max`.
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const band = Math.min(max, Math.max(a.length, b.length));
  const far = band + 1;
  // Two reused rows: this runs over every path of a deep model when a glob matches nothing.
  let prev = new Int32Array(b.length + 1).fill(far);
  let cur = new Int32Array(b.length + 1).fill(far);
  for (let j = 0; j <= Math.min(b.length, band); j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const lo = Math.max(1, i - band);
    const hi = Math.min(b.length, i + band);
    cur[lo - 1] = lo - 1 === 0 ? i : far;
    let best = cur[lo - 1];
    const ca = a.charCodeAt(i - 1);
    for (let j = lo; j <= hi; j++) {
      let v = prev[j - 1] + (ca === b.charCodeAt(j - 1) ? 0 : 1);
      if (prev[j] + 1 < v) v = prev[j] + 1;
      if (cur[j - 1] + 1 < v) v = cur[j - 1] + 1;
      if (v > far) v = far;
      cur[j] = v;
      if (v < best) best = v;
    }
    if (hi < b.length) cur[hi + 1] = far;
    if (best > max) return max + 1;
    const t = prev;
    prev = cur;
    cur = t;
  }
  return prev[b.length] > max ? max + 1 : prev[b.length];
}

/**
 * Names longer than this get no "did you mean": a suggestion is for a typo in a name a person typed,
 * and the comparison must stay cheap when the text is hostile (a 200k-character name).
 */
export const MAX_SUGGEST_LENGTH = 80;
/** The farthest suggestion offered, in edits. */
const MAX_SUGGEST_DISTANCE = 8;
/** Candidates compared at most (a program's generic paths, a schedule's names). */
const MAX_SUGGEST_CANDIDATES = 5000;

/** A name as a message shows it: cut to 60 characters, so that a hostile 50,000-character name makes a one-line message. */
export const shownName = (name: string): string => (name.length > 60 ? `${name.slice(0, 57)}…` : name);

/** Up to `n` candidates closest to `word`, within a distance that grows with its length (at most 8). */
export function closest(word: string, candidates: Iterable<string>, n = 3): string[] {
  if (word.length > MAX_SUGGEST_LENGTH) return [];
  const max = Math.min(MAX_SUGGEST_DISTANCE, Math.max(2, Math.floor(word.length / 3)));
  const scored: { c: string; d: number }[] = [];
  const seen = new Set<string>();
  const w = word.toLowerCase();
  for (const c of candidates) {
    if (seen.size >= MAX_SUGGEST_CANDIDATES) break;
    if (seen.has(c) || c.length > MAX_SUGGEST_LENGTH + max) continue;
    seen.add(c);
    const d = editDistance(w, c.toLowerCase(), max);
    if (d <= max) scored.push({ c, d });
  }
  scored.sort((x, y) => x.d - y.d || (x.c < y.c ? -1 : 1));
  return scored.slice(0, n).map((s) => s.c);
}
