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
  const out: Token[] = [];
  let i = 0, line = 1, col = 1;
  let nesting = 0;
  const advance = (n: number) => {
    for (let k = 0; k < n && i < text.length; k++) {
      if (text[i] === '\n') { line++; col = 1; } else col++;
      i++;
    }
  };
  const push = (kind: TokKind, value: string, sl: number, sc: number) => {
    out.push({ kind, text: value, line: sl, col: sc, endLine: line, endCol: col });
  };
  const ID_RUN = /[A-Za-z0-9_$.]*/y;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r') { i++; col++; continue; }
    if (c === '\n') { i++; line++; col = 1; continue; }
    // fast path for the bulk of a module: bare identifiers and SSA names (no newlines inside)
    if (isIdStart(c) || c === '%') {
      ID_RUN.lastIndex = i + 1;
      ID_RUN.exec(text);
      const end = ID_RUN.lastIndex;
      const word = text.slice(c === '%' ? i + 1 : i, end);
      if (c === '%' && word === '') throw syntaxError('expected a name after "%"', here(c, line, col));
      const isType = c !== '%' && (word === 'tensor' || word === 'tuple' || word === 'vector' || word === 'complex' || word === 'memref') && text[end] === '<';
      const ssaIndex = c === '%' && text[end] === '#' && isDigit(text[end + 1] ?? '');
      if (!isType && !ssaIndex) {
        const sc = col;
        col += end - i;
        i = end;
        out.push({ kind: c === '%' ? 'ssa' : 'ident', text: word, line, col: sc, endLine: line, endCol: col });
        continue;
      }
      // types and `%5#1` take the general path below
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') advance(1);
      continue;
    }
    const sl = line, sc = col;
    if (c === '"') {
      let v = '';
      // `\XX` escapes are bytes: consecutive ones are decoded together as UTF-8, as MLIR writes them
      let bytes: number[] = [];
      const flush = () => {
        if (bytes.length) v += strFromU8(new Uint8Array(bytes));
        bytes = [];
      };
      advance(1);
      for (;;) {
        if (i >= text.length || text[i] === '\n') throw syntaxError('unterminated string literal', here(c, sl, sc));
        const ch = text[i];
        if (ch === '"') { advance(1); break; }
        if (isControl(ch)) throw controlError(ch, line, col, 'string literal');
        if (ch === '\\' && /[0-9A-Fa-f]{2}/.test(text.slice(i + 1, i + 3))) {
          bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
          advance(3);
          continue;
        }
        flush();
        if (ch === '\\') {
          const n = text[i + 1] ?? '';
          if (n === 'n') v += '\n';
          else if (n === 't') v += '\t';
          else v += n;
          advance(2);
          continue;
        }
        v += ch;
        advance(1);
      }
      flush();
      push('str', v, sl, sc);
      continue;
    }
    if (c === '%' || c === '@' || c === '#' || c === '^') {
      advance(1);
      if (c === '@' && text[i] === '"') {
        let v = '';
        advance(1);
        while (i < text.length && text[i] !== '"' && text[i] !== '\n') {
          // a name reaches exports (Python comments, Markdown): a carriage return or a line separator
          // in it would start a new line there, so it is refused here, where the user can see it
          if (isControl(text[i])) throw controlError(text[i], line, col, 'symbol name');
          v += text[i];
          advance(1);
        }
        if (text[i] !== '"') throw syntaxError('unterminated symbol name', here(c, sl, sc));
        advance(1);
        push('sym', v, sl, sc);
        continue;
      }
      let v = '';
      while (i < text.length && isIdChar(text[i])) { v += text[i]; advance(1); }
      if (v === '') throw syntaxError(`expected a name after "${c}"`, here(c, sl, sc));
      if (c === '%' && text[i] === '#' && isDigit(text[i + 1] ?? '')) {
        v += '#';
        advance(1);
        while (i < text.length && isDigit(text[i])) { v += text[i]; advance(1); }
      }
      push(c === '%' ? 'ssa' : c === '@' ? 'sym' : c === '#' ? 'hash' : 'block', v, sl, sc);
      continue;
    }
    if (c === '!' && isIdStart(text[i + 1] ?? '')) {
      // a dialect type such as !stablehlo.token or !sdy.foo<...>
      advance(1);
      let v = '!';
      while (i < text.length && isIdChar(text[i])) { v += text[i]; advance(1); }
      if (text[i] === '<') v += balancedAngle();
      push('type', v, sl, sc);
      continue;
    }
    if (isDigit(c) || ((c === '-' || c === '+') && isDigit(text[i + 1] ?? ''))) {
      const m = /^[-+]?(0x[0-9A-Fa-f]+|\d+(\.\d*)?([eE][-+]?\d+)?)/.exec(text.slice(i, i + 64));
      const v = m ? m[0] : c;
      advance(v.length);
      push('num', v, sl, sc);
      continue;
    }
    if (isIdStart(c)) {
      let v = '';
      while (i < text.length && isIdChar(text[i])) { v += text[i]; advance(1); }
      if ((v === 'tensor' || v === 'tuple' || v === 'vector' || v === 'complex' || v === 'memref') && text[i] === '<') {
        v += balancedAngle();
        push('type', v, sl, sc);
        continue;
      }
      push('ident', v, sl, sc);
      continue;
    }
    if (c === '-' && text[i + 1] === '>') {
      advance(2);
      push('punct', '->', sl, sc);
      continue;
    }
    if ('()[]{}<>,:=?*+!|'.includes(c)) {
      // the parsers recurse per bracket level: a bound here keeps any module from overflowing the stack
      if (c === '(' || c === '[' || c === '{' || c === '<') {
        if (++nesting > MAX_MODULE_NESTING) throw syntaxError(`brackets nest deeper than ${MAX_MODULE_NESTING} levels here`, here(c, sl, sc));
      } else if (c === ')' || c === ']' || c === '}' || c === '>') nesting = Math.max(0, nesting - 1);
      advance(1);
      push('punct', c, sl, sc);
      continue;
    }
    throw syntaxError(`unexpected character "${c}"`, here(c, sl, sc));
  }
  out.push({ kind: 'eof', text: '', line, col, endLine: line, endCol: col });
  return out;

  /** Consumes `<...>` with nesting (and `->` inside) and returns it. */
  function balancedAngle(): string {
    const sl = line, sc = col;
    let depth = 0, v = '';
    do {
      if (i >= text.length) throw syntaxError('unterminated "<" in a type', { kind: 'punct', text: '<', line: sl, col: sc, endLine: sl, endCol: sc + 1 });
      const ch = text[i];
      if (ch === '-' && text[i + 1] === '>') { v += '->'; advance(2); continue; }
      if (ch === '<') depth++;
      else if (ch === '>') depth--;
      v += ch;
      advance(1);
    } while (depth > 0);
    return v;
  }
}
