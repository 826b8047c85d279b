/** The parsed module before it becomes a Program: functions of statements, attributes as a small tree. */
import type { SourceRange } from '../../errors';
import type { Token } from './lexer';

/** A tensor type as written; `dtype` is the MLIR element type (`f32`, `i64`, `i1`, …). */
export interface TypeAst {
  readonly shape: readonly number[];
  readonly elem: string;
  /** Set for types the IR cannot hold (dynamic dims, tokens, tuples): the text as written. */
  readonly unsupported?: string;
}

/** A location: the name JAX gave (`jit(f)/jit(main)/dot_general`, `params['w']`) or a `#loc` alias to resolve. */
export type LocAst = { kind: 'name'; name: string } | { kind: 'ref'; ref: string } | { kind: 'none' };

export type Attr =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'str'; value: string }
  | { kind: 'list'; items: Attr[] }
  /** `[a] x [b]` (dot dims) and `[b, 0, f]x[0, i, o]->[b, 0, f]` (conv dims): the lists in order. */
  | { kind: 'seq'; items: Attr[] }
  | { kind: 'dense'; elems: DenseElems; type?: TypeAst }
  | { kind: 'dict'; entries: Map<string, Attr> }
  /** A bare keyword (`DEFAULT`, `GT`, `b`) or `#dialect<kind VALUE>` enum. */
  | { kind: 'enum'; value: string }
  /** `#stablehlo.gather<k = v, …>` and similar: the fields that parsed as key = value. */
  | { kind: 'struct'; name: string; fields: Map<string, Attr>; tokens: readonly Token[] }
  | { kind: 'sym'; value: string }
  | { kind: 'unit' }
  /** Anything else, kept as its tokens (sdy shardings are re-parsed from these). */
  | { kind: 'other'; tokens: readonly Token[] };

/** The payload of `dense<…>`: nested lists of literal tokens, or a hex string of raw bytes. */
export type DenseElems = { kind: 'values'; values: Token[]; splat: boolean } | { kind: 'hex'; hex: string };

/** One statement: `%r, %s:2 = op … : signature loc(…)`. */
export interface StmtAst {
  /** Result groups: `%5:2` is one group of 2. */
  readonly results: readonly { name: string; count: number }[];
  readonly op: string;
  readonly generic: boolean;
  /** Tokens between the op name and the signature colon (operands, attributes, regions). */
  readonly body: readonly Token[];
  readonly ins: readonly TypeAst[];
  readonly outs: readonly TypeAst[];
  /** The signature as written was a single type (`: tensor<4xf32>`) or a list (`: tensor<i1>, tensor<4xf32>`). */
  readonly plainTypes?: readonly TypeAst[];
  readonly loc: LocAst;
  readonly range: SourceRange;
}

export interface ArgAst {
  readonly name: string;
  readonly type: TypeAst;
  readonly attrs: Map<string, Attr>;
  readonly loc: LocAst;
  readonly range: SourceRange;
}

export interface FuncAst {
  readonly name: string;
  readonly visibility: string;
  readonly args: readonly ArgAst[];
  readonly results: readonly { type: TypeAst; attrs: Map<string, Attr> }[];
  readonly body: readonly StmtAst[];
  readonly range: SourceRange;
}

export interface MeshAst {
  readonly name: string;
  readonly axes: readonly { name: string; size: number }[];
}

export interface ModuleAst {
  readonly name: string;
  readonly attrs: Map<string, Attr>;
  readonly funcs: readonly FuncAst[];
  readonly meshes: readonly MeshAst[];
  /** `#loc12 = loc(...)` definitions, resolved to names where they carry one. */
  readonly locs: Map<string, LocAst>;
}
