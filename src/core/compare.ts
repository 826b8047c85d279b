/**
 * Two pipeline results side by side (A and B): which values are sharded differently, which
 * collectives B adds or removes, and how per-device memory and time move. Plain JSON, B − A.
 */
import type { Program, ValueId } from './ir/types';
import type { PipelineResult } from './pipeline';
import { valueLabel } from './pipeline';
import { axisShardingJson } from './partition/sharding';
import type { Sharding } from './partition/types';
import type { AxisShardingJson, BytesByCategory, CollectiveJson, CollectiveName, DeviceMemory, Report } from './report';
import type { Phase } from './ir/types';
import { sumCollectives, type CollectiveKeyPart, type CollectiveSum } from './collectiveSums';
import { userRecord } from './record';

/** At most this many differing values are listed one by one (all ids are always given). */
export const VALUE_LIST_LIMIT = 5000;

export interface ShardingDiff {
  value: string;
  /** Value ids in A's and B's programs (the graph highlights them); null where the value is absent. */
  idA: number | null;
  idB: number | null;
  /** Per mesh axis (the union of both meshes); null where the value is absent. */
  a: Record<string, AxisShardingJson> | null;
  b: Record<string, AxisShardingJson> | null;
  /** The axes on which the two differ. */
  axes: string[];
}

export interface CollectiveGroup {
  kind: CollectiveName;
  axes: string[];
  phase: Phase;
  /** The op label (`dot_general @ layer_0/mlp (...)`); '' in the by-kind summary. */
  op: string;
  count: { a: number; b: number };
  bytes: { a: number; b: number };
  seconds: { a: number; b: number };
}

export interface Delta {
  a: number;
  b: number;
  /** b − a */
  delta: number;
}

export interface Comparison {
  /** Whether A and B partition the same program (values matched by id), or different ones (by name). */
  sameModel: boolean;
  meshes: { a: string; b: string };
  shardings: {
    /** How many values differ; `values` lists at most VALUE_LIST_LIMIT of them. */
    count: number;
    values: ShardingDiff[];
    /** Ids in B's program of the differing values that exist in B (for the graph), and in A's. */
    idsA: number[];
    idsB: number[];
  };
  collectives: {
    /** Groups by kind, axes, phase and op present only in B, only in A, or in both with other counts or bytes. */
    added: CollectiveGroup[];
    removed: CollectiveGroup[];
    changed: CollectiveGroup[];
    /** Totals by kind, axes and phase (op ''), every group. */
    byKind: CollectiveGroup[];
    /** Totals by kind alone (axes: every axis a kind runs over in A or B; phase: the first seen). */
    kinds: CollectiveGroup[];
  };
  memory: {
    peak: Delta;
    capacity: { a: number; b: number };
    /** Bytes live at the peak, by category. */
    atPeak: Record<keyof BytesByCategory, Delta>;
  };
  time: {
    step: Delta;
    compute: Delta;
    communication: Delta;
    exposedCommunication: Delta;
    mfu: Delta;
    perAxis: Record<string, Delta>;
  };
}

const delta = (a: number, b: number): Delta => ({ a, b, delta: b - a });

export function compareResults(a: PipelineResult, b: PipelineResult): Comparison {
  const sameModel = sameProgram(a.program, b.program);
  const axes = [...new Set([...a.mesh.axes.map((x) => x.name), ...b.mesh.axes.map((x) => x.name)])];
  return {
    sameModel,
    meshes: { a: meshText(a), b: meshText(b) },
    shardings: sameModel ? diffById(a, b, axes) : diffByName(a, b, axes),
    collectives: diffCollectives(a.report.collectives, b.report.collectives),
    memory: memoryDiff(a.report, b.report),
    time: timeDiff(a.report, b.report),
  };
}

const meshText = (r: PipelineResult) => r.mesh.axes.map((x) => `${x.name}=${x.size}`).join(' × ') || '(one device)';

