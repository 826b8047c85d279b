/**
 * StableHLO text (as `jax.jit(f).lower(*args).as_text()` prints it) → Program, mesh and seed shardings.
 * Never throws for bad input: syntax and import errors come back as diagnostics.
 */
import { isUserError, UserError, type Diagnostic } from '../../errors';
import type { OpId, Program, ValueId } from '../../ir/types';
import type { Mesh } from '../../mesh/mesh';
import type { Attr } from './ast';
import { convertModule } from './convert';
import { lex } from './lexer';
import { Cursor, meshAxes, parseModule } from './parser';
import { ANNOTATION_MEANING, type Annotation } from './annotations';
import { hloToSharding, parseHloSharding, parseSdySharding, type ImportedSharding } from './sharding';

export interface ImportResult {
  /** False when the text could not be imported; `program` is then empty and `diagnostics` say why. */
  ok: boolean;
  program: Program;
  /** The module's `sdy.mesh` (the first one), if any. */
  mesh?: Mesh;
  /** Argument shardings (`sdy.sharding`, `mhlo.sharding`) to seed before the user's tactics. */
  seeds: { value: ValueId; sharding: ImportedSharding }[];
  /** Every sdy annotation of the module with its meaning: argument, result and op shardings, constraints, barriers, groups, shard_maps. */
  annotations: Annotation[];
  /** Every mesh the module names (`sdy.mesh` ops, and inline meshes under their lifted names). */
  meshes: Map<string, { name: string; size: number }[]>;
  /** Ops outside the IR, kept as `custom` ops; propagation does not cross them. */
  opaque: { op: OpId; name: string }[];
  diagnostics: Diagnostic[];
}

export interface ImportOptions {
  /** The mesh GSPMD `mhlo.sharding` tilings are matched against when the module has no `sdy.mesh`. */
  mesh?: Mesh;
}

const empty = (): Program => ({ name: 'invalid', values: [], ops: [], inputs: [], outputs: [] });

export function importStableHlo(text: string, opts: ImportOptions = {}): ImportResult {
  try {
    return importOrThrow(text, opts);
  } catch (e) {
    if (!isUserError(e)) throw e;
    return { ok: false, program: empty(), seeds: [], annotations: [], meshes: new Map(), opaque: [], diagnostics: [{ ...e.toDiagnostic(), where: e.where ?? 'model.stablehlo', severity: 'error' }] };
  }
}

