/**
 * An imported module written back with the schedule's result as Shardy attributes (the `sdy` dialect of openxla/shardy):
 * `sdy.mesh @mesh = <["batch"=4, "model"=2]>` in the module, and
 * `sdy.sharding = #sdy.sharding<@mesh, [{"batch"}, {}]>` on every argument and result of the entry
 * function, replacing the `mhlo.sharding`/`sdy.sharding` it had. The rest of the text is unchanged.
 */
import { UserError } from '../../errors';
import type { Config } from '../config';
import type { Mesh } from '../../mesh/mesh';
import type { Sharding } from '../../partition/types';
import type { PipelineResult } from '../../pipeline';
import { mlirString } from './escape';
import { applyEdits, MlirText, type TextEdit } from './mlirText';
import { printSharding, type DimSharding, type TensorSharding } from '../../partition/shardy/sharding';
import { importForConfig } from '../stablehlo/seeds';

const MESH = 'mesh';

/** An axis name as an MLIR string literal (it may come from an imported module's `sdy.mesh`). */
const quote = mlirString;

/** `<["batch"=4, "model"=2]>`, the body of an `sdy.mesh` op. */
export function sdyMesh(mesh: Mesh): string {
  return `<[${mesh.axes.map((a) => `${quote(a.name)}=${a.size}`).join(', ')}]>`;
}

/**
 * `#sdy.sharding<@mesh, [{"batch"}, {}]>`: each dim's axes major → minor, closed (the schedule is
 * final); partial axes as `unreduced={...}` in mesh order, as Shardy requires.
 */
export function sdySharding(s: Sharding, mesh: Mesh, meshName = MESH): string {
  const dims = s.dims.map((axes) => `{${axes.map(quote).join(', ')}}`);
  const partial = mesh.axes.filter((a) => s.partial.includes(a.name)).map((a) => quote(a.name));
  return `#sdy.sharding<@${meshName}, [${dims.join(', ')}]${partial.length ? `, unreduced={${partial.join(', ')}}` : ''}>`;
}

/**
 * The schedule's sharding of an annotated argument or result, written with the annotation's details:
 * a dim keeps the annotation's axis order (then the axes tactics added), its open/closed marker and
 * its priority; a dim the annotation shards with sub-axes (which PartIR tactics cannot hold) is written
 * as annotated; replicated axes the schedule did not use stay; unreduced axes are the annotation's and
 * the schedule's partial ones. With no tactic beyond the imported ones, import → export gives back the
 * annotation as written.
 */
export function keepDetails(s: Sharding, ann: TensorSharding, mesh: Mesh): TensorSharding {
  if (ann.dims.length !== s.dims.length) return { mesh: MESH, dims: s.dims.map((d) => ({ axes: d.map((name) => ({ name })), closed: true })), replicated: [], unreduced: s.partial.map((name) => ({ name })) };
  const dims = ann.dims.map((d, i): DimSharding => {
    if (d.axes.some((a) => a.sub)) return d;
    const final = s.dims[i];
    const axes = [...d.axes.filter((a) => final.includes(a.name)), ...final.filter((n) => !d.axes.some((a) => a.name === n)).map((name) => ({ name }))];
    return d.priority === undefined ? { axes, closed: d.closed } : { axes, closed: d.closed, priority: d.priority };
  });
  const used = new Set(dims.flatMap((d) => d.axes.map((a) => a.name)));
  const unreduced = [...ann.unreduced, ...mesh.axes.filter((a) => s.partial.includes(a.name) && !ann.unreduced.some((u) => u.name === a.name)).map((a) => ({ name: a.name }))];
  return {
    mesh: MESH, dims,
    replicated: ann.replicated.filter((a) => !used.has(a.name)),
    unreduced, ...(ann.unreducedKind ? { unreducedKind: ann.unreducedKind } : {}),
  };
}

/** Attributes an argument or result may carry that say how it is sharded; the export replaces them. */
const SHARDING_KEYS = new Set(['mhlo.sharding', 'sdy.sharding']);