/** Same values (names, types, defining ops) in the same order: ids mean the same thing in both. */
function sameProgram(a: Program, b: Program): boolean {
  if (a === b) return true;
  if (a.values.length !== b.values.length || a.ops.length !== b.ops.length) return false;
  for (let i = 0; i < a.values.length; i++) {
    const x = a.values[i], y = b.values[i];
    if (x.name !== y.name || x.def !== y.def || x.type.dtype !== y.type.dtype || x.type.shape.join(',') !== y.type.shape.join(',')) return false;
  }
  for (let i = 0; i < a.ops.length; i++) if (a.ops[i].kind !== b.ops[i].kind) return false;
  return true;
}

const sameAxis = (x: AxisShardingJson, y: AxisShardingJson) =>
  typeof x === 'object' && typeof y === 'object' ? x.tiled === y.tiled : x === y;

function perAxis(s: Sharding, axes: readonly string[]): Record<string, AxisShardingJson> {
  const out: Record<string, AxisShardingJson> = userRecord();
  for (const ax of axes) out[ax] = axisShardingJson(s, ax);
  return out;
}

/** Same program: every value by id, named or not. Tiling order on a dim counts as a difference. */
function diffById(a: PipelineResult, b: PipelineResult, axes: readonly string[]): Comparison['shardings'] {
  const values: ShardingDiff[] = [];
  const ids: number[] = [];
  const sa = a.partition.shardings, sb = b.partition.shardings;
  for (let v = 0; v < a.program.values.length; v++) {
    const x = sa[v], y = sb[v];
    if (x === y) continue;
    const px = perAxis(x, axes), py = perAxis(y, axes);
    const differ = axes.filter((ax) => !sameAxis(px[ax], py[ax]));
    const order = differ.length === 0 && x.dims.some((d, i) => d.join(',') !== y.dims[i].join(','));
    if (!differ.length && !order) continue;
    ids.push(v);
    if (values.length < VALUE_LIST_LIMIT) values.push({ value: valueLabel(a.program, v), idA: v, idB: v, a: px, b: py, axes: differ });
  }
  values.sort(namedFirst);
  return { count: ids.length, values, idsA: ids, idsB: [...ids] };
}

/** Different programs: named values matched by name; a name in only one of them is a difference too. */
function diffByName(a: PipelineResult, b: PipelineResult, axes: readonly string[]): Comparison['shardings'] {
  const named = (r: PipelineResult) => {
    const m = new Map<string, ValueId>();
    for (const v of r.program.values) if (v.name !== undefined && !m.has(v.name)) m.set(v.name, v.id);
    return m;
  };
  const na = named(a), nb = named(b);
  const values: ShardingDiff[] = [];
  const idsA: number[] = [], idsB: number[] = [];
  let count = 0;
  for (const name of new Set([...na.keys(), ...nb.keys()])) {
    const ia = na.get(name), ib = nb.get(name);
    const px = ia === undefined ? null : perAxis(a.partition.shardings[ia], axes);
    const py = ib === undefined ? null : perAxis(b.partition.shardings[ib], axes);
    const differ = px && py ? axes.filter((ax) => !sameAxis(px[ax], py[ax])) : [...axes];
    if (px && py && !differ.length) continue;
    count++;
    if (ia !== undefined) idsA.push(ia);
    if (ib !== undefined) idsB.push(ib);
    if (values.length < VALUE_LIST_LIMIT) values.push({ value: name, idA: ia ?? null, idB: ib ?? null, a: px, b: py, axes: differ });
  }
  values.sort(namedFirst);
  return { count, values, idsA, idsB };
}

/** Named values (inputs, named intermediates) before `%id` temporaries; otherwise in program order. */
const namedFirst = (x: ShardingDiff, y: ShardingDiff) =>
  Number(x.value.startsWith('%')) - Number(y.value.startsWith('%')) || (x.idA ?? x.idB ?? 0) - (y.idA ?? y.idB ?? 0);

