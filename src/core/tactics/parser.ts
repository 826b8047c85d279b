import type { Diagnostic, SourceRange } from '../errors';
import { MAX_NESTING, MAX_TACTIC_CHARS, MAX_TACTIC_STATEMENTS } from '../limits';
import { lex, SYNTAX, type Token, type TokenKind } from './lexer';
import {
  formatPos, span, type AssignStatement, type CallArg, type CallExpr, type DictEntry, type Expr,
  type TacticProgramAst,
} from './syntax';

/** Unwinds a statement that cannot be parsed; caught per statement so later errors are reported too. */
class ParseError {
  constructor(readonly message: string, readonly range: SourceRange) {}
}

/**
 * Parses a tactic program. Never throws: syntax errors become diagnostics with a line and column,
 * and parsing resumes at the next statement.
 */
export function parseTactics(text: string): { program: TacticProgramAst; diagnostics: Diagnostic[] } {
  if (text.length > MAX_TACTIC_CHARS) {
    const message = `the tactic text is ${text.length.toLocaleString('en-US')} characters long; at most ${MAX_TACTIC_CHARS.toLocaleString('en-US')} are allowed`;
    return { program: { statements: [] }, diagnostics: [{ code: SYNTAX, severity: 'error', message, range: { line: 1, column: 1, endLine: 1, endColumn: 2 } }] };
  }
  const { tokens, diagnostics } = lex(text);
  const p = new Parser(tokens);
  const statements = p.parseProgram();
  for (const e of p.errors) diagnostics.push({ code: SYNTAX, severity: 'error', message: e.message, range: e.range });
  diagnostics.sort((a, b) => (a.range?.line ?? 0) - (b.range?.line ?? 0) || (a.range?.column ?? 0) - (b.range?.column ?? 0));
  return { program: { statements }, diagnostics };
}

const CLOSER: Record<string, TokenKind> = { '(': ')', '[': ']', '{': '}' };

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof': return 'the end of the text';
    case 'newline': return 'the end of the line';
    case 'string': return `the string "${t.text}"`;
    case 'number': return `the number ${t.text}`;
    case 'name': return `'${t.text}'`;
    default: return `'${t.kind}'`;
  }
}

class Parser {
  private pos = 0;
  /** Brackets open at the current position, for recovery. */
  private depth = 0;
  /** Values being parsed inside one another (the recursion depth of parseExpr). */
  private nesting = 0;
  readonly errors: ParseError[] = [];

  constructor(private readonly tokens: readonly Token[]) {}

  private get tok(): Token {
    return this.tokens[this.pos];
  }
  private peek(k = 1): Token {
    return this.tokens[Math.min(this.pos + k, this.tokens.length - 1)];
  }
  private next(): Token {
    const t = this.tokens[this.pos];
    if (t.kind !== 'eof') this.pos++;
    if (t.kind === '(' || t.kind === '[' || t.kind === '{') this.depth++;
    else if (t.kind === ')' || t.kind === ']' || t.kind === '}') this.depth--;
    return t;
  }
  private skipNewlines(): void {
    while (this.tok.kind === 'newline') this.next();
  }
  private fail(message: string, at: Token = this.tok): never {
    throw new ParseError(message, at.range);
  }

  /**
   * A missing closer is reported where it should be typed: right after the last token when the
   * offending one sits on a later line (usually the next statement), else at the offending token.
   */
  private failMissing(message: string): never {
    let k = this.pos - 1;
    while (k >= 0 && this.tokens[k].kind === 'newline') k--;
    const prev = this.tokens[k];
    if (prev && this.tok.range.line > prev.range.endLine) {
      const { endLine, endColumn } = prev.range;
      throw new ParseError(message, { line: endLine, column: endColumn, endLine, endColumn: endColumn + 1 });
    }
    return this.fail(message);
  }

  parseProgram(): AssignStatement[] {
    const out: AssignStatement[] = [];
    for (;;) {
      this.skipNewlines();
      if (this.tok.kind === 'eof') return out;
      if (out.length >= MAX_TACTIC_STATEMENTS) {
        this.errors.push(new ParseError(`more than ${MAX_TACTIC_STATEMENTS.toLocaleString('en-US')} statements; the rest of the text is not read`, this.tok.range));
        return out;
      }
      const start = this.pos;
      const target = this.tok.kind === 'name' && this.peek().kind === '=' ? this.tok : undefined;
      this.depth = 0;
      try {
        out.push(this.parseStatement());
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        this.errors.push(e);
        // Keep the name defined, so that `schedule` does not also report it as undefined.
        if (target) out.push({ kind: 'assign', target: target.text, targetRange: target.range, range: target.range });
        this.recover(start);
      }
    }
  }

  /**
   * Skips to the next statement: a line that starts at column 1 with a name, or any line once the
   * brackets opened by the broken statement are closed.
   */
  private recover(start: number): void {
    if (this.pos === start) this.next();
    for (;;) {
      const t = this.tok;
      if (t.kind === 'eof') return;
      const prev = this.tokens[this.pos - 1];
      const firstOnLine = this.pos > start && prev !== undefined && prev.kind === 'newline';
      if (firstOnLine && (this.depth <= 0 || (t.kind === 'name' && t.range.column === 1))) return;
      this.next();
    }
  }

