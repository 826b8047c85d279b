/**
 * The tactic schedule driver: tactics run in order, one mesh axis each. A tactic seeds its values
 * (a tiled dim, or REPLICATED = pinned replicated), then propagation carries that axis to a fixed
 * point. Earlier decisions are never changed; every stage keeps a snapshot of all shardings.
 */
import { UserError } from '../errors';
import type { Program, ValueId } from '../ir/types';
import { axisSize, type Mesh } from '../mesh/mesh';
import { pickDim } from '../tactics/pick';
import type { ResolvedTactic } from '../tactics/types';
import { PARTIAL, PINNED, Propagator, stateOfCode, UNSET } from './propagate';
import type { AxisState, PartitionResult, Sharding, Stage } from './types';
import { userRecord } from '../record';

/** Partitions `program` over `mesh` with `tactics`, in schedule order. */
export function partition(program: Program, mesh: Mesh, tactics: readonly ResolvedTactic[]): PartitionResult {
  const prop = new Propagator(program, mesh);
  const names = tactics.map((t) => t.name);
  const reshards = tactics.map((t) => t.reshardsAtMeetings === true);
  const interned = new Map<number, Sharding>();
  const scratch = new Int32Array(mesh.axes.length);
  // Before any tactic every value is replicated: one interned sharding per rank.
  const byRank: Sharding[] = [];
  const current = new Array<Sharding>(program.values.length);
  for (let v = 0; v < current.length; v++) {
    const rank = prop.valueRank[v];
    current[v] = byRank[rank] ??= materialize(prop, v, interned, scratch);
  }
  const stages: Stage[] = [];
  tactics.forEach((tactic, t) => {
    axisSize(mesh, tactic.axis); // a UserError naming the mesh's axes when unknown
    const axis = prop.axisNames.indexOf(tactic.axis);
    prop.begin(axis, t, names, reshards);
    const seeded = seed(prop, program, tactic);
    prop.run();
    const changed = prop.takeDirty();
    const st = prop.state[axis], org = prop.origin[axis];
    // A tactic changes only its own axis, and each value once (from unset, as the newest origin), so a
    // value's new sharding follows from its old one and its new state on the axis: materialized once
    // per (old sharding, state) pair rather than once per value.
    const next = new Map<Sharding, Sharding[]>();
    for (const v of changed) {
      const old = current[v];
      let row = next.get(old);
      if (row === undefined) next.set(old, (row = []));
      current[v] = row[st[v] + 3] ??= materialize(prop, v, interned, scratch);
    }
    let reached = 0;
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
  const origins: Record<string, Int32Array> = userRecord();
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
      const d = s.pick ? pickDim(shape, size, s.pick, (k) => prop.tilesOf(v, k)) : s.dim;
      if (d < 0) continue; // LARGEST / FIRST_DIVISIBLE_DIM and no dim divides: stays replicated on this axis
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

/*
 * A seed whose dim was written LARGEST or FIRST_DIVISIBLE_DIM carries `pick`: the resolver only knows
 * the earlier tactics' seeds, so the dim is picked again here against the propagated shardings, so that
 * a parameter and its optimizer state, which earlier tactics reached by propagation rather than
 * seeding, get the same dim.
 */

function label(program: Program, v: ValueId): string {
  const name = program.values[v].name;
  return name !== undefined ? `"${name}"` : `value %${v}`;
}

/**
 * The Sharding of `v` from the propagator's per-axis state (axes in the order tactics added them).
 * Shardings are interned under a numeric key: most values of a deep model share a handful of
 * layouts, so the per-stage snapshots share one immutable object per layout.
 */
function materialize(prop: Propagator, v: ValueId, interned: Map<number, Sharding>, scratch: Int32Array): Sharding {
  const rank = prop.valueRank[v];
  const state = prop.state, origin = prop.origin;
  const nAxes = state.length;
  // key = rank, then per axis its state and its position among the axes of its dim.
  let key = rank;
  for (let a = 0; a < nAxes; a++) {
    const s = state[a][v];
    let pos = 0;
    if (s >= 0) {
      const oa = origin[a][v];
      for (let b = 0; b < nAxes; b++) if (state[b][v] === s && origin[b][v] < oa) pos++;
    }
    key = (key * (rank + 4) + (s + 3)) * nAxes + pos;
  }
  let sh = interned.get(key);
  if (sh === undefined) {
    const dims: string[][] = [];
    for (let d = 0; d < rank; d++) {
      const n = prop.axesOn(v, d, scratch);
      const axes: string[] = [];
      for (let i = 0; i < n; i++) axes.push(prop.axisNames[scratch[i]]);
      dims.push(axes);
    }
    const partial = prop.axisNames
      .map((_, a) => a)
      .filter((a) => state[a][v] === PARTIAL)
      .sort((a, b) => origin[a][v] - origin[b][v])
      .map((a) => prop.axisNames[a]);
    sh = { dims, partial };
    interned.set(key, sh);
  }
  return sh;
}
