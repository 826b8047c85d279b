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
  return `${tactic}(axis=${JSON.stringify(axis)})`;
}