  private parseStatement(): AssignStatement {
    const nameTok = this.tok;
    if (nameTok.kind !== 'name') {
      this.fail(`expected a statement 'NAME = Tactic(...)' or 'schedule = [...]', found ${describe(nameTok)}`);
    }
    this.next();
    if (this.tok.kind !== '=') {
      this.fail(`expected '=' after '${nameTok.text}' (a statement is 'NAME = Tactic(...)'), found ${describe(this.tok)}`);
    }
    this.next();
    const value = this.parseExpr();
    const after: Token = this.tok;
    if (after.kind !== 'newline' && after.kind !== 'eof') {
      this.fail(`unexpected ${describe(after)} after the end of the statement: put each statement on its own line`);
    }
    return { kind: 'assign', target: nameTok.text, targetRange: nameTok.range, value, range: span(nameTok.range, value.range) };
  }

  private parseExpr(): Expr {
    if (this.nesting >= MAX_NESTING) this.fail(`brackets nest deeper than ${MAX_NESTING} levels here; a tactic needs a few`);
    this.nesting++;
    try {
      return this.parseValue();
    } finally {
      this.nesting--;
    }
  }

  private parseValue(): Expr {
    const t = this.tok;
    switch (t.kind) {
      case 'string':
        this.next();
        return { kind: 'string', value: t.text, range: t.range, terminated: t.terminated !== false };
      case 'number':
        this.next();
        return { kind: 'number', value: Number(t.text), text: t.text, range: t.range };
      case '-': {
        this.next();
        const n = this.tok;
        if (n.kind !== 'number') this.fail(`expected a number after '-', found ${describe(n)}`);
        this.next();
        return { kind: 'number', value: -Number(n.text), text: `-${n.text}`, range: span(t.range, n.range) };
      }
      case 'name':
        this.next();
        if (this.tok.kind === '(') return this.parseCall(t);
        return { kind: 'name', name: t.text, range: t.range };
      case '[':
        return this.parseList();
      case '{':
        return this.parseDict();
      default:
        return this.fail(`expected a value (a string, a number, a name, a list, a dict or a tactic call), found ${describe(t)}`);
    }
  }

  /** After an element of a bracketed form: ',' continues, the closer ends, anything else is an error. */
  private expectSeparator(open: Token, what: 'call' | 'list' | 'dict'): boolean {
    this.skipNewlines();
    const closer = CLOSER[open.kind];
    if (this.tok.kind === ',') {
      this.next();
      return true;
    }
    if (this.tok.kind === closer) return false;
    return this.failMissing(`expected '${closer}' to close the ${what} opened at ${formatPos(open.range)} (or ',' before the next ${what === 'call' ? 'argument' : what === 'list' ? 'item' : 'entry'}), found ${describe(this.tok)}`);
  }

  private close(open: Token, what: string): Token {
    this.skipNewlines();
    const closer = CLOSER[open.kind];
    if (this.tok.kind !== closer) {
      this.failMissing(`expected '${closer}' to close the ${what} opened at ${formatPos(open.range)}, found ${describe(this.tok)}`);
    }
    return this.next();
  }

  private parseCall(callee: Token): CallExpr {
    const open = this.next();
    const args: CallArg[] = [];
    for (;;) {
      this.skipNewlines();
      if (this.tok.kind === ')' || this.tok.kind === 'eof') break;
      const t = this.tok;
      if (t.kind === 'name' && this.peek().kind === '=') {
        this.next();
        this.next();
        this.skipNewlines();
        const value = this.parseExpr();
        args.push({ name: t.text, nameRange: t.range, value, range: span(t.range, value.range) });
      } else {
        const value = this.parseExpr();
        args.push({ value, range: value.range });
      }
      if (!this.expectSeparator(open, 'call')) break;
    }
    const end = this.close(open, 'call');
    return { kind: 'call', callee: callee.text, calleeRange: callee.range, args, range: span(callee.range, end.range) };
  }

  private parseList(): Expr {
    const open = this.next();
    const items: Expr[] = [];
    for (;;) {
      this.skipNewlines();
      if (this.tok.kind === ']' || this.tok.kind === 'eof') break;
      items.push(this.parseExpr());
      if (!this.expectSeparator(open, 'list')) break;
    }
    const end = this.close(open, 'list');
    return { kind: 'list', items, range: span(open.range, end.range) };
  }

  private parseDict(): Expr {
    const open = this.next();
    const entries: DictEntry[] = [];
    for (;;) {
      this.skipNewlines();
      if (this.tok.kind === '}' || this.tok.kind === 'eof') break;
      const key = this.parseExpr();
      this.skipNewlines();
      if (this.tok.kind !== ':') {
        this.fail(`expected ':' after the dict key (write {"glob": dim}), found ${describe(this.tok)}`);
      }
      this.next();
      this.skipNewlines();
      const value = this.parseExpr();
      entries.push({ key, value, range: span(key.range, value.range) });
      if (!this.expectSeparator(open, 'dict')) break;
    }
    const end = this.close(open, 'dict');
    return { kind: 'dict', entries, range: span(open.range, end.range) };
  }
}
