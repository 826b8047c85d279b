/**
 * Tokens of MLIR text as JAX prints it. Tensor types (`tensor<8x16xf32>`) and dialect types
 * (`!stablehlo.token`) are single tokens, because `8x16xf32` is not a sequence of MLIR tokens.
 */
import { strFromU8 } from 'fflate';
import { UserError, type SourceRange } from '../../errors';
import { MAX_MODULE_CHARS, MAX_MODULE_NESTING } from '../../limits';

export type TokKind =
  | 'ssa'    // %0, %arg1, %cst_2, %5#1
  | 'sym'    // @main, @"quoted"
  | 'hash'   // #loc3, #stablehlo.gather, #sdy.sharding
  | 'block'  // ^bb0
  | 'str'    // "text" (value unescaped)
  | 'num'    // 12, -1.5e+00, 0xFF800000
  | 'ident'  // stablehlo.add, dims, x, DEFAULT, i32
  | 'type'   // tensor<...>, !dialect.type<...>
  | 'punct'  // ( ) [ ] { } < > , : = -> ? * + ! |
  | 'eof';

export interface Token {
  readonly kind: TokKind;
  readonly text: string;
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly endCol: number;
}

export const rangeOf = (a: Token, b: Token = a): SourceRange => ({ line: a.line, column: a.col, endLine: b.endLine, endColumn: b.endCol });

export function syntaxError(message: string, at: Token): UserError {
  return new UserError('stablehlo-syntax', `${at.line}:${at.col}: ${message}`, { where: 'model.stablehlo', range: rangeOf(at) });
}

const isIdStart = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isDigit = (c: string) => c >= '0' && c <= '9';
const isIdChar = (c: string) => isIdStart(c) || isDigit(c) || c === '$' || c === '.';
/** Control characters (tab excepted) and the Unicode line and paragraph separators. */
const isControl = (c: string): boolean => {
  const n = c.charCodeAt(0);
  return (n < 0x20 && n !== 0x09) || (n >= 0x7f && n <= 0x9f) || n === 0x2028 || n === 0x2029;
};
const controlError = (c: string, line: number, col: number, what: string): UserError =>
  syntaxError(`the ${what} holds the control character U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}, which MLIR text cannot hold raw; remove it or write it as a \\XX escape`, here(c, line, col));
const here = (c: string, line: number, col: number): Token => ({ kind: 'punct', text: c, line, col, endLine: line, endCol: col + 1 });

/** Splits `text` into tokens; `//` comments are skipped. Throws a UserError naming line:col on a bad character. */
export function lex(text: string): Token[] {
  if (text.length > MAX_MODULE_CHARS) {
    throw new UserError('too-large', `the module is ${text.length.toLocaleString('en-US')} characters long; at most ${MAX_MODULE_CHARS.toLocaleString('en-US')} are allowed`, { where: 'model.stablehlo' });
  }
  return new Lexer(text).run();
}

const TYPE_WORDS = new Set(['tensor', 'tuple', 'vector', 'complex', 'memref']);
const ID_RUN = /[A-Za-z0-9_$.]*/y;

/**
 * One pass over the text: each step reads the token at the cursor and moves past it, so the whole
 * lex stays linear in the text's length. `line`/`col` follow the cursor (1-based).
 */
class Lexer {
  private readonly out: Token[] = [];
  private i = 0;
  private line = 1;
  private col = 1;
  /** Open brackets: bounded, because the parsers recurse per bracket level. */
  private nesting = 0;

  constructor(private readonly text: string) {}

  run(): Token[] {
    const text = this.text;
    while (this.i < text.length) {
      const c = text[this.i];
      if (c === ' ' || c === '\t' || c === '\r') { this.i++; this.col++; continue; }
      if (c === '\n') { this.i++; this.line++; this.col = 1; continue; }
      if ((isIdStart(c) || c === '%') && this.fastWord(c)) continue;
      if (c === '/' && text[this.i + 1] === '/') {
        while (this.i < text.length && text[this.i] !== '\n') this.advance(1);
        continue;
      }
      this.token(c);
    }
    this.out.push({ kind: 'eof', text: '', line: this.line, col: this.col, endLine: this.line, endCol: this.col });
    return this.out;
  }

