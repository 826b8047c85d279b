/**
 * Edits of the schedule's `Pipeline(...)` / `Microbatch(...)` call from the pipeline panel: the text stays
 * the single source of truth, so changing the micro-batch count rewrites that argument in place.
 */

/** The [start, end) offsets of the first `Pipeline(` or `Microbatch(` call, parentheses included. */
function callRange(text: string): { start: number; open: number; end: number } | undefined {
  const m = /\b(Pipeline|Microbatch)\s*\(/.exec(text);
  if (!m) return undefined;
  const open = m.index + m[0].length - 1;
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return { start: m.index, open, end: i + 1 };
    }
  }
  return undefined;
}

/** `text` with argument `arg` of the Pipeline/Microbatch call set to `value` (source text); unchanged when there is no call. */
export function setPipelineArg(text: string, arg: string, value: string): string {
  const r = callRange(text);
  if (!r) return text;
  const inner = text.slice(r.open + 1, r.end - 1);
  const re = new RegExp(`(\\b${arg}\\s*=\\s*)("[^"]*"|'[^']*'|\\[[^\\]]*\\]|[^,)\\s]+)`);
  const m = re.exec(inner);
  const next = m
    ? inner.slice(0, m.index) + m[1] + value + inner.slice(m.index + m[0].length)
    : `${inner.trimEnd()}${inner.trim() ? ', ' : ''}${arg}=${value}`;
  return text.slice(0, r.open + 1) + next + text.slice(r.end - 1);
}

/** `text` without the `arg=` argument of the Pipeline/Microbatch call. */
export function removePipelineArg(text: string, arg: string): string {
  const r = callRange(text);
  if (!r) return text;
  const inner = text.slice(r.open + 1, r.end - 1);
  const next = inner.replace(new RegExp(`,?\\s*\\b${arg}\\s*=\\s*("[^"]*"|'[^']*'|\\[[^\\]]*\\]|[^,)\\s]+)`), '').replace(/^\s*,\s*/, '');
  return text.slice(0, r.open + 1) + next + text.slice(r.end - 1);
}
