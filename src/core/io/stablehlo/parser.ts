/**
 * MLIR text → ModuleAst. Statements are cut at line ends (JAX prints one op per line, regions
 * excepted), so an op the parser does not know is still kept whole, with its operands and
 * signature, and becomes an opaque op rather than a syntax error.
 */
import type { SourceRange } from '../../errors';
import type { ArgAst, Attr, DenseElems, FuncAst, LocAst, MeshAst, ModuleAst, StmtAst, TypeAst } from './ast';
import { lex, rangeOf, syntaxError, type Token } from './lexer';

const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}', '<': '>' };
const CLOSE = new Set([')', ']', '}', '>']);

const isP = (t: Token, s: string) => t.kind === 'punct' && t.text === s;

export class Cursor {
  i = 0;
  constructor(readonly toks: readonly Token[]) {}
  peek(k = 0): Token {
    return this.toks[Math.min(this.i + k, this.toks.length - 1)];
  }
  next(): Token {
    const t = this.peek();
    if (this.i < this.toks.length) this.i++;
    return t;
  }
  get done(): boolean {
    return this.i >= this.toks.length || this.peek().kind === 'eof';
  }
  is(text: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind !== 'str' && t.kind !== 'eof' && t.text === text;
  }
  eat(text: string): boolean {
    if (this.is(text)) { this.i++; return true; }
    return false;
  }
  expect(text: string, what?: string): Token {
    const t = this.peek();
    if (!this.is(text)) throw syntaxError(`expected "${text}"${what ? ` ${what}` : ''}, found ${describe(t)}`, t);
    return this.next();
  }
  /** The token at the end of the stream, for errors that run off the end. */
  last(): Token {
    return this.toks[this.toks.length - 1];
  }
}

export const describe = (t: Token): string => (t.kind === 'eof' ? 'end of input' : t.kind === 'str' ? `"${t.text}"` : `"${t.text}"`);

/** Consumes one item: a token, or a whole bracketed group. Returns its tokens. */
export function skipItem(c: Cursor): Token[] {
  const first = c.next();
  const out = [first];
  if (first.kind !== 'punct' || !(first.text in OPEN)) return out;
  const stack = [OPEN[first.text]];
  while (stack.length > 0) {
    const t = c.next();
    if (t.kind === 'eof') throw syntaxError(`unclosed "${first.text}"`, first);
    out.push(t);
    if (t.kind !== 'punct') continue;
    if (t.text in OPEN) stack.push(OPEN[t.text]);
    else if (CLOSE.has(t.text)) {
      const want = stack.pop();
      if (t.text !== want) throw syntaxError(`expected "${want}" to close "${first.text}", found "${t.text}"`, t);
    }
  }
  return out;
}

// ---------------------------------------------------------------- types

/** `tensor<8x16xf32>` → shape and element type; anything else is kept as unsupported. */
const typeCache = new Map<string, TypeAst>();

export function parseTypeToken(t: Token): TypeAst {
  if (t.kind !== 'type') throw syntaxError(`expected a type, found ${describe(t)}`, t);
  let ty = typeCache.get(t.text);
  if (ty === undefined) {
    ty = readType(t);
    if (typeCache.size > 10000) typeCache.clear();
    typeCache.set(t.text, ty);
  }
  return ty;
}

function readType(t: Token): TypeAst {
  const m = /^tensor<([^,>]*)(,.*)?>$/.exec(t.text);
  if (!m) return { shape: [], elem: '', unsupported: t.text };
  const parts = m[1].split('x');
  const elem = parts.pop() ?? '';
  if (parts.some((p) => !/^\d+$/.test(p)) || !/^[a-z]+\d*$/.test(elem)) return { shape: [], elem, unsupported: t.text };
  return { shape: parts.map(Number), elem };
}

function parseTypeList(c: Cursor): TypeAst[] {
  const out: TypeAst[] = [];
  c.expect('(');
  if (c.eat(')')) return out;
  do out.push(parseTypeToken(c.next()));
  while (c.eat(','));
  c.expect(')', 'after the type list');
  return out;
}

// ---------------------------------------------------------------- attributes