function importOrThrow(text: string, opts: ImportOptions): ImportResult {
  const mod = parseModule(text);
  const conv = convertModule(mod);
  const diagnostics: Diagnostic[] = [...conv.warnings];
  const meshAst = mod.meshes[0];
  let mesh: Mesh | undefined = meshAst ? { axes: meshAst.axes.map((a) => ({ name: a.name, size: a.size })) } : undefined;
  let frontendMesh: (Mesh & { name: string }) | undefined;
  if (!mesh) {
    // XLA's round-trip encoding keeps the meshes in a module frontend attribute
    const meshes = frontendAttr(mod.attrs, 'xla.sdy.meshes');
    if (meshes !== undefined) {
      try {
        const found = meshFromFrontendAttr(meshes);
        mesh = { axes: found.axes };
        frontendMesh = found;
      } catch (e) {
        if (!isUserError(e)) throw e;
        diagnostics.push({ code: 'stablehlo-mesh', severity: 'warning', where: 'model.stablehlo', message: `xla.sdy.meshes: ${e.message}` });
      }
    }
  }
  if (mod.meshes.length > 1) {
    diagnostics.push({ code: 'stablehlo-mesh', severity: 'warning', where: 'model.stablehlo', message: `the module defines ${mod.meshes.length} meshes; using @${meshAst.name}` });
  }

  // opaque ops: one warning per kind of op, naming the first place it occurs
  const byName = new Map<string, typeof conv.opaque>();
  for (const o of conv.opaque) byName.set(o.name, [...(byName.get(o.name) ?? []), o]);
  for (const [name, list] of byName) {
    diagnostics.push({
      code: 'stablehlo-opaque', severity: 'warning', where: 'model.stablehlo', range: list[0].range,
      message: `"${name}" is outside the explorer's op set: kept as an opaque op (${list.length}×, first at line ${list[0].range.line}); shardings do not propagate through it`,
    });
  }

  const main = mod.funcs.find((f) => f.name === 'main') ?? mod.funcs.find((f) => f.visibility === 'public') ?? mod.funcs[0];
  const seeds: ImportResult['seeds'] = [];
  const annotations: Annotation[] = [];
  main.args.forEach((a, i) => {
    const value = conv.args[i];
    const rank = a.type.shape.length;
    const warn = (message: string) => diagnostics.push({ code: 'stablehlo-sharding', severity: 'warning', where: 'model.stablehlo', range: a.range, message: `argument ${a.name}: ${message}` });
    try {
      const s = readSharding(a.attrs, rank, warn);
      if (s) annotations.push({ kind: 'arg', index: i, value, sharding: s, range: a.range });
      if (s && (s.dims.some((d) => d.length > 0) || s.partial.length > 0 || s.replicated.length > 0)) seeds.push({ value, sharding: s });
    } catch (e) {
      if (!isUserError(e)) throw e;
      warn(e.message);
    }
  });
  main.results.forEach((r, i) => {
    const out = conv.program.outputs[i];
    if (!out) return;
    const warn = (message: string) => diagnostics.push({ code: 'stablehlo-sharding', severity: 'warning', where: 'model.stablehlo', message: `result ${i} of @${main.name}: ${message}` });
    try {
      const s = readSharding(r.attrs, r.type.shape.length, warn);
      if (s) annotations.push({ kind: 'result', index: i, value: out.value, sharding: s });
    } catch (e) {
      if (!isUserError(e)) throw e;
      warn(e.message);
    }
  });
  annotations.push(...conv.annotations);
  const meshes = new Map<string, { name: string; size: number }[]>();
  for (const m of mod.meshes) meshes.set(m.name, m.axes.map((x) => ({ name: x.name, size: x.size })));
  if (frontendMesh) meshes.set(frontendMesh.name, [...frontendMesh.axes]);
  for (const an of annotations) {
    const list = an.kind === 'manual' ? [...an.inShardings, ...an.outShardings] : 'sharding' in an ? [an.sharding] : [];
    for (const s of list) {
      if (s.inlineMesh && s.mesh && !meshes.has(s.mesh)) meshes.set(s.mesh, [...s.inlineMesh]);
      else if (s.mesh && !meshes.has(s.mesh)) {
        diagnostics.push({ code: 'stablehlo-mesh', severity: 'warning', where: 'model.stablehlo', range: an.range, message: `${ANNOTATION_MEANING[an.kind]} names mesh @${s.mesh}, which the module does not define` });
      }
    }
  }
  if (!mesh) {
    const first = [...meshes.values()].find((m) => m.length > 0);
    if (first) mesh = { axes: first };
  }
  return { ok: true, program: conv.program, mesh, seeds, annotations, meshes, opaque: conv.opaque.map((o) => ({ op: o.op, name: o.name })), diagnostics };

  /** The sharding an argument or result carries: `sdy.sharding`, XLA's round-trip frontend attribute, or GSPMD's `mhlo.sharding`. */
  function readSharding(attrs: Map<string, Attr>, rank: number, warn: (m: string) => void): ImportedSharding | undefined {
      const sdy = attrs.get('sdy.sharding');
      const hlo = attrs.get('mhlo.sharding');
      const roundTrip = frontendAttr(attrs, 'xla.sdy.sharding');
      let s: ImportedSharding | undefined;
      if (sdy) s = parseSdySharding(tokensOf(sdy), rank);
      else if (roundTrip !== undefined) s = parseSdySharding(lex(roundTrip).slice(0, -1), rank);
      else if (hlo?.kind === 'str') {
        const spec = parseHloSharding(hlo.value);
        const target = mesh ?? opts.mesh;
        if (spec.replicated) s = hloToSharding(spec, rank, target ?? { axes: [] });
        else if (!target) warn(`mhlo.sharding "${hlo.value}" names no mesh axes and there is no sdy.mesh to match it against; ignored`);
        else s = hloToSharding(spec, rank, target);
      }
      return s;
  }
}

function tokensOf(a: Attr) {
  if (a.kind === 'struct' || a.kind === 'other') return a.tokens;
  throw new UserError('stablehlo-sharding', 'sdy.sharding must be written #sdy.sharding<@mesh, [...]>');
}

/** A string entry of `mhlo.frontend_attributes = {…}` (how XLA serialization carries sdy attributes). */
function frontendAttr(attrs: ReadonlyMap<string, Attr>, key: string): string | undefined {
  const fa = attrs.get('mhlo.frontend_attributes');
  const v = fa?.kind === 'dict' ? fa.entries.get(key) : undefined;
  return v?.kind === 'str' ? v.value : undefined;
}

/** The first mesh of `{mesh = #sdy.mesh<["data"=2, "model"=4]>, …}`. */
function meshFromFrontendAttr(text: string): Mesh & { name: string } {
  const c = new Cursor(lex(text));
  let name = 'mesh';
  while (!c.done && !(c.peek().kind === 'hash' && c.peek().text === 'sdy.mesh')) {
    const t = c.next();
    if ((t.kind === 'ident' || t.kind === 'str') && c.is('=')) name = t.text;
  }
  if (c.done) throw new UserError('stablehlo-mesh', 'no #sdy.mesh<…> found');
  c.next();
  return { name, axes: meshAxes(c, (message) => new UserError('stablehlo-mesh', message)) };
}
