/**
 * Just enough of MLIR's textual structure to edit a module in place: which characters are code (not
 * string literals or `//` comments), bracket matching, and top-level comma splits. The sdy export
 * rewrites argument and result attributes this way so that everything else in the text stays byte
 * for byte as the user wrote it.
 */

export class MlirText {
  readonly text: string;
  /** 1 where the character is inside a string literal or a comment. */
  private readonly inert: Uint8Array;

  constructor(text: string) {
    this.text = text;
    this.inert = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === '"') {
        const start = i;
        for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
        this.inert.fill(1, start, Math.min(i + 1, text.length));
      } else if (c === '/' && text[i + 1] === '/') {
        const start = i;
        while (i < text.length && text[i] !== '\n') i++;
        this.inert.fill(1, start, i);
      }
    }
  }

  isCode(i: number): boolean {
    return this.inert[i] === 0;
  }

  /** Index of the first code match of `re` (global flag required) at or after `from`. */
  find(re: RegExp, from = 0): RegExpExecArray | null {
    re.lastIndex = from;
    for (let m = re.exec(this.text); m; m = re.exec(this.text)) if (this.isCode(m.index)) return m;
    return null;
  }

  skipSpace(i: number): number {
    const t = this.text;
    for (;;) {
      while (i < t.length && /\s/.test(t[i])) i++;
      if (t[i] === '/' && t[i + 1] === '/') while (i < t.length && t[i] !== '\n') i++;
      else return i;
    }
  }

  /** Bracket depth change of the code character at `i`; `->` is an arrow, not a closing angle. */
  private delta(i: number): number {
    if (this.inert[i] === 1) return 0;
    switch (this.text.charCodeAt(i)) {
      case 40: case 91: case 123: case 60: return 1; // ( [ { <
      case 41: case 93: case 125: return -1; // ) ] }
      case 62: return this.text.charCodeAt(i - 1) === 45 ? 0 : -1; // > unless ->
      default: return 0;
    }
  }

  /** The index of the bracket closing the one at `open`, or -1. */
  matchClose(open: number): number {
    let depth = 0;
    for (let i = open; i < this.text.length; i++) {
      depth += this.delta(i);
      if (depth === 0) return i;
    }
    return -1;
  }

  /** Splits [start, end) at commas outside brackets; each part as [start, end) with whitespace trimmed. */
  splitTopLevel(start: number, end: number): [number, number][] {
    const parts: [number, number][] = [];
    let depth = 0;
    let from = start;
    for (let i = start; i < end; i++) {
      depth += this.delta(i);
      if (depth === 0 && this.isCode(i) && this.text[i] === ',') {
        parts.push(this.trim(from, i));
        from = i + 1;
      }
    }
    const last = this.trim(from, end);
    if (last[1] > last[0] || parts.length > 0) parts.push(last);
    return parts;
  }

  trim(start: number, end: number): [number, number] {
    while (start < end && /\s/.test(this.text[start])) start++;
    while (end > start && /\s/.test(this.text[end - 1])) end--;
    return [start, end];
  }

  /** End of a type or other token starting at `i`: the first whitespace, `,`, `)` or `{` outside brackets. */
  endOfTerm(i: number, limit = this.text.length): number {
    let depth = 0;
    for (; i < limit; i++) {
      const c = this.text[i];
      if (depth === 0 && this.isCode(i) && (/\s/.test(c) || c === ',' || c === ')' || c === '{')) return i;
      depth += this.delta(i);
      if (depth < 0) return i;
    }
    return i;
  }
}

export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/**
 * Applies non-overlapping edits (any order) in one pass. A removal and an insertion at the same
 * place both apply: the removed text goes, the inserted text takes its place.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  // ascending by start; at one start an insertion goes before a removal, so that both apply
  const sorted = [...edits].sort((a, b) => a.start - b.start || (a.end - a.start) - (b.end - b.start));
  const parts: string[] = [];
  let at = 0;
  for (const e of sorted) {
    if (e.start < at) throw new Error(`overlapping edits at ${e.start}`);
    parts.push(text.slice(at, e.start), e.text);
    at = e.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}
