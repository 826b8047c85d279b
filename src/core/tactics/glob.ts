/**
 * Globs over value paths (`params/layer_3/attn/wq`), matched segment by segment:
 * `*` is any characters within one segment, `?` one character, `**` (a whole segment) any number
 * of whole segments, zero included. Everything else is literal.
 */

export type GlobMatcher = (path: string) => boolean;

const escape = (c: string) => c.replace(/[.+^${}()|[\]\\]/g, '\\$&');

function segmentSource(seg: string): string {
  let src = '';
  for (const c of seg) src += c === '*' ? '[^/]*' : c === '?' ? '[^/]' : escape(c);
  return src;
}

/**
 * The glob as one anchored regular expression. `**` absorbs the slash next to it, so that it can
 * stand for zero segments: `a/**\/b` matches `a/b`.
 */
export function globToRegExp(glob: string): RegExp {
  // Consecutive `**` segments mean the same as one.
  const segs = glob.split('/').filter((s, i, all) => !(s === '**' && all[i - 1] === '**' && i > 0));
  if (segs.length === 1 && segs[0] === '**') return /^.*$/su;
  let src = '';
  segs.forEach((seg, i) => {
    if (seg === '**') src += i === 0 ? '(?:[^/]*/)*' : '(?:/[^/]*)*';
    else src += (i === 0 || segs[i - 1] === '**' && i === 1 ? '' : '/') + segmentSource(seg);
  });
  return new RegExp(`^${src}$`, 'su');
}

/** Compiles `glob` once, for matching many paths. */
export function compileGlob(glob: string): GlobMatcher {
  if (!/[*?]/.test(glob)) return (path) => path === glob;
  const re = globToRegExp(glob);
  return (path) => re.test(path);
}

export function matchGlob(glob: string, path: string): boolean {
  return compileGlob(glob)(path);
}

/** Levenshtein distance, with an early cut-off once every cell of a row exceeds `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  // Two reused rows: this runs over every path of a deep model when a glob matches nothing.
  let prev = new Int32Array(b.length + 1);
  let cur = new Int32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let best = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      let v = prev[j - 1] + (ca === b.charCodeAt(j - 1) ? 0 : 1);
      if (prev[j] + 1 < v) v = prev[j] + 1;
      if (cur[j - 1] + 1 < v) v = cur[j - 1] + 1;
      cur[j] = v;
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    const t = prev;
    prev = cur;
    cur = t;
  }
  return prev[b.length];
}

/** Up to `n` candidates closest to `word`, within a distance that grows with its length. */
export function closest(word: string, candidates: Iterable<string>, n = 3): string[] {
  const max = Math.max(2, Math.floor(word.length / 3));
  const scored: { c: string; d: number }[] = [];
  const seen = new Set<string>();
  const w = word.toLowerCase();
  for (const c of candidates) {
    if (seen.has(c)) continue;
    seen.add(c);
    const d = editDistance(w, c.toLowerCase(), max);
    if (d <= max) scored.push({ c, d });
  }
  scored.sort((x, y) => x.d - y.d || (x.c < y.c ? -1 : 1));
  return scored.slice(0, n).map((s) => s.c);
}
