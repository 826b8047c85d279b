/**
 * Imported argument shardings as the first stages of the schedule: one ResolvedTactic per mesh
 * axis (`imported:<axis>`), so that `partition` needs no other way in, and later user tactics
 * build on them as on any earlier tactic.
 */
import { UserError, type Diagnostic, type SourceRange } from '../../errors';
import type { Config } from '../config';
import type { Program, ValueId } from '../../ir/types';
import type { Mesh } from '../../mesh/mesh';
import type { ResolvedTactic } from '../../tactics/types';
import { importStableHlo, type ImportResult } from './import';
import type { ImportedSharding } from './sharding';
import { jaxShardings, type JaxShardings } from './shardy';

/** Imported shardings have no place in the tactic text. */
const NO_RANGE: SourceRange = { line: 0, column: 0, endLine: 0, endColumn: 0 };

/**
 * Seeds → tactics on the axes of `mesh` (mesh order). An axis the mesh lacks, a dim the axis
 * does not divide, a sub-axis or an unreduced axis is skipped with a warning.
 */
export function seedTactics(
  seeds: readonly { value: ValueId; sharding: ImportedSharding }[], program: Program, mesh: Mesh,
): { tactics: ResolvedTactic[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const warn = (message: string) => diagnostics.push({ code: 'stablehlo-sharding', severity: 'warning', where: 'model.stablehlo', message });
  const perAxis = new Map<string, ResolvedTactic['seeds'][number][]>();
  const label = (v: ValueId) => program.values[v].name ?? `%${v}`;
  for (const { value, sharding } of seeds) {
    const shape = program.values[value].type.shape;
    const tiles = shape.map(() => 1);
    sharding.dims.forEach((axes, d) => {
      for (const a of axes) {
        const size = mesh.axes.find((x) => x.name === a)?.size;
        if (size === undefined) { warn(`${label(value)}: mesh axis "${a}" is not in the mesh; its sharding is ignored`); continue; }
        if ((shape[d] / tiles[d]) % size !== 0) { warn(`${label(value)}: dim ${d} (${shape[d]}) is not divisible by axis "${a}" (${size}); ignored`); continue; }
        tiles[d] *= size;
        push(a, { value, dim: d, range: NO_RANGE });
      }
    });
    for (const a of sharding.replicated) {
      if (mesh.axes.some((x) => x.name === a)) push(a, { value, dim: 'replicated', range: NO_RANGE });
    }
    const subAxes = sharding.sdy?.dims.flatMap((d) => d.axes.filter((a) => a.sub)) ?? [];
    if (subAxes.length > 0) warn(`${label(value)}: sub-axes ${subAxes.map((a) => `"${a.name}":(${a.sub?.pre})${a.sub?.size}`).join(', ')} cannot be a tactic's axis; the rest of its sharding is seeded`);
    if (sharding.partial.length > 0) warn(`${label(value)}: unreduced axes {${sharding.partial.join(', ')}} cannot be seeded; the value is taken as reduced`);
  }
  const tactics: ResolvedTactic[] = [];
  for (const a of mesh.axes) {
    const s = perAxis.get(a.name);
    if (s && s.length > 0) tactics.push({ name: `imported:${a.name}`, axis: a.name, seeds: s, range: NO_RANGE });
  }
  return { tactics, diagnostics };

  function push(axis: string, seed: ResolvedTactic['seeds'][number]): void {
    const list = perAxis.get(axis) ?? [];
    list.push(seed);
    perAxis.set(axis, list);
  }
}

/**
 * JAX's shardings of every value (Shardy's propagation of the module's annotations) as seeds: the full
 * mesh axes of each dim, plus the axes an annotation pins replicated. What PartIR's per-axis tactics
 * cannot hold (sub-axes, axes that do not divide a dim, unreduced axes) is left out and counted in one
 * warning; the stage view still shows JAX's sharding of those values.
 */
export function jaxSeeds(result: ImportResult, jax: JaxShardings, mesh: Mesh): { seeds: { value: ValueId; sharding: ImportedSharding }[]; diagnostics: Diagnostic[] } {
  const pinned = new Map<ValueId, readonly string[]>();
  for (const a of result.annotations) if ('sharding' in a && a.kind !== 'result' && a.sharding.replicated.length > 0) pinned.set(a.value, a.sharding.replicated);
  const sizes = new Map(mesh.axes.map((a) => [a.name, a.size] as const));
  const seeds: { value: ValueId; sharding: ImportedSharding }[] = [];
  let dropped = 0;
  jax.values.forEach((s, v) => {
    const shape = result.program.values[v].type.shape;
    const dims: string[][] = shape.map(() => []);
    let lost = false;
    s?.dims.forEach((d, i) => {
      let tiles = 1;
      for (const a of d.axes) {
        const size = sizes.get(a.name);
        if (a.sub || size === undefined || (shape[i] / tiles) % size !== 0) { lost = true; break; }
        tiles *= size;
        dims[i].push(a.name);
      }
    });
    if (s && s.unreduced.length > 0) lost = true;
    if (lost) dropped++;
    const replicated = (pinned.get(v) ?? []).filter((a) => sizes.has(a) && !dims.some((d) => d.includes(a)));
    if (dims.some((d) => d.length > 0) || replicated.length > 0) seeds.push({ value: v, sharding: { dims, partial: [], replicated } });
  });
  const diagnostics: Diagnostic[] = dropped === 0 ? [] : [{
    code: 'stablehlo-sharding', severity: 'warning', where: 'model.stablehlo',
    message: `${dropped} value(s): JAX would shard them with sub-axes, axes that do not divide a dim, or unreduced axes, which PartIR tactics cannot hold; the imported stages keep the rest, and the stage view shows what JAX would do`,
  }];
  return { seeds, diagnostics };
}

export interface ImportedModel {
  program: Program;
  /** Tactics to run before the user's (the imported shardings, as JAX would propagate them). */
  tactics: ResolvedTactic[];
  /** What JAX would compile: Shardy's propagation of the module's sdy annotations, per value, argument and result. */
  jax: JaxShardings;
  /** Warnings from import and seeding. */
  diagnostics: Diagnostic[];
  result: ImportResult;
}

let cache: { key: string; model: ImportedModel } | undefined;

/**
 * The program and seed tactics of a `{ model: { stablehlo } }` config; throws the import's first
 * error as a UserError. The last result is cached, since the pipeline and its callers ask twice.
 */
export function importForConfig(config: Config): ImportedModel {
  if (!('stablehlo' in config.model)) throw new UserError('model', 'the config has no StableHLO model', { where: 'model' });
  const mesh: Mesh = { axes: config.mesh.axes.map((a) => ({ name: a.name, size: a.size })) };
  const key = `${JSON.stringify(mesh)}\n${config.model.stablehlo}`;
  if (cache?.key === key) return cache.model;
  const result = importStableHlo(config.model.stablehlo, { mesh });
  const error = result.diagnostics.find((d) => d.severity !== 'warning');
  if (!result.ok || error) {
    throw new UserError(error?.code ?? 'stablehlo-import', error?.message ?? 'StableHLO import failed', { where: 'model.stablehlo', range: error?.range });
  }
  // argument shardings are checked one by one (a warning names each one PartIR cannot seed); the
  // propagated shardings of the other values follow JAX, with one summary warning
  const args = seedTactics(result.seeds, result.program, mesh);
  const jax = jaxShardings(result, 'pipeline');
  const argValues = new Set(result.seeds.map((x) => x.value));
  const fromJax = jaxSeeds(result, jax, mesh);
  const all = [...result.seeds, ...fromJax.seeds.filter((x) => !argValues.has(x.value))];
  const seeded = seedTactics(all, result.program, mesh);
  const model = { program: result.program, tactics: seeded.tactics, jax, diagnostics: [...result.diagnostics, ...args.diagnostics, ...fromJax.diagnostics], result };
  cache = { key, model };
  return model;
}