/** One attribute value. Unknown shapes are kept as `other` (their tokens) rather than rejected. */
export function parseAttr(c: Cursor, inSeq = false): Attr {
  const t = c.peek();
  let a: Attr;
  if (t.kind === 'num') {
    c.next();
    a = /^[-+]?\d+$/.test(t.text) || /^[-+]?0x/i.test(t.text) ? { kind: 'int', value: Number(t.text) } : { kind: 'float', value: Number(t.text) };
    if (/^[-+]?0x/i.test(t.text)) a = { kind: 'int', value: parseInt(t.text.replace(/^[-+]/, ''), 16) };
    skipTypeSuffix(c);
  } else if (t.kind === 'str') {
    c.next();
    a = { kind: 'str', value: t.text };
    skipTypeSuffix(c);
  } else if (t.kind === 'ident') {
    if (t.text === 'true' || t.text === 'false') { c.next(); a = { kind: 'bool', value: t.text === 'true' }; }
    else if (t.text === 'dense' && c.is('<', 1)) a = parseDense(c);
    else if (t.text === 'array' && c.is('<', 1)) a = parseArray(c);
    else if (c.is('<', 1)) { c.next(); a = { kind: 'other', tokens: [t, ...skipItem(c)] }; }
    else { c.next(); a = { kind: 'enum', value: t.text }; }
  } else if (t.kind === 'hash') {
    c.next();
    if (c.is('<')) {
      const inner = skipItem(c);
      a = hashAttr(t, inner);
    } else a = { kind: 'enum', value: t.text };
  } else if (t.kind === 'sym') {
    c.next();
    a = { kind: 'sym', value: t.text };
  } else if (isP(t, '[')) {
    c.next();
    const items: Attr[] = [];
    if (!c.eat(']')) {
      do items.push(parseAttr(c));
      while (c.eat(','));
      c.expect(']', 'to close the list');
    }
    a = { kind: 'list', items };
    // `[0] x [1]` (dot dims) and `[b, 0, f]x[0, i, o]->[b, 0, f]` (conv dims)
    if (!inSeq && (c.is('x') || c.is('->')) && c.is('[', 1)) {
      const seq: Attr[] = [a];
      while ((c.is('x') || c.is('->')) && c.is('[', 1)) {
        c.next();
        seq.push(parseAttr(c, true));
      }
      a = { kind: 'seq', items: seq };
    }
  } else if (isP(t, '{')) {
    a = { kind: 'dict', entries: parseDict(c) };
  } else if (isP(t, '?')) {
    c.next();
    a = { kind: 'enum', value: '?' };
  } else if (t.kind === 'eof') {
    throw syntaxError('expected an attribute value, found end of input', t);
  } else {
    a = { kind: 'other', tokens: skipItem(c) };
  }
  return a;
}

function skipTypeSuffix(c: Cursor): void {
  if (c.is(':') && (c.peek(1).kind === 'ident' || c.peek(1).kind === 'type')) {
    c.next();
    c.next();
  }
}

/** `#stablehlo<comparison_direction GT>` → enum; `#stablehlo.gather<k = v, …>` → struct. */
function hashAttr(hash: Token, inner: Token[]): Attr {
  const body = inner.slice(1, -1);
  if (hash.text === 'stablehlo' || hash.text === 'mhlo' || hash.text === 'chlo') {
    const last = [...body].reverse().find((x) => x.kind === 'ident');
    return { kind: 'enum', value: last?.text ?? '' };
  }
  const fields = new Map<string, Attr>();
  const c = new Cursor([...body, { ...inner[inner.length - 1], kind: 'eof', text: '' }]);
  try {
    while (!c.done) {
      const k = c.peek();
      if (k.kind === 'ident' && c.is('=', 1)) {
        c.next();
        c.next();
        fields.set(k.text, parseAttr(c));
      } else skipItem(c);
      c.eat(',');
    }
  } catch {
    // a struct we cannot read field by field (conv's raw dims, sdy shardings): keep its tokens only
  }
  return { kind: 'struct', name: hash.text, fields, tokens: [hash, ...inner] };
}

