/**
 * The tactic schedule driver: tactics run in order, one mesh axis each. A tactic seeds its values
 * (a tiled dim, or REPLICATED = pinned replicated), then propagation carries that axis to a fixed
 * point. Earlier decisions are never changed; every stage keeps a snapshot of all shardings.
 */
import { UserError } from '../errors';
import type { Program, ValueId } from '../ir/types';
import { axisSize, type Mesh } from '../mesh/mesh';
import type { ResolvedTactic } from '../tactics/types';
import { PARTIAL, PINNED, Propagator, stateOfCode, UNSET } from './propagate';
import { replicatedSharding } from './sharding';
import type { AxisState, PartitionResult, Sharding, Stage } from './types';

/** Partitions `program` over `mesh` with `tactics`, in schedule order. */
export function partition(program: Program, mesh: Mesh, tactics: readonly ResolvedTactic[]): PartitionResult {
  const prop = new Propagator(program, mesh);
  const names = tactics.map((t) => t.name);
  const interned = new Map<string, Sharding>();
  const current: Sharding[] = program.values.map((v) => {
    const r = v.type.shape.length;
    let s = interned.get(`${r}`);
    if (s === undefined) interned.set(`${r}`, (s = replicatedSharding(r)));
    return s;
  });
  const stages: Stage[] = [];
  tactics.forEach((tactic, t) => {
    axisSize(mesh, tactic.axis); // a UserError naming the mesh's axes when unknown
    const axis = prop.axisNames.indexOf(tactic.axis);
    prop.begin(axis, t, names);
    const seeded = seed(prop, program, tactic);
    prop.run();
    const changed = prop.takeDirty();
    for (const v of changed) current[v] = materialize(prop, v, interned);
    let reached = 0;
    const st = prop.state[axis], org = prop.origin[axis];
    for (const v of changed) if (org[v] === t && st[v] !== PINNED && st[v] !== UNSET) reached++;
    stages.push({
      tactic: tactic.name,
      axis: tactic.axis,
      range: tactic.range,
      seeded,
      reached,
      conflicts: prop.takeConflicts(),
      shardings: current.slice(),
    });
  });
  const origins: Record<string, Int32Array> = {};
  prop.axisNames.forEach((a, i) => (origins[a] = prop.origin[i]));
  return { program, mesh, shardings: current.slice(), stages, origins };
}

function seed(prop: Propagator, program: Program, tactic: ResolvedTactic): { value: ValueId; state: AxisState }[] {
  const out: { value: ValueId; state: AxisState }[] = [];
  const ax = prop.axisNames.indexOf(tactic.axis);
  const st = prop.state[ax];
  const size = prop.axisSizes[ax];
  for (const s of tactic.seeds) {
    const v = s.value;
    const val = program.values[v];
    if (val === undefined) throw new UserError('tactic', `${tactic.name}: no value with id ${v}`, { range: s.range });
    const shape = val.type.shape;
    let code: number;
    if (s.dim === 'replicated') {
      code = PINNED;
    } else {
      const d = s.dim;
      if (!Number.isInteger(d) || d < 0 || d >= shape.length) {
        throw new UserError('tactic', `${tactic.name}: dim ${d} is out of range for ${label(program, v)} of rank ${shape.length}`, { range: s.range });
      }
      code = d;
    }
    out.push({ value: v, state: stateOfCode(code) });
    const now = st[v];
    if (now === code) continue;
    if (now === PARTIAL && code >= 0) {
      // ZeRO-2 on gradients that data parallelism left partial: reduce-scatter rather than conflict.
      if ((shape[code] / prop.tilesOf(v, code)) % size !== 0) {
        throw new UserError('tactic', `${tactic.name}: dim ${code} of ${label(program, v)} is not divisible by axis "${tactic.axis}" (${size})`, { range: s.range });
      }
      prop.requestScatter(v, code);
      continue;
    }
    if (now !== UNSET) {
      prop.recordSeedConflict(v, now, code);
      continue;
    }
    if (code >= 0) {
      const local = shape[code] / prop.tilesOf(v, code);
      if (local % size !== 0) {
        throw new UserError('tactic',
          `${tactic.name}: dim ${code} of ${label(program, v)} has ${local === shape[code] ? 'size' : 'local size'} ${local}, ` +
          `not divisible by axis "${tactic.axis}" (${size})`, { range: s.range });
      }
    }
    prop.assign(v, code);
  }
  return out;
}

function label(program: Program, v: ValueId): string {
  const name = program.values[v].name;
  return name !== undefined ? `"${name}"` : `value %${v}`;
}

/**
 * The Sharding of `v` from the propagator's per-axis state (axes in the order tactics added them).
 * Shardings are interned: most values of a deep model share a handful of layouts, so sharing one
 * immutable object per layout keeps the per-stage snapshots cheap.
 */
function materialize(prop: Propagator, v: ValueId, interned: Map<string, Sharding>): Sharding {
  const rank = prop.program.values[v].type.shape.length;
  const dims = prop.dimAxes[v];
  const partial = prop.partialAxes[v];
  let key = `${rank}`;
  if (dims) for (const axes of dims) key += `|${axes.join('.')}`;
  if (partial) key += `p${partial.join('.')}`;
  let s = interned.get(key);
  if (s === undefined) {
    s = {
      dims: Array.from({ length: rank }, (_, d) => (dims ? dims[d].map((a) => prop.axisNames[a]) : [])),
      partial: partial ? partial.map((a) => prop.axisNames[a]) : [],
    };
    interned.set(key, s);
  }
  return s;
}
