import { TacticCode } from './codes';
import type { Diagnostic, SourceRange } from '../errors';

/**
 * Tokens of the tactic language. Newlines are tokens (they end statements); the parser skips
 * them inside brackets, as Python joins lines implicitly there.
 */
export type TokenKind =
  | 'name' | 'string' | 'number' | 'newline' | 'eof'
  | '(' | ')' | '[' | ']' | '{' | '}' | ',' | '=' | ':' | '-';

export interface Token {
  readonly kind: TokenKind;
  /** Source text of the token (for a string: its decoded contents, without quotes). */
  readonly text: string;
  readonly range: SourceRange;
  /** Offsets into the source (end exclusive), for slicing and cursor lookups. */
  readonly start: number;
  readonly end: number;
  /** For a string: false when the line ended before the closing quote. */
  readonly terminated?: boolean;
}

const PUNCT = new Set(['(', ')', '[', ']', '{', '}', ',', '=', ':', '-']);

export const SYNTAX = TacticCode.syntax;

/** Tokenizes `text`; never throws. Bad characters and unterminated strings become diagnostics. */
export function lex(text: string): { tokens: Token[]; diagnostics: Diagnostic[] } {
  const tokens: Token[] = [];
  const diagnostics: Diagnostic[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const col = (off: number) => off - lineStart + 1;
  const push = (kind: TokenKind, textOf: string, start: number, end: number, terminated?: boolean) => {
    tokens.push({
      kind, text: textOf, start, end, terminated,
      range: { line, column: col(start), endLine: line, endColumn: col(end) },
    });
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      push('newline', '\n', i, i + 1);
      i++;
      line++;
      lineStart = i;
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\f') {
      i++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '\\' && text[i + 1] === '\n') {
      // Explicit line joining, as in Python.
      i += 2;
      line++;
      lineStart = i;
    } else if (c === '"' || c === "'") {
      const start = i;
      let value = '';
      i++;
      let closed = false;
      while (i < text.length && text[i] !== '\n') {
        const d = text[i];
        if (d === c) { closed = true; i++; break; }
        if (d === '\\' && i + 1 < text.length && text[i + 1] !== '\n') {
          const e = text[i + 1];
          value += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          i += 2;
          continue;
        }
        value += d;
        i++;
      }
      push('string', value, start, i, closed);
      if (!closed) {
        diagnostics.push({
          code: SYNTAX, severity: 'error',
          message: `unterminated string: add the closing ${c} before the end of the line`,
          range: tokens[tokens.length - 1].range,
        });
      }
    } else if (isDigit(c)) {
      const start = i;
      while (i < text.length && (isDigit(text[i]) || text[i] === '_')) i++;
      if (text[i] === '.' && isDigit(text[i + 1] ?? '')) {
        i++;
        while (i < text.length && isDigit(text[i])) i++;
      }
      if ((text[i] === 'e' || text[i] === 'E') && (isDigit(text[i + 1] ?? '') || ((text[i + 1] === '-' || text[i + 1] === '+') && isDigit(text[i + 2] ?? '')))) {
        i += 2;
        while (i < text.length && isDigit(text[i])) i++;
      }
      push('number', text.slice(start, i).replace(/_/g, ''), start, i);
    } else if (isNameStart(c)) {
      const start = i;
      while (i < text.length && isNamePart(text[i])) i++;
      push('name', text.slice(start, i), start, i);
    } else if (PUNCT.has(c)) {
      push(c as TokenKind, c, i, i + 1);
      i++;
    } else {
      const cp = text.codePointAt(i) ?? 0;
      const width = cp > 0xffff ? 2 : 1;
      diagnostics.push({
        code: SYNTAX, severity: 'error',
        message: `unexpected character '${String.fromCodePoint(cp)}'`,
        range: { line, column: col(i), endLine: line, endColumn: col(i + width) },
      });
      i += width;
    }
  }
  push('eof', '', i, i);
  return { tokens, diagnostics };
}

const isDigit = (c: string) => c >= '0' && c <= '9';
const isNameStart = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isNamePart = (c: string) => isNameStart(c) || isDigit(c);