export function parseDict(c: Cursor): Map<string, Attr> {
  const entries = new Map<string, Attr>();
  c.expect('{');
  if (c.eat('}')) return entries;
  do {
    const k = c.next();
    if (k.kind !== 'ident' && k.kind !== 'str') throw syntaxError(`expected an attribute name, found ${describe(k)}`, k);
    if (c.eat('=')) entries.set(k.text, parseAttr(c));
    else entries.set(k.text, { kind: 'unit' });
  } while (c.eat(','));
  c.expect('}', 'to close the attribute dictionary');
  return entries;
}

function parseArray(c: Cursor): Attr {
  c.next();
  c.expect('<');
  const items: Attr[] = [];
  c.next(); // element type
  if (c.eat(':')) {
    do items.push(parseAttr(c));
    while (c.eat(','));
  }
  c.expect('>', 'to close array<…>');
  return { kind: 'list', items };
}

function parseDense(c: Cursor): Attr {
  c.next();
  const open = c.expect('<');
  let elems: DenseElems;
  if (c.peek().kind === 'str') {
    const s = c.next();
    if (!/^0x([0-9A-Fa-f]{2})*$/.test(s.text)) throw syntaxError('expected a hex string "0x…" in dense<…>', s);
    elems = { kind: 'hex', hex: s.text.slice(2) };
  } else if (c.is('>')) {
    elems = { kind: 'values', values: [], splat: false };
  } else {
    const splat = !c.is('[');
    const values: Token[] = [];
    let depth = 0;
    do {
      const t = c.next();
      if (t.kind === 'eof') throw syntaxError('unclosed dense<…>', open);
      if (isP(t, '[')) depth++;
      else if (isP(t, ']')) depth--;
      else if (isP(t, '(')) throw syntaxError('complex constants are not supported', t);
      else if (t.kind === 'num' || (t.kind === 'ident' && (t.text === 'true' || t.text === 'false'))) values.push(t);
      else if (!isP(t, ',')) throw syntaxError(`unexpected ${describe(t)} in dense<…>`, t);
    } while (depth > 0);
    elems = { kind: 'values', values, splat };
  }
  c.expect('>', 'to close dense<…>');
  let type: TypeAst | undefined;
  if (c.is(':') && c.peek(1).kind === 'type') {
    c.next();
    type = parseTypeToken(c.next());
  }
  return { kind: 'dense', elems, type };
}

// ---------------------------------------------------------------- locations

/** After `loc`: `(…)`. Keeps the outermost name; file locations and `unknown` carry none. */
function parseLoc(c: Cursor): LocAst {
  c.expect('loc');
  c.expect('(');
  const l = parseLocInner(c);
  c.expect(')', 'to close loc(…)');
  return l;
}

function parseLocInner(c: Cursor): LocAst {
  const t = c.peek();
  if (t.kind === 'hash') { c.next(); return { kind: 'ref', ref: t.text }; }
  if (t.kind === 'str') {
    c.next();
    if (c.is(':')) {
      // "file.py":12:3 (and `to` ranges): no name
      while (c.eat(':')) c.next();
      if (c.eat('to')) while (c.eat(':')) c.next();
      return { kind: 'none' };
    }
    if (c.eat('(')) {
      parseLocInner(c);
      c.expect(')', 'to close the name location');
    }
    return { kind: 'name', name: t.text };
  }
  if (t.kind === 'ident' && t.text === 'callsite') {
    c.next();
    c.expect('(');
    const callee = parseLocInner(c);
    c.expect('at');
    parseLocInner(c);
    c.expect(')');
    return callee;
  }
  if (t.kind === 'ident' && t.text === 'fused') {
    c.next();
    if (c.is('<')) skipItem(c);
    c.expect('[');
    let found: LocAst = { kind: 'none' };
    if (!c.is(']')) {
      do {
        const l = parseLocInner(c);
        if (found.kind === 'none') found = l;
      } while (c.eat(','));
    }
    c.expect(']');
    return found;
  }
  if (t.kind === 'ident' && t.text === 'unknown') { c.next(); return { kind: 'none' }; }
  throw syntaxError(`unexpected ${describe(t)} in loc(…)`, t);
}

function maybeLoc(c: Cursor): LocAst {
  return c.is('loc') && c.is('(', 1) ? parseLoc(c) : { kind: 'none' };
}

