/**
 * Text edits of the tactic program for drag-and-drop: the text stays the single source of truth, so a
 * dropped tactic becomes a definition line plus an entry in `schedule`.
 */

/** A tactic name not yet defined in `text`: `T1`, `T2`, … (or `<base>1`, …). */
export function freshName(text: string, base = 'T'): string {
  const defined = new Set<string>();
  for (const m of text.matchAll(/^\s*([A-Za-z_]\w*)\s*=/gm)) defined.add(m[1]);
  let k = 1;
  while (defined.has(`${base}${k}`)) k++;
  return `${base}${k}`;
}

/**
 * Adds `name = call` before the `schedule = [...]` statement and appends `name` to the schedule
 * (creating `schedule = [name]` when there is none). A schedule written across several lines is
 * extended at its closing bracket.
 */
export function insertTactic(text: string, name: string, call: string): string {
  const m = /^schedule\s*=\s*\[/m.exec(text);
  const def = `${name} = ${call}\n`;
  if (!m) return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${def}schedule = [${name}]\n`;
  const close = text.indexOf(']', m.index + m[0].length);
  if (close < 0) return `${text.slice(0, m.index)}${def}${text.slice(m.index)}`;
  const inside = text.slice(m.index + m[0].length, close);
  const sep = inside.trim() === '' ? '' : inside.trimEnd().endsWith(',') ? ' ' : ', ';
  const trimmedInside = inside.trimEnd();
  const scheduled = `${text.slice(m.index, m.index + m[0].length)}${trimmedInside}${sep}${name}${inside.slice(trimmedInside.length)}]`;
  return `${text.slice(0, m.index)}${def}${scheduled}${text.slice(close + 1)}`;
}

/** The call a palette item becomes when dropped on a value with path `path` (if any). */
export function callFor(tactic: string, axis: string, path: string | null): string {
  if (tactic === 'ManualPartition') {
    const glob = path ?? 'params/**';
    return `ManualPartition(inputs={${JSON.stringify(glob)}: LARGEST}, axis=${JSON.stringify(axis)})`;
  }
  if (tactic === 'ZeRO') return `ZeRO(stage=3, axis=${JSON.stringify(axis)})`;
  // step-splitting tactics take counts rather than values: a ready-to-edit call
  if (tactic === 'Pipeline') return `Pipeline(axis=${JSON.stringify(axis)}, schedule="1F1B", microbatches=4)`;
  if (tactic === 'Microbatch') return 'Microbatch(count=4)';
  return `${tactic}(axis=${JSON.stringify(axis)})`;
}

/** Index just past the `)` that closes the `(` at `open`, skipping strings and comments; -1 if unclosed. */
export function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === '\\') i++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Replaces the whole word `name` inside `schedule = [...]` by `replacement` (names joined), or drops it when there are none. */
function replaceInSchedule(text: string, name: string | RegExp, names: readonly string[]): string | null {
  const m = /^schedule\s*=\s*\[/m.exec(text);
  if (!m) return null;
  const open = m.index + m[0].length - 1;
  const close = closingParen(text, open);
  if (close < 0) return null;
  const inside = text.slice(open + 1, close - 1);
  const entry = typeof name === 'string' ? new RegExp(`\\b${escapeRe(name)}\\b`) : name;
  const hit = entry.exec(inside);
  if (!hit) return null;
  let start = hit.index;
  let end = hit.index + hit[0].length;
  let replacement = names.join(', ');
  if (names.length === 0) {
    // Drop the entry and one neighbouring comma, so `[BP, A, MP]` becomes `[BP, MP]`.
    const after = /^\s*,\s*/.exec(inside.slice(end));
    const before = /,\s*$/.exec(inside.slice(0, start));
    if (after) end += after[0].length;
    else if (before) start -= before[0].length;
    replacement = '';
  }
  const newInside = inside.slice(0, start) + replacement + inside.slice(end);
  return `${text.slice(0, open + 1)}${newInside}${text.slice(close - 1)}`;
}

/**
 * "Make manual": the AutomaticPartition named `auto.tactic` becomes the ManualPartition tactics it chose
 * (`auto.text`, one definition per line), and its entry in `schedule` becomes their names. An inline
 * `AutomaticPartition(...)` in the schedule is handled the same way, with the definitions put before the
 * schedule. Returns null when the text no longer holds that tactic (edited since the run).
 */
export function makeManual(text: string, auto: { tactic: string; text: string; names: readonly string[] }): string | null {
  const defs = auto.text.trim();
  const def = new RegExp(`^([ \\t]*)${escapeRe(auto.tactic)}\\s*=\\s*AutomaticPartition\\s*\\(`, 'm').exec(text);
  if (def) {
    const end = closingParen(text, def.index + def[0].length - 1);
    if (end < 0) return null;
    // Without a choice the definition goes, with the rest of its line when that is blank.
    const restOfLine = /^[ \t]*\n/.exec(text.slice(end));
    const replaced = defs
      ? `${text.slice(0, def.index)}${defs.split('\n').map((l) => def[1] + l.trim()).join('\n')}${text.slice(end)}`
      : `${text.slice(0, def.index)}${text.slice(end + (restOfLine ? restOfLine[0].length : 0))}`;
    return replaceInSchedule(replaced, auto.tactic, auto.names) ?? replaced;
  }
  // Inline: `schedule = [BP, AutomaticPartition(axes=["model"])]`.
  const sched = /^schedule\s*=\s*\[/m.exec(text);
  if (!sched) return null;
  const call = /AutomaticPartition\s*\(/.exec(text.slice(sched.index));
  if (!call) return null;
  const start = sched.index + call.index;
  const end = closingParen(text, start + call[0].length - 1);
  if (end < 0) return null;
  const withoutCall = `${text.slice(0, start)}${auto.names.length ? auto.names.join(', ') : '__AUTO__'}${text.slice(end)}`;
  const cleaned = auto.names.length ? withoutCall : (replaceInSchedule(withoutCall, '__AUTO__', []) ?? withoutCall);
  return defs ? `${cleaned.slice(0, sched.index)}${defs}\n${cleaned.slice(sched.index)}` : cleaned;
}
