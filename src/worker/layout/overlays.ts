/** Sharding overlays (per-axis states, group shares) and collectives tied to the graph, cached per snapshot. */
import type { TensorType, ValueId } from '../../core/ir/types';
import { axisShardingJson, formatShardedType as coreFormatShardedType } from '../../core/partition/sharding';
import type { Sharding } from '../../core/partition/types';
import type { CollectiveName } from '../../core/report';
import { carriedValue, collectiveBytes, collectiveName } from '../../core/spmd/collectives';
import type { SpmdProgram } from '../../core/spmd/types';
import type { GraphModel } from './model';
import type { AxisMark, CollectiveMark } from './types';

/** How `axis` acts on a value, as the graph marks it (core's axisShardingJson, with the axis named). */
export function axisState(s: Sharding | undefined, axis: string): AxisMark {
  const state = axisShardingJson(s, axis);
  return typeof state === 'object' ? { axis, state: 'tiled', dim: state.tiled } : { axis, state };
}

/** `bf16[8@batch, 2048, 4096@model]` (core's notation); a value without a sharding prints replicated. */
export function formatShardedType(type: TensorType, s: Sharding | undefined): string {
  return coreFormatShardedType(type, s ?? { dims: type.shape.map(() => []), partial: [] });
}


export interface RawCollective {
  kind: CollectiveName;
  axes: readonly string[];
  bytes: number;
  /** Producer leaf of the resharded value (global op or input node), or -1 when unknown. */
  from: number;
  /** The global op the collective serves. */
  to: number;
}


const collectiveCache = new WeakMap<SpmdProgram, RawCollective[]>();

/** Collectives of the per-device program, each tied to the global data-flow edge (or op) where it occurs. */
export function collectivesOf(m: GraphModel, spmd: SpmdProgram): RawCollective[] {
  const hit = collectiveCache.get(spmd);
  if (hit) return hit;
  const p = spmd.program;
  const localInput = new Map<ValueId, number>();
  p.inputs.forEach((v, i) => localInput.set(v, i));
  const out: RawCollective[] = [];
  for (const op of p.ops) {
    const kind = collectiveName(op.kind);
    if (!kind || !('axes' in op.attrs)) continue; // shard_slice and compute ops move no data
    const to = spmd.source[op.id];
    // The compute op (or input) that produced the value a chain of collectives carries.
    const v = carriedValue(p, op.operands[0]);
    const def = p.values[v].def;
    let from = -1;
    if (def >= 0) from = spmd.source[def];
    else {
      const i = localInput.get(v);
      if (i !== undefined && i < m.nInputs) from = m.nOps + i;
    }
    out.push({ kind, axes: op.attrs.axes as readonly string[], bytes: collectiveBytes(op, p), from, to });
  }
  collectiveCache.set(spmd, out);
  return out;
}


export function addMark(list: CollectiveMark[], c: RawCollective): void {
  const i = list.findIndex((x) => x.kind === c.kind && x.axes.join(',') === c.axes.join(','));
  if (i < 0) list.push({ kind: c.kind, axes: c.axes, bytes: c.bytes, count: 1 });
  else list[i] = { ...list[i], bytes: list[i].bytes + c.bytes, count: list[i].count + 1 };
}


const codeCache = new WeakMap<readonly Sharding[], Uint8Array>();

/** Per leaf and mesh axis: 0 replicated, 1 tiled, 2 partial; cached per shardings snapshot (one per stage). */
function leafStateCodes(m: GraphModel, shardings: readonly Sharding[], axes: readonly { name: string }[]): Uint8Array {
  const hit = codeCache.get(shardings);
  if (hit && hit.length === (m.nOps + m.nInputs) * axes.length) return hit;
  const na = axes.length;
  const codes = new Uint8Array((m.nOps + m.nInputs) * na);
  for (let l = 0; l < m.nOps + m.nInputs; l++) {
    const v = l < m.nOps ? m.program.ops[l].results[0] : m.program.inputs[l - m.nOps];
    const s = v === undefined ? undefined : shardings[v];
    if (!s) continue;
    for (let i = 0; i < na; i++) {
      const st = axisState(s, axes[i].name).state;
      codes[l * na + i] = st === 'tiled' ? 1 : st === 'partial' ? 2 : 0;
    }
  }
  codeCache.set(shardings, codes);
  return codes;
}


export interface GroupCounts {
  readonly gTiled: Int32Array;
  readonly gPartial: Int32Array;
  readonly gTotal: Int32Array;
}
const countCache = new WeakMap<readonly Sharding[], GroupCounts>();

/** Per group and mesh axis: how many leaves under it are tiled / partial; cached per shardings snapshot. */
export function groupStateCounts(m: GraphModel, shardings: readonly Sharding[] | undefined, axes: readonly { name: string }[]): GroupCounts {
  const firstGroup = m.nOps + m.nInputs;
  const nGroups = m.nNodes - firstGroup;
  const na = axes.length;
  const hit = shardings && countCache.get(shardings);
  if (hit && hit.gTiled.length === nGroups * na && hit.gTotal.length === nGroups) return hit;
  const out = { gTiled: new Int32Array(nGroups * na), gPartial: new Int32Array(nGroups * na), gTotal: new Int32Array(nGroups) };
  if (!shardings || !na) return out;
  const codes = leafStateCodes(m, shardings, axes);
  for (let l = 0; l < firstGroup; l++) {
    for (let g = m.parent[l]; g >= 0; g = m.parent[g]) {
      const k = g - firstGroup;
      out.gTotal[k]++;
      for (let i = 0; i < na; i++) {
        const c = codes[l * na + i];
        if (c === 1) out.gTiled[k * na + i]++;
        else if (c === 2) out.gPartial[k * na + i]++;
      }
    }
  }
  countCache.set(shardings, out);
  return out;
}