  /** The general path: one token starting with `c` (not blank, not a comment). */
  private token(c: string): void {
    const text = this.text, i = this.i;
    const sl = this.line, sc = this.col;
    if (c === '"') this.push('str', this.stringLiteral(), sl, sc);
    else if (c === '%' || c === '@' || c === '#' || c === '^') this.sigil(c, sl, sc);
    else if (c === '!' && isIdStart(text[i + 1] ?? '')) this.push('type', this.dialectType(), sl, sc);
    else if (isDigit(c) || ((c === '-' || c === '+') && isDigit(text[i + 1] ?? ''))) {
      const m = /^[-+]?(0x[0-9A-Fa-f]+|\d+(\.\d*)?([eE][-+]?\d+)?)/.exec(text.slice(i, i + 64));
      const v = m ? m[0] : c;
      this.advance(v.length);
      this.push('num', v, sl, sc);
    } else if (isIdStart(c)) {
      const v = this.idRun('');
      if (TYPE_WORDS.has(v) && text[this.i] === '<') this.push('type', v + this.balancedAngle(), sl, sc);
      else this.push('ident', v, sl, sc);
    } else if (c === '-' && text[i + 1] === '>') {
      this.advance(2);
      this.push('punct', '->', sl, sc);
    } else if ('()[]{}<>,:=?*+!|'.includes(c)) this.punct(c, sl, sc);
    else throw syntaxError(`unexpected character "${c}"`, here(c, sl, sc));
  }

  private advance(n: number): void {
    const text = this.text;
    for (let k = 0; k < n && this.i < text.length; k++) {
      if (text[this.i] === '\n') { this.line++; this.col = 1; } else this.col++;
      this.i++;
    }
  }

  private push(kind: TokKind, value: string, sl: number, sc: number): void {
    this.out.push({ kind, text: value, line: sl, col: sc, endLine: this.line, endCol: this.col });
  }

  /** `prefix` followed by the identifier characters at the cursor. */
  private idRun(prefix: string): string {
    let v = prefix;
    while (this.i < this.text.length && isIdChar(this.text[this.i])) { v += this.text[this.i]; this.advance(1); }
    return v;
  }

  /**
   * The fast path for the bulk of a module: bare identifiers and SSA names (no newlines inside). Returns
   * false, consuming nothing, for types and `%5#1`, which take the general path.
   */
  private fastWord(c: string): boolean {
    const text = this.text, i = this.i;
    ID_RUN.lastIndex = i + 1;
    ID_RUN.exec(text);
    const end = ID_RUN.lastIndex;
    const word = text.slice(c === '%' ? i + 1 : i, end);
    if (c === '%' && word === '') throw syntaxError('expected a name after "%"', here(c, this.line, this.col));
    const isType = c !== '%' && TYPE_WORDS.has(word) && text[end] === '<';
    const ssaIndex = c === '%' && text[end] === '#' && isDigit(text[end + 1] ?? '');
    if (isType || ssaIndex) return false;
    const sc = this.col;
    this.col += end - i;
    this.i = end;
    this.out.push({ kind: c === '%' ? 'ssa' : 'ident', text: word, line: this.line, col: sc, endLine: this.line, endCol: this.col });
    return true;
  }

