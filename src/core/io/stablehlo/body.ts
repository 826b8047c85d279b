/**
 * The operands and attributes of one statement, read from its body tokens in the same way for the
 * pretty forms (`%a, %b, dims = [0]`, `GT, %a, %b`, `(%x init: %c) applies stablehlo.add …`) and
 * the generic form (`(%a, %b) <{props}> ({regions}) {attrs}`).
 */
import type { Attr } from './ast';
import type { Token } from './lexer';
import { Cursor, parseAttr, parseDict, skipItem } from './parser';

export interface BodyParts {
  /** SSA operands in order (`%5#1` kept with its result index). */
  readonly operands: string[];
  readonly kv: Map<string, Attr>;
  /** Bare words outside brackets: `GT`, `FLOAT`, `applies`, `stablehlo.add`, `across`. */
  readonly bare: string[];
  readonly syms: string[];
  /** `[0:4, 2:8:2]` of the pretty slice. */
  slices?: { start: number; limit: number; stride: number }[];
  /** Region bodies (their tokens): the reducer of reduce/scatter. */
  readonly regions: Token[][];
  /** Other attribute values, in order (the `dense<…>` of a pretty constant). */
  readonly misc: Attr[];
}

const isP = (t: Token, s: string) => t.kind === 'punct' && t.text === s;

export function readBody(tokens: readonly Token[]): BodyParts {
  const parts: BodyParts = { operands: [], kv: new Map(), bare: [], syms: [], regions: [], misc: [] };
  readInto(tokens, parts);
  return parts;
}

function readInto(tokens: readonly Token[], parts: BodyParts): void {
  if (tokens.length === 0) return;
  const end = tokens[tokens.length - 1];
  const c = new Cursor([...tokens, { ...end, kind: 'eof', text: '' }]);
  while (!c.done) {
    const t = c.peek();
    if (t.kind === 'ssa') {
      c.next();
      if (c.is(':')) {
        // a block argument with its type (a region header): not an operand
        c.next();
        if (!c.done) c.next();
      } else if (c.is('=')) {
        c.next(); // `%iterArg = %0`: the operand follows
      } else parts.operands.push(t.text);
    } else if (isP(t, ',')) {
      c.next();
    } else if (t.kind === 'ident' && c.is('=', 1) && !(t.text === 'dense' || t.text === 'array')) {
      c.next();
      c.next();
      parts.kv.set(t.text, parseAttr(c));
    } else if (t.kind === 'ident' && t.text === 'init' && c.is(':', 1)) {
      c.next();
      c.next();
    } else if (t.kind === 'ident' && t.text === 'reducer') {
      c.next();
      if (c.is('(')) skipItem(c);
      while (c.is('(')) skipItem(c);
      if (c.is('{')) parts.regions.push(skipItem(c));
      parts.bare.push('reducer');
    } else if (t.kind === 'ident' && !c.is('<', 1)) {
      c.next();
      parts.bare.push(t.text);
    } else if (t.kind === 'sym') {
      c.next();
      parts.syms.push(t.text);
    } else if (isP(t, '(')) {
      const group = skipItem(c);
      const inner = group.slice(1, -1);
      if (inner.length > 0 && isP(inner[0], '{')) parts.regions.push(inner);
      else readInto(inner, parts);
    } else if (isP(t, '<') && c.is('{', 1)) {
      c.next();
      for (const [k, v] of parseDict(c)) parts.kv.set(k, v);
      c.expect('>', 'to close the properties');
    } else if (isP(t, '{')) {
      const n1 = c.peek(1), n2 = c.peek(2);
      const isDict = isP(n1, '}') || ((n1.kind === 'ident' || n1.kind === 'str') && (isP(n2, '=') || isP(n2, ',') || isP(n2, '}')));
      if (isDict) for (const [k, v] of parseDict(c)) parts.kv.set(k, v);
      else parts.regions.push(skipItem(c));
    } else if (isP(t, '[') && isSliceList(c)) {
      parts.slices = readSlices(c);
    } else {
      parts.misc.push(parseAttr(c));
    }
  }
}

function isSliceList(c: Cursor): boolean {
  return c.peek(1).kind === 'num' && c.is(':', 2);
}

function readSlices(c: Cursor): { start: number; limit: number; stride: number }[] {
  const out: { start: number; limit: number; stride: number }[] = [];
  c.expect('[');
  if (!c.is(']')) {
    do {
      const s = Number(c.next().text);
      c.expect(':');
      const l = Number(c.next().text);
      let stride = 1;
      if (c.eat(':')) stride = Number(c.next().text);
      out.push({ start: s, limit: l, stride });
    } while (c.eat(','));
  }
  c.expect(']', 'to close the slice bounds');
  return out;
}
