/**
 * The search space of AutomaticPartition: partitioning actions, each "tile this group of values on
 * this dim over this mesh axis". Values are grouped by their role, not one by one — the same path with
 * its layer index made a wildcard (`params/layer_*\/mlp/w_in`) — so that the space stays small for a
 * deep model and a result reads like a strategy a person would write. Whole families of inputs
 * (`opt_state/**`, `params/**`) with LARGEST are actions too: ZeRO is one such move, not fifty.
 */
import type { Program, ValueId } from '../ir/types';
import { axisSize, type Mesh } from '../mesh/mesh';
import type { PartitionResult, Sharding } from '../partition/types';
import { compileGlob } from '../tactics/glob';

export type ActionKind = 'role' | 'family' | 'intermediate';

export interface Action {
  /** Stable id within one search space: `axis|glob|dim`. */
  readonly id: string;
  readonly axis: string;
  readonly glob: string;
  readonly dim: number | 'LARGEST';
  readonly kind: ActionKind;
  readonly members: readonly ValueId[];
}

/** Families of inputs that LARGEST may shard whole (optimizer state first: it is the cheapest to shard). */
const FAMILIES = ['opt_state', 'params'] as const;

/**
 * `layer_12` → `layer_*` (segments that end in `_<index>`); other segments stay literal, except that
 * an optimizer-state path's slot (`mu`, `nu`, `master`) becomes `*`: a parameter's moments share its shape
 * and are sharded together, which makes the space three times smaller.
 */
export function roleGlob(path: string): string {
  const segs = path.split('/').map((seg) => seg.replace(/^([A-Za-z][A-Za-z0-9]*)_\d+$/, '$1_*'));
  if (segs[0] === 'opt_state' && segs.length > 2) segs[1] = '*';
  return segs.join('/');
}

const GLOB_CHARS = /[*?[\]{}]/;

/** The product of the sizes of the axes tiling dim `d` of a value. */
function tiles(s: Sharding, d: number, mesh: Mesh): number {
  return s.dims[d].reduce((n, a) => n * axisSize(mesh, a), 1);
}

/** Whether the value already has a state (tiled or partial) on `axis`. */
function hasState(s: Sharding, axis: string): boolean {
  return s.partial.includes(axis) || s.dims.some((axes) => axes.includes(axis));
}

/**
 * Every action on the given axes that could change something after the fixed tactics (`base` is their
 * partition): groups whose values are all still replicated on the axis, dims that the axis divides for
 * every member.
 */
export function enumerateActions(program: Program, mesh: Mesh, axes: readonly string[], base: PartitionResult): Action[] {
  const groups = new Map<string, ValueId[]>();
  const allNames: string[] = [];
  for (const v of program.values) {
    if (v.name === undefined) continue;
    allNames.push(v.name);
    // Gradients follow their parameter (ZeRO-2 is a family move); optimizer state is sharded as a
    // family: per role it doubles the space and, propagating like its parameter, adds no layout.
    if (GLOB_CHARS.test(v.name) || v.name.startsWith('grads/') || v.name.startsWith('opt_state/')) continue;
    const key = roleGlob(v.name);
    const g = groups.get(key);
    if (g) g.push(v.id);
    else groups.set(key, [v.id]);
  }
  const inputs = new Set(program.inputs);
  const out: Action[] = [];
  for (const axis of axes) {
    const size = axisSize(mesh, axis);
    if (size <= 1) continue;
    for (const [glob, members] of groups) {
      if (!exactGlob(glob, members, program, allNames)) continue;
      if (members.some((v) => hasState(base.shardings[v], axis))) continue;
      const rank = program.values[members[0]].type.shape.length;
      if (members.some((v) => program.values[v].type.shape.length !== rank)) continue;
      const kind: ActionKind = members.every((v) => inputs.has(v)) ? 'role' : 'intermediate';
      for (let d = 0; d < rank; d++) {
        const ok = members.every((v) => {
          const local = program.values[v].type.shape[d] / tiles(base.shardings[v], d, mesh);
          return Number.isInteger(local) && local % size === 0;
        });
        if (ok) out.push({ id: `${axis}|${glob}|${d}`, axis, glob, dim: d, kind, members });
      }
    }
    for (const fam of FAMILIES) {
      const glob = `${fam}/**`;
      const m = compileGlob(glob);
      const members = program.inputs.filter((v) => {
        const name = program.values[v].name;
        return name !== undefined && m(name) && !hasState(base.shardings[v], axis);
      });
      if (members.length) out.push({ id: `${axis}|${glob}|LARGEST`, axis, glob, dim: 'LARGEST', kind: 'family', members });
    }
  }
  // Parameters first, so that of several actions that propagate to the same layout the one kept (the
  // first) names the parameter, as a person would; then families, data, intermediates (the screening
  // may run out of budget before the last).
  const rank = (a: Action) => (a.kind === 'intermediate' ? 3 : a.kind === 'family' ? 1 : a.glob.startsWith('params/') ? 0 : 2);
  return out.map((a, i) => ({ a, i })).sort((x, y) => rank(x.a) - rank(y.a) || x.i - y.i).map((x) => x.a);
}

/** The role glob must match its members and nothing else (a name like `x_1` next to `x_*`-shaped others). */
function exactGlob(glob: string, members: readonly ValueId[], program: Program, allNames: readonly string[]): boolean {
  if (!glob.includes('*')) return true;
  const m = compileGlob(glob);
  const own = new Set(members.map((v) => program.values[v].name));
  return allNames.every((n) => !m(n) || own.has(n));
}

/** Whether `family` (a LARGEST action on the same axis) already seeds every member of `a`. */
export function covers(family: Action, a: Action): boolean {
  if (family.kind !== 'family' || family.axis !== a.axis || family === a) return false;
  const m = new Set(family.members);
  return a.members.every((v) => m.has(v));
}