export function exportSdy(result: PipelineResult, config: Config): string {
  if (!('stablehlo' in config.model)) {
    throw new UserError('export-sdy', `sdy export needs an imported StableHLO module (model.stablehlo); the zoo model "${config.model.zoo}" has no module text to annotate — export JAX code instead`, { where: 'model' });
  }
  const { program: p, mesh, spmd } = result;
  const src = new MlirText(config.model.stablehlo);
  const fn = findEntryFunction(src);
  if (fn.args.length !== p.inputs.length || fn.results.length !== p.outputs.length) {
    throw new Error(`sdy export: @${fn.name} has ${fn.args.length} arguments and ${fn.results.length} results, the program ${p.inputs.length} inputs and ${p.outputs.length} outputs`);
  }
  const edits: TextEdit[] = [];
  // the module's own annotations keep their details (axis order, open dims, priorities, sub-axes, replicated)
  const annotated = new Map<string, TensorSharding>();
  for (const a of importForConfig(config).result.annotations) {
    if ((a.kind === 'arg' || a.kind === 'result') && a.sharding.sdy) annotated.set(`${a.kind}${a.index}`, a.sharding.sdy);
  }
  const text = (s: Sharding, key: string) => {
    const ann = annotated.get(key);
    return ann ? printSharding(keepDetails(s, ann, mesh)) : sdySharding(s, mesh);
  };
  fn.args.forEach((a, i) => edits.push(withSharding(src, a, text(spmd.inputShardings[i], `arg${i}`))));
  fn.results.forEach((r, i) => edits.push(withSharding(src, r, text(spmd.outputShardings[i], `result${i}`))));
  if (fn.bareResult) {
    // a single result written without parentheses cannot carry attributes: parenthesise it
    const r = edits[edits.length - 1];
    r.text = `(${r.text})`;
  }
  edits.push(...meshEdits(src, mesh));
  return applyEdits(src.text, edits);
}

/** One argument or result: where its type ends and where its attribute dict (if any) sits. */
interface Slot {
  /** Where the slot's text starts and ends (arguments: `%arg0: type {attrs} loc(...)`). */
  start: number;
  end: number;
  typeEnd: number;
  /** `{…}` of its attributes, braces included, when present. */
  attrs?: [number, number];
}

interface EntryFunction {
  name: string;
  args: Slot[];
  results: Slot[];
  /** `-> tensor<…>` without parentheses. */
  bareResult: boolean;
}

/** The function the importer takes as the program: `@main`, else the first public one, else the first. */
function findEntryFunction(src: MlirText): EntryFunction {
  const headers: { name: string; visibility: string; at: number }[] = [];
  const re = /func\.func\s+(?:(public|private|nested)\s+)?@("(?:[^"\\]|\\.)*"|[\w.$-]+)/g;
  for (let m = src.find(re); m; m = src.find(re, m.index + m[0].length)) {
    headers.push({ name: m[2].replace(/^"|"$/g, ''), visibility: m[1] ?? 'public', at: m.index + m[0].length });
  }
  const h = headers.find((x) => x.name === 'main') ?? headers.find((x) => x.visibility === 'public') ?? headers[0];
  if (!h) throw new UserError('export-sdy', 'the module has no function (expected func.func public @main)', { where: 'model.stablehlo' });
  const t = src.text;
  const open = src.skipSpace(h.at);
  const close = t[open] === '(' ? src.matchClose(open) : -1;
  if (close < 0) throw new UserError('export-sdy', `cannot read the argument list of @${h.name}`, { where: 'model.stablehlo' });
  const args = src.splitTopLevel(open + 1, close).map(([s, e]) => {
    const colon = t.indexOf(':', s);
    if (colon < 0 || colon >= e) throw new UserError('export-sdy', `cannot read argument "${t.slice(s, e)}" of @${h.name}`, { where: 'model.stablehlo' });
    return slot(src, s, src.skipSpace(colon + 1), e);
  });

  let results: Slot[] = [];
  let bareResult = false;
  const arrow = src.skipSpace(close + 1);
  if (t.startsWith('->', arrow)) {
    const r = src.skipSpace(arrow + 2);
    if (t[r] === '(') {
      const rc = src.matchClose(r);
      results = src.splitTopLevel(r + 1, rc).map(([s, e]) => slot(src, s, s, e));
    } else {
      const e = src.endOfTerm(r);
      results = [{ start: r, end: e, typeEnd: e }];
      bareResult = true;
    }
  }
  return { name: h.name, args, results, bareResult };
}

function slot(src: MlirText, start: number, typeStart: number, end: number): Slot {
  const typeEnd = src.endOfTerm(typeStart, end);
  const b = src.skipSpace(typeEnd);
  if (b < end && src.text[b] === '{') {
    const close = src.matchClose(b);
    return { start, end, typeEnd, attrs: [b, close + 1] };
  }
  return { start, end, typeEnd };
}