const sums = (cs: readonly CollectiveJson[], by: readonly CollectiveKeyPart[]): Map<string, CollectiveSum> =>
  new Map(sumCollectives(cs, by).map((g) => [g.key, g]));

function merged(a: readonly CollectiveJson[], b: readonly CollectiveJson[], by: readonly CollectiveKeyPart[]): CollectiveGroup[] {
  const ga = sums(a, by), gb = sums(b, by);
  const out: CollectiveGroup[] = [];
  for (const key of new Set([...ga.keys(), ...gb.keys()])) {
    const x = ga.get(key), y = gb.get(key);
    const base = x ?? y;
    if (!base) continue;
    out.push({
      // Grouped without axes, a kind's axes are those it runs over on either side.
      kind: base.kind, axes: by.includes('axes') ? base.axes : [...new Set([...(x?.axes ?? []), ...(y?.axes ?? [])])], phase: base.phase, op: base.op,
      count: { a: x?.count ?? 0, b: y?.count ?? 0 },
      bytes: { a: x?.bytes ?? 0, b: y?.bytes ?? 0 },
      seconds: { a: x?.seconds ?? 0, b: y?.seconds ?? 0 },
    });
  }
  // The biggest movers first.
  return out.sort((p, q) => Math.abs(q.seconds.b - q.seconds.a) - Math.abs(p.seconds.b - p.seconds.a) || Math.abs(q.bytes.b - q.bytes.a) - Math.abs(p.bytes.b - p.bytes.a));
}

function diffCollectives(a: readonly CollectiveJson[], b: readonly CollectiveJson[]): Comparison['collectives'] {
  const byOp = merged(a, b, ['kind', 'axes', 'phase', 'op']);
  return {
    added: byOp.filter((g) => g.count.a === 0),
    removed: byOp.filter((g) => g.count.b === 0),
    changed: byOp.filter((g) => g.count.a > 0 && g.count.b > 0 && (g.count.a !== g.count.b || g.bytes.a !== g.bytes.b)),
    byKind: merged(a, b, ['kind', 'axes', 'phase']),
    kinds: merged(a, b, ['kind']),
  };
}

/** The device with the highest peak (all are equal under SPMD, but a mesh may not be uniform one day). */
function worst(r: Report): DeviceMemory | undefined {
  let w: DeviceMemory | undefined;
  for (const d of r.memory.perDevice) if (!w || d.peak > w.peak) w = d;
  return w;
}

const CATEGORIES: readonly (keyof BytesByCategory)[] = ['params', 'optimizer', 'gradients', 'activations', 'temporaries'];

function memoryDiff(a: Report, b: Report): Comparison['memory'] {
  const x = worst(a), y = worst(b);
  const atPeak = {} as Record<keyof BytesByCategory, Delta>;
  for (const c of CATEGORIES) atPeak[c] = delta(x?.atPeak[c] ?? 0, y?.atPeak[c] ?? 0);
  return { peak: delta(x?.peak ?? 0, y?.peak ?? 0), capacity: { a: x?.capacity ?? 0, b: y?.capacity ?? 0 }, atPeak };
}

function timeDiff(a: Report, b: Report): Comparison['time'] {
  const perAxis: Record<string, Delta> = userRecord();
  for (const ax of new Set([...Object.keys(a.time.perAxis), ...Object.keys(b.time.perAxis)])) {
    perAxis[ax] = delta(a.time.perAxis[ax] ?? 0, b.time.perAxis[ax] ?? 0);
  }
  return {
    step: delta(a.time.step, b.time.step),
    compute: delta(a.time.compute, b.time.compute),
    communication: delta(a.time.communication, b.time.communication),
    exposedCommunication: delta(a.time.exposedCommunication, b.time.exposedCommunication),
    mfu: delta(a.time.mfu, b.time.mfu),
    perAxis,
  };
}
