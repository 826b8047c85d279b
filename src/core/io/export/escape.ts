/**
 * The one home of the escaping rules for text an export writes into another language. Names in an
 * export (module, function, argument, result, axis, tactic, `loc`) come from a shared link or an
 * imported module, i.e. from someone else: they are written only through these functions, so that no
 * name can end a comment, a string or a line of the target language, or smuggle markup into a page.
 *
 * Every function emits printable ASCII only, so the rules do not depend on which characters a
 * target counts as line breaks (Python: `\r`, `\n`, `\r\n` in source; `str.splitlines` also `\v`,
 * `\f`, `\x1c`-`\x1e`, `\x85`, U+2028, U+2029; JavaScript: U+2028 and U+2029 too).
 */

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

const isPrintableAscii = (c: number): boolean => c >= 0x20 && c <= 0x7e;

/** Python's escape for one code point that is not printable ASCII (valid in a str literal). */
function pyEscapeCodePoint(cp: number): string {
  switch (cp) {
    case 0x0a: return '\\n';
    case 0x0d: return '\\r';
    case 0x09: return '\\t';
    default:
      if (cp <= 0xff) return `\\x${hex(cp, 2)}`;
      if (cp <= 0xffff) return `\\u${hex(cp, 4)}`;
      return `\\U${hex(cp, 8)}`;
  }
}

/**
 * Python text with `\`, the given quote characters, and every code point outside printable ASCII as
 * Python escapes. Iterates by code point, so an astral character becomes one `\U` escape and a lone
 * surrogate one `\u` escape.
 */
function pyEscape(s: string, quotes: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (quotes.includes(ch)) out += `\\${ch}`;
    else if (isPrintableAscii(cp)) out += ch;
    else out += pyEscapeCodePoint(cp);
  }
  return out;
}

/** A Python string literal in single quotes (axis names in PartitionSpecs, as JAX's docs write them). */
export const pyString = (s: string): string => `'${pyEscape(s, "'")}'`;

/** A Python string literal in double quotes (dict keys). */
export const pyKeyString = (s: string): string => `"${pyEscape(s, '"')}"`;

/**
 * User text inside a Python `#` comment or a `"""` docstring: it cannot end the line (no line-break
 * character survives) nor the docstring (`"` and `\` are escaped).
 */
export const pyText = (s: string): string => pyEscape(s, '"');

/**
 * An MLIR string literal (`"…"`, also the quoted form of `@"sym"`): MLIR's lexer knows `\"`, `\\`,
 * `\n`, `\t` and `\XX` (one byte, two hex digits); other bytes of a non-ASCII character are written
 * as `\XX` of their UTF-8 encoding, which is how MLIR prints them.
 */
export function mlirString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (isPrintableAscii(cp)) out += ch;
    // a lone surrogate has no UTF-8 form: it is written as U+FFFD, as any UTF-8 encoder does
    else for (const b of utf8(cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp)) out += `\\${hex(b, 2).toUpperCase()}`;
  }
  return `${out}"`;
}

function utf8(cp: number): number[] {
  if (cp < 0x80) return [cp];
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 63)];
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
  return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
}

/**
 * Characters that open or close Markdown markup inside a line (emphasis, code, links, tables,
 * strikethrough, headings). Line-start markup (`-`, `+`, `1.`) cannot arise: a name never starts a line.
 */
const MD_SPECIAL = new Set(['\\', '`', '*', '_', '[', ']', '|', '~', '#']);

const isControl = (cp: number): boolean =>
  cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp === 0x2028 || cp === 0x2029 || (cp >= 0xd800 && cp <= 0xdfff);

/**
 * User text as Markdown that renders as exactly that text, also when the Markdown is turned into
 * HTML: `& < >` as entities, Markdown punctuation backslash-escaped (`|` included, so a table cell
 * stays one cell), and every control or line-separator character shown as `U+XXXX`, so that a name
 * cannot start a new line, a heading or a table row.
 */
export function mdText(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (MD_SPECIAL.has(ch)) out += `\\${ch}`;
    else if (isControl(cp)) out += `U+${hex(cp, 4).toUpperCase()}`;
    else out += ch;
  }
  return out;
}

/**
 * User text as a Markdown code span (outside tables): the fence is one backtick longer than any run
 * inside, so the text cannot close it; HTML inside a code span is shown, not rendered; control and
 * line-separator characters are shown as `U+XXXX`.
 */
export function mdCode(s: string): string {
  let text = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    text += isControl(cp) ? `U+${hex(cp, 4).toUpperCase()}` : ch;
  }
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || text === '' ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}
