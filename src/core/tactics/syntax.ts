import type { SourceRange } from '../errors';

/**
 * The syntax tree of a tactic program, before any checking: what was written, with ranges.
 * `resolve.ts` turns it into TacticAst / ResolvedTactic. It is data only: nothing here is evaluated.
 */

export interface StringExpr {
  readonly kind: 'string';
  readonly value: string;
  readonly range: SourceRange;
  readonly terminated: boolean;
}

export interface NumberExpr {
  readonly kind: 'number';
  readonly value: number;
  /** As written (minus sign included), so the checker can tell `2` from `2.0`. */
  readonly text: string;
  readonly range: SourceRange;
}

/** A bare identifier: a tactic name, `LARGEST`, `REPLICATED`, `True`, `False`. */
export interface NameExpr {
  readonly kind: 'name';
  readonly name: string;
  readonly range: SourceRange;
}

export interface ListExpr {
  readonly kind: 'list';
  readonly items: readonly Expr[];
  readonly range: SourceRange;
}

export interface DictEntry {
  readonly key: Expr;
  readonly value: Expr;
  readonly range: SourceRange;
}

export interface DictExpr {
  readonly kind: 'dict';
  readonly entries: readonly DictEntry[];
  readonly range: SourceRange;
}

/** One argument of a call: `name=value`, or a positional value (which the checker refuses). */
export interface CallArg {
  readonly name?: string;
  readonly nameRange?: SourceRange;
  readonly value: Expr;
  readonly range: SourceRange;
}

export interface CallExpr {
  readonly kind: 'call';
  readonly callee: string;
  readonly calleeRange: SourceRange;
  readonly args: readonly CallArg[];
  readonly range: SourceRange;
}

export type Expr = StringExpr | NumberExpr | NameExpr | ListExpr | DictExpr | CallExpr;

/** `target = value`. `value` is absent when the right-hand side had a syntax error. */
export interface AssignStatement {
  readonly kind: 'assign';
  readonly target: string;
  readonly targetRange: SourceRange;
  readonly value?: Expr;
  readonly range: SourceRange;
}

export interface TacticProgramAst {
  readonly statements: readonly AssignStatement[];
}

/** The range from the start of `a` to the end of `b`. */
export function span(a: SourceRange, b: SourceRange): SourceRange {
  return { line: a.line, column: a.column, endLine: b.endLine, endColumn: b.endColumn };
}

export const formatPos = (r: SourceRange): string => `${r.line}:${r.column}`;