// ---------------------------------------------------------------- module and functions

/**
 * Attribute aliases (`#mesh = #sdy.mesh<["a"=2]>`, `#sharding = #sdy.sharding<…>`, as mlir-opt prints
 * repeated attributes) substituted where they are used; `#locN` aliases stay (locations are resolved
 * by name). An alias is replaced by its tokens, so a nested alias resolves too (to a fixed depth).
 */
function expandAliases(toks: readonly Token[]): Token[] {
  const defs = new Map<string, Token[]>();
  const kept: Token[] = [];
  let depth = 0;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.kind === 'punct' && (t.text === '{' || t.text === '(' || t.text === '[')) depth++;
    else if (t.kind === 'punct' && (t.text === '}' || t.text === ')' || t.text === ']')) depth--;
    const n1 = toks[i + 1], n2 = toks[i + 2];
    if (depth === 0 && t.kind === 'hash' && n1 && isP(n1, '=') && n2 && !(n2.kind === 'ident' && n2.text === 'loc')) {
      const c = new Cursor(toks);
      c.i = i + 2;
      const value = [c.next()];
      if (c.is('<')) value.push(...skipItem(c));
      defs.set(t.text, value);
      i = c.i - 1;
      continue;
    }
    kept.push(t);
  }
  if (defs.size === 0) return kept;
  const subst = (list: readonly Token[], level: number): Token[] =>
    list.flatMap((t) => {
      const d = t.kind === 'hash' ? defs.get(t.text) : undefined;
      if (d === undefined) return [t];
      if (level > 8) throw syntaxError(`attribute alias #${t.text} refers to itself`, t);
      return subst(d, level + 1).map((x) => ({ ...x, line: t.line, col: t.col, endLine: t.endLine, endCol: t.endCol }));
    });
  return subst(kept, 0);
}

export function parseModule(text: string): ModuleAst {
  const c = new Cursor(expandAliases(lex(text)));
  const locs = new Map<string, LocAst>();
  const funcs: FuncAst[] = [];
  const meshes: MeshAst[] = [];
  let name = 'module';
  let attrs = new Map<string, Attr>();
  let sawModule = false;
  while (!c.done) {
    const t = c.peek();
    if (t.kind === 'hash' && c.is('=', 1)) {
      c.next();
      c.next();
      if (c.is('loc')) locs.set(t.text, parseLoc(c));
      else skipToLineEnd(c, t);
    } else if (t.kind === 'ident' && t.text === 'module') {
      if (sawModule) throw syntaxError('a second module', t);
      sawModule = true;
      c.next();
      if (c.peek().kind === 'sym') name = c.next().text;
      if (c.eat('attributes')) attrs = parseDict(c);
      c.expect('{', 'to open the module body');
      while (!c.is('}')) {
        if (c.done) throw syntaxError('the module body is not closed by "}"', c.peek());
        parseTopItem(c, funcs, meshes);
      }
      c.expect('}');
      maybeLoc(c);
    } else {
      parseTopItem(c, funcs, meshes);
    }
  }
  return { name, attrs, funcs, meshes, locs };
}

function skipToLineEnd(c: Cursor, start: Token): void {
  while (!c.done && c.peek().line === start.line) skipItem(c);
}

function parseTopItem(c: Cursor, funcs: FuncAst[], meshes: MeshAst[]): void {
  const t = c.peek();
  if (t.kind === 'ident' && (t.text === 'func.func' || t.text === 'func')) {
    funcs.push(parseFunc(c));
  } else if (t.kind === 'ident' && t.text === 'sdy.mesh') {
    meshes.push(parseMesh(c));
  } else if (t.kind === 'ident' || t.kind === 'str') {
    // another top-level op (e.g. a global): skip the line with its regions
    c.next();
    skipToLineEnd(c, t);
  } else {
    throw syntaxError(`expected a function, found ${describe(t)}`, t);
  }
}

/**
 * The body of a mesh, `<["x"=2, "y"=4]>` or `<[], device_ids=[0]>`: the one reader of mesh axes, for
 * `sdy.mesh` ops, inline meshes in shardings and meshes in frontend attributes. Device ids are read
 * and ignored (devices are iota). `fail` makes the caller's kind of error from a message and the token.
 */