/** The slot's attribute dict without sharding attributes, plus `sdy.sharding = …`. */
function withSharding(src: MlirText, s: Slot, sharding: string): TextEdit {
  const entry = `sdy.sharding = ${sharding}`;
  if (!s.attrs) return { start: s.start, end: s.typeEnd, text: `${src.text.slice(s.start, s.typeEnd)} {${entry}}` };
  const [open, close] = s.attrs;
  const kept = src.splitTopLevel(open + 1, close - 1)
    .filter(([a, b]) => b > a && !SHARDING_KEYS.has(attrKey(src.text.slice(a, b))))
    .map(([a, b]) => src.text.slice(a, b));
  return { start: s.start, end: close, text: `${src.text.slice(s.start, open)}{${[...kept, entry].join(', ')}}` };
}

/** `mhlo.sharding = "…"` → `mhlo.sharding`; a quoted key loses its quotes. */
function attrKey(entry: string): string {
  const eq = entry.indexOf('=');
  const key = (eq < 0 ? entry : entry.slice(0, eq)).trim();
  return key.replace(/^"(.*)"$/, '$1');
}

/**
 * Drops any existing `sdy.mesh @mesh` (other meshes stay, since ops in the body may name them) and
 * declares ours first in the module; sets `mhlo.num_partitions` to the mesh's device count.
 */
function meshEdits(src: MlirText, mesh: Mesh): TextEdit[] {
  const t = src.text;
  const edits: TextEdit[] = [];
  const decl = `sdy.mesh @${MESH} = ${sdyMesh(mesh)}`;
  const existing = /sdy\.mesh\s+@mesh\s*=\s*/g;
  for (let m = src.find(existing); m; m = src.find(existing, m.index + m[0].length)) {
    const open = m.index + m[0].length;
    // `= <[…]>`, or `= #alias` where mlir-opt printed the mesh as an attribute alias
    let close = t[open] === '<' ? src.matchClose(open) : t[open] === '#' ? src.endOfTerm(open) - 1 : -1;
    if (close < 0) continue;
    const loc = src.skipSpace(close + 1);
    if (t.startsWith('loc(', loc)) close = src.matchClose(loc + 3);
    // remove the whole line when the declaration is alone on it
    const lineStart = t.lastIndexOf('\n', m.index - 1) + 1;
    const lineEnd = t.indexOf('\n', close);
    const alone = /^\s*$/.test(t.slice(lineStart, m.index)) && /^\s*$/.test(t.slice(close + 1, lineEnd < 0 ? t.length : lineEnd));
    edits.push(alone ? { start: lineStart, end: lineEnd < 0 ? t.length : lineEnd + 1, text: '' } : { start: m.index, end: close + 1, text: '' });
  }

  const mod = src.find(/\bmodule\b/g);
  const fn = src.find(/func\.func\b/g);
  if (mod && (!fn || mod.index < fn.index)) {
    let i = src.skipSpace(mod.index + mod[0].length);
    if (t[i] === '@') i = src.skipSpace(src.endOfTerm(i));
    if (t.startsWith('attributes', i)) {
      const open = src.skipSpace(i + 'attributes'.length);
      const close = src.matchClose(open);
      const devices = mesh.axes.reduce((n, a) => n * a.size, 1);
      const attrs = t.slice(open, close + 1);
      const np = /(mhlo\.num_partitions\s*=\s*)\d+/.exec(attrs);
      if (np) edits.push({ start: open + np.index, end: open + np.index + np[0].length, text: `${np[1]}${devices}` });
      i = src.skipSpace(close + 1);
    }
    if (t[i] === '{') {
      const nl = t.indexOf('\n', i);
      const indent = nl >= 0 ? (/^[ \t]*/.exec(t.slice(nl + 1))?.[0] ?? '  ') : '  ';
      edits.push(nl >= 0 ? { start: nl + 1, end: nl + 1, text: `${indent || '  '}${decl}\n` } : { start: i + 1, end: i + 1, text: ` ${decl}` });
      return edits;
    }
  }
  // no module wrapper: declare the mesh before the first function
  const at = fn ? fn.index : 0;
  edits.push({ start: at, end: at, text: `${decl}\n` });
  return edits;
}
