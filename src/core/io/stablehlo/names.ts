/** Names JAX puts in the text, turned into the explorer's value paths and op scopes. */

/**
 * A JAX key path (`params['layer_0']['w']`, `[0]['w']`, `x.kernel`) as a selector path
 * (`params/layer_0/w`, `0/w`, `x/kernel`). A leading `result` (newer JAX's result_info) is dropped.
 */
export function keyPathToPath(key: string): string {
  let s = key.trim();
  if (s.startsWith('result[') || s.startsWith('result.')) s = s.slice('result'.length);
  const parts: string[] = [];
  const re = /\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\]|\[\s*(-?\d+)\s*\]|\.([A-Za-z_][\w]*)|([^[\].]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    const p = m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5];
    if (p !== undefined && p.trim() !== '') parts.push(p.trim().replace(/\//g, '_'));
  }
  return parts.join('/');
}

/** Whether `name` looks like a key path rather than an op's name stack (`jit(f)/…/dot_general`). */
export const isKeyPath = (name: string): boolean => !name.includes('/') && !/\(.*\)/.test(name);

/**
 * The name scope and phase from an op's location name, e.g.
 * `jit(step)/jit(main)/transpose(jvp(loss))/layer_0/mlp/dot_general` → scope `layer_0/mlp`, backward.
 * `jit(…)`/`pjit(…)` frames and the differentiated function (`jvp(f)`, `transpose(jvp(f))`) are not
 * scopes; the last component is the primitive.
 */
export function scopeOfLocName(name: string): { scope: string; backward: boolean } {
  const parts = splitNameStack(name);
  let backward = false;
  const kept: string[] = [];
  parts.slice(0, -1).forEach((p) => {
    if (/^transpose\(/.test(p)) backward = true;
    if (/^[\w.]+\(.*\)$/.test(p)) return; // jit(f), pjit(f), jvp(f), transpose(jvp(f)), remat(f), vmap(f)
    kept.push(p);
  });
  return { scope: kept.join('/'), backward };
}

/** Splits on `/` outside parentheses (a frame like `jvp(a/b)` stays whole). */
function splitNameStack(name: string): string[] {
  const out: string[] = [];
  let depth = 0, cur = '';
  for (const ch of name) {
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    if (ch === '/' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.filter((p) => p !== '');
}