export function meshAxes(c: Cursor, fail: (message: string, near: Token) => Error = syntaxError): { name: string; size: number }[] {
  c.expect('<');
  c.expect('[');
  const axes: { name: string; size: number }[] = [];
  if (!c.is(']')) {
    do {
      const a = c.next();
      if (a.kind !== 'str') throw fail(`expected a quoted axis name, found ${describe(a)}`, a);
      c.expect('=');
      const n = c.next();
      if (n.kind !== 'num' || !/^\d+$/.test(n.text) || Number(n.text) < 1) throw fail(`expected a positive axis size, found ${describe(n)}`, n);
      axes.push({ name: a.text, size: Number(n.text) });
    } while (c.eat(','));
  }
  c.expect(']');
  while (c.eat(',')) {
    skipItem(c);
    c.expect('=');
    skipItem(c);
  }
  c.expect('>', 'to close the mesh');
  return axes;
}

/** `sdy.mesh @mesh = <["x"=2, "y"=4]>`. */
function parseMesh(c: Cursor): MeshAst {
  c.next();
  const nameTok = c.next();
  if (nameTok.kind !== 'sym') throw syntaxError(`expected the mesh name "@…", found ${describe(nameTok)}`, nameTok);
  c.expect('=');
  if (c.peek().kind === 'hash' && c.peek().text === 'sdy.mesh') c.next(); // an expanded `#mesh` alias
  const axes = meshAxes(c);
  maybeLoc(c);
  return { name: nameTok.text, axes };
}

function parseFunc(c: Cursor): FuncAst {
  const start = c.next();
  let visibility = 'public';
  if (c.peek().kind === 'ident' && ['public', 'private', 'nested'].includes(c.peek().text)) visibility = c.next().text;
  const nameTok = c.next();
  if (nameTok.kind !== 'sym') throw syntaxError(`expected a function name "@…", found ${describe(nameTok)}`, nameTok);
  c.expect('(', 'to open the argument list');
  const args: ArgAst[] = [];
  if (!c.is(')')) {
    do {
      const a = c.next();
      if (a.kind !== 'ssa') throw syntaxError(`expected an argument "%name", found ${describe(a)}`, a);
      c.expect(':');
      const type = parseTypeToken(c.next());
      const attrs = c.is('{') ? parseDict(c) : new Map<string, Attr>();
      const loc = maybeLoc(c);
      args.push({ name: a.text, type, attrs, loc, range: rangeOf(a) });
    } while (c.eat(','));
  }
  c.expect(')', 'to close the argument list');
  const results: { type: TypeAst; attrs: Map<string, Attr> }[] = [];
  if (c.eat('->')) {
    if (c.eat('(')) {
      if (!c.is(')')) {
        do {
          const type = parseTypeToken(c.next());
          const attrs = c.is('{') ? parseDict(c) : new Map<string, Attr>();
          maybeLoc(c);
          results.push({ type, attrs });
        } while (c.eat(','));
      }
      c.expect(')', 'to close the result list');
    } else {
      const type = parseTypeToken(c.next());
      // `-> tensor<f32> {` opens the body unless the braces read as an attribute dictionary
      const attrs = c.is('{') && looksLikeDict(c) ? parseDict(c) : new Map<string, Attr>();
      results.push({ type, attrs });
    }
  }
  if (c.eat('attributes')) parseDict(c);
  const body: StmtAst[] = [];
  if (c.is('{')) {
    const open = c.next();
    while (!c.is('}')) {
      if (c.done) throw syntaxError(`the body of @${nameTok.text} is not closed by "}"`, open);
      body.push(parseStmt(c));
    }
    c.next();
  }
  maybeLoc(c);
  return { name: nameTok.text, visibility, args, results, body, range: rangeOf(start, nameTok) };
}

function looksLikeDict(c: Cursor): boolean {
  const n1 = c.peek(1), n2 = c.peek(2);
  return isP(n1, '}') || ((n1.kind === 'ident' || n1.kind === 'str') && n1.line === c.peek().line && (isP(n2, '=') || isP(n2, ',') || isP(n2, '}')));
}