  /** A string literal at the cursor, its value unescaped. */
  private stringLiteral(): string {
    const text = this.text;
    const sl = this.line, sc = this.col;
    let v = '';
    // `\XX` escapes are bytes: consecutive ones are decoded together as UTF-8, as MLIR writes them
    let bytes: number[] = [];
    const flush = () => {
      if (bytes.length) v += strFromU8(new Uint8Array(bytes));
      bytes = [];
    };
    this.advance(1);
    for (;;) {
      if (this.i >= text.length || text[this.i] === '\n') throw syntaxError('unterminated string literal', here('"', sl, sc));
      const ch = text[this.i];
      if (ch === '"') { this.advance(1); break; }
      if (isControl(ch)) throw controlError(ch, this.line, this.col, 'string literal');
      if (ch === '\\' && /[0-9A-Fa-f]{2}/.test(text.slice(this.i + 1, this.i + 3))) {
        bytes.push(parseInt(text.slice(this.i + 1, this.i + 3), 16));
        this.advance(3);
        continue;
      }
      flush();
      if (ch === '\\') {
        const n = text[this.i + 1] ?? '';
        v += n === 'n' ? '\n' : n === 't' ? '\t' : n;
        this.advance(2);
        continue;
      }
      v += ch;
      this.advance(1);
    }
    flush();
    return v;
  }

  /** `%name`, `%5#1`, `@name`, `@"quoted"`, `#attr`, `^bb0`. */
  private sigil(c: string, sl: number, sc: number): void {
    const text = this.text;
    this.advance(1);
    if (c === '@' && text[this.i] === '"') {
      this.push('sym', this.quotedSymbol(sl, sc), sl, sc);
      return;
    }
    let v = this.idRun('');
    if (v === '') throw syntaxError(`expected a name after "${c}"`, here(c, sl, sc));
    if (c === '%' && text[this.i] === '#' && isDigit(text[this.i + 1] ?? '')) {
      v += '#';
      this.advance(1);
      while (this.i < text.length && isDigit(text[this.i])) { v += text[this.i]; this.advance(1); }
    }
    this.push(c === '%' ? 'ssa' : c === '@' ? 'sym' : c === '#' ? 'hash' : 'block', v, sl, sc);
  }

  /** The name of `@"..."`, the cursor on its opening quote. */
  private quotedSymbol(sl: number, sc: number): string {
    const text = this.text;
    let v = '';
    this.advance(1);
    while (this.i < text.length && text[this.i] !== '"' && text[this.i] !== '\n') {
      // a name reaches exports (Python comments, Markdown): a carriage return or a line separator
      // in it would start a new line there, so it is refused here, where the user can see it
      if (isControl(text[this.i])) throw controlError(text[this.i], this.line, this.col, 'symbol name');
      v += text[this.i];
      this.advance(1);
    }
    if (text[this.i] !== '"') throw syntaxError('unterminated symbol name', here('@', sl, sc));
    this.advance(1);
    return v;
  }

  /** A dialect type such as !stablehlo.token or !sdy.foo<...>. */
  private dialectType(): string {
    this.advance(1);
    let v = this.idRun('!');
    if (this.text[this.i] === '<') v += this.balancedAngle();
    return v;
  }

  private punct(c: string, sl: number, sc: number): void {
    // the parsers recurse per bracket level: a bound here keeps any module from overflowing the stack
    if (c === '(' || c === '[' || c === '{' || c === '<') {
      if (++this.nesting > MAX_MODULE_NESTING) throw syntaxError(`brackets nest deeper than ${MAX_MODULE_NESTING} levels here`, here(c, sl, sc));
    } else if (c === ')' || c === ']' || c === '}' || c === '>') this.nesting = Math.max(0, this.nesting - 1);
    this.advance(1);
    this.push('punct', c, sl, sc);
  }

  /** Consumes `<...>` with nesting (and `->` inside) and returns it. */
  private balancedAngle(): string {
    const text = this.text;
    const sl = this.line, sc = this.col;
    let depth = 0, v = '';
    do {
      if (this.i >= text.length) throw syntaxError('unterminated "<" in a type', { kind: 'punct', text: '<', line: sl, col: sc, endLine: sl, endCol: sc + 1 });
      const ch = text[this.i];
      if (ch === '-' && text[this.i + 1] === '>') { v += '->'; this.advance(2); continue; }
      if (ch === '<') depth++;
      else if (ch === '>') depth--;
      v += ch;
      this.advance(1);
    } while (depth > 0);
    return v;
  }
}