/** Words that continue a statement on the next line (pretty-printed regions). */
const CONTINUATIONS = new Set(['reducer', 'cond', 'do', 'body', 'else']);

/**
 * Whether the token at `c`, first on a new line, continues the statement collected so far in `toks`.
 * A statement starts with a result name, an op name or a generic `"op"` (not followed by `=`), so a
 * line opening with anything else (`: (…) -> …`, `{attrs}`, `<{props}>`, `(%arg: …) {`, a type, a
 * `key = value` attribute), or following a trailing `,` `:` `->` `=`, is the op's continuation
 * (JAX and mlir-opt wrap long signatures and attribute dictionaries this way).
 */
function continues(c: Cursor, toks: readonly Token[]): boolean {
  const t = c.peek();
  if (t.kind === 'ident' && CONTINUATIONS.has(t.text)) return true;
  const prev = toks[toks.length - 1];
  if (prev && prev.kind === 'punct' && [',', ':', '->', '='].includes(prev.text)) return true;
  if (t.kind === 'ssa' || t.kind === 'str' || t.kind === 'block') return false;
  if (t.kind === 'ident') return c.is('=', 1);
  return true;
}

function parseStmt(c: Cursor): StmtAst {
  const first = c.peek();
  const results: { name: string; count: number }[] = [];
  if (first.kind === 'ssa') {
    do {
      const r = c.next();
      if (r.kind !== 'ssa') throw syntaxError(`expected a result name "%…", found ${describe(r)}`, r);
      let count = 1;
      if (c.eat(':')) {
        const n = c.next();
        if (n.kind !== 'num' || !/^\d+$/.test(n.text)) throw syntaxError(`expected a result count, found ${describe(n)}`, n);
        count = Number(n.text);
      }
      results.push({ name: r.text, count });
    } while (c.eat(','));
    c.expect('=', 'after the result names');
  }
  const opTok = c.next();
  if (opTok.kind !== 'ident' && opTok.kind !== 'str') throw syntaxError(`expected an operation name, found ${describe(opTok)}`, opTok);
  const generic = opTok.kind === 'str';
  // collect the statement: to the end of the line, across brackets and region continuations
  const toks: Token[] = [];
  let lastLine = opTok.endLine;
  let loc: LocAst = { kind: 'none' };
  for (;;) {
    const t = c.peek();
    if (t.kind === 'eof') break;
    if (t.kind === 'ident' && t.text === 'loc' && c.is('(', 1)) { loc = parseLoc(c); break; }
    if (isP(t, '}')) break;
    if (t.line > lastLine && !continues(c, toks)) break;
    const item = skipItem(c);
    // one by one: an item can be a huge group (a 120k-element dense<…>), too many arguments for push(...)
    for (const x of item) toks.push(x);
    lastLine = item[item.length - 1].endLine;
  }
  const end = toks.length > 0 ? toks[toks.length - 1] : opTok;
  const range: SourceRange = rangeOf(first, end);
  // the signature follows the last colon outside brackets
  let colon = -1, depth = 0;
  toks.forEach((t, k) => {
    if (t.kind !== 'punct') return;
    if (t.text in OPEN) depth++;
    else if (CLOSE.has(t.text)) depth--;
    else if (t.text === ':' && depth === 0) colon = k;
  });
  let ins: TypeAst[] = [], outs: TypeAst[] = [];
  let plainTypes: TypeAst[] | undefined;
  let body = toks;
  if (colon >= 0 && colon + 1 < toks.length && (toks[colon + 1].kind === 'type' || isP(toks[colon + 1], '('))) {
    const sc = new Cursor([...toks.slice(colon + 1), { ...end, kind: 'eof', text: '' }]);
    if (sc.is('(')) {
      ins = parseTypeList(sc);
      sc.expect('->', 'in the op signature');
      outs = sc.is('(') ? parseTypeList(sc) : [parseTypeToken(sc.next())];
    } else {
      plainTypes = [];
      do plainTypes.push(parseTypeToken(sc.next()));
      while (sc.eat(','));
    }
    body = [...toks.slice(0, colon), ...toks.slice(colon + 1 + sc.i)];
  }
  return { results, op: opTok.text, generic, body, ins, outs, plainTypes, loc, range };
}
