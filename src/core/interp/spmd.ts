import { UserError } from '../errors';
import { COLLECTIVE_KINDS } from '../ir/types';
import { deviceCount, groupIndex, groupMembers } from '../mesh/mesh';
import type { Mesh } from '../mesh/mesh';
import type { Op, Program } from '../ir/types';
import type { Sharding } from '../partition/types';
import type { SpmdProgram } from '../spmd/types';
import { runCollective, sumOf } from './collectives';
import { checkInputs, evalOp, lastReaders } from './reference';
import { numel } from './tensor';
import { extractTile, insertTile, tileOf } from './tiling';

export interface SpmdRun {
  /** Global outputs, in `spmd.global.outputs` order, reassembled from the devices' tiles. */
  readonly outputs: Float32Array[];
  /** Largest absolute difference between replicas that should hold the same tile (0 when they agree). */
  readonly replicaMismatch: number;
  /** The same difference scaled by max(1, |value|), for magnitude-aware checks. */
  readonly replicaMismatchScaled: number;
  /** Where the largest replica difference is, e.g. `loss[0]: device 0 has 1.5, device 3 has 1.25`. */
  readonly worstReplica?: string;
}

const isCollective = (kind: string): boolean => (COLLECTIVE_KINDS as readonly string[]).includes(kind);

/**
 * Device d's local piece of a global input. Tiled dims are cut by `tileOf`; along partial axes
 * (unusual for an input) the device with group index 0 holds the value and the others hold zero,
 * so that the partial sum is the value.
 */
export function localInput(mesh: Mesh, d: number, global: Float32Array, shape: readonly number[], sh: Sharding, want: readonly number[], what: string): Float32Array {
  const tile = tileOf(mesh, d, shape, sh, what);
  if (tile.shape.length !== want.length || tile.shape.some((n, i) => n !== want[i]))
    throw new UserError('interp', `${what}: its sharding gives local pieces of shape [${tile.shape.join(',')}] but the per-device program expects [${want.join(',')}]`);
  const piece = extractTile(global, shape, tile);
  if (sh.partial.length > 0 && groupIndex(mesh, d, sh.partial) !== 0) return new Float32Array(piece.length);
  return piece;
}

/**
 * Runs the per-device program on every device of the mesh, op by op in lockstep so that each
 * collective sees all devices' operands, and reassembles the global outputs.
 */
export function runSpmd(spmd: SpmdProgram, globalInputs: readonly Float32Array[]): SpmdRun {
  const { mesh, program: local, global } = spmd;
  checkInputs(global, globalInputs);
  if (local.inputs.length !== global.inputs.length || spmd.inputShardings.length !== global.inputs.length)
    throw new UserError('interp', `SPMD program has ${local.inputs.length} inputs and ${spmd.inputShardings.length} input shardings; the global program has ${global.inputs.length} inputs`);
  if (local.outputs.length !== global.outputs.length || spmd.outputShardings.length !== global.outputs.length)
    throw new UserError('interp', `SPMD program has ${local.outputs.length} outputs and ${spmd.outputShardings.length} output shardings; the global program has ${global.outputs.length} outputs`);

  const devices = deviceCount(mesh);
  const bufs: Float32Array[][] = Array.from({ length: devices }, () => new Array<Float32Array>(local.values.length));

  global.inputs.forEach((gv, i) => {
    const gType = global.values[gv].type;
    const lv = local.inputs[i];
    const what = `input ${global.values[gv].name ?? i}`;
    for (let d = 0; d < devices; d++) {
      const piece = localInput(mesh, d, globalInputs[i], gType.shape, spmd.inputShardings[i], local.values[lv].type.shape, what);
      bufs[d][lv] = piece;
    }
  });

  const last = lastReaders(local);
  local.ops.forEach((op, i) => {
    const outs = runOpOnDevices(op, local, mesh, bufs.map((b) => op.operands.map((v) => b[v])));
    for (let d = 0; d < devices; d++) op.results.forEach((r, k) => {
      bufs[d][r] = outs[d][k];
    });
    for (const v of op.operands) if (last[v] === i) for (let d = 0; d < devices; d++) delete bufs[d][v];
  });
  return assembleOutputs(spmd, bufs);
}

/**
 * Runs one op of a per-device program on every device of `mesh` (`ins[d]`: device d's operands), in
 * lockstep so that a collective sees all devices' operands. Returns each device's results.
 */
export function runOpOnDevices(op: Op, local: Program, mesh: Mesh, ins: readonly (readonly Float32Array[])[]): Float32Array[][] {
  if (isCollective(op.kind)) {
    const shape = local.values[op.operands[0]].type.shape;
    const outs = runCollective(op, mesh, ins.map((x) => x[0]), shape);
    const want = numel(local.values[op.results[0]].type.shape);
    return outs.map((o) => {
      if (o.length !== want) throw new Error(`${op.kind} (op #${op.id}) produced ${o.length} elements, its result type needs ${want}`);
      return [o];
    });
  }
  return ins.map((x) => evalOp(op, local, x));
}

/**
 * The global outputs reassembled from every device's buffers (`bufs[d][v]`: device d's buffer of value v of
 * the per-device program), with how far replicas that should agree differ.
 */
export function assembleOutputs(spmd: SpmdProgram, bufs: readonly (readonly Float32Array[])[]): SpmdRun {
  const { mesh, program: local, global } = spmd;
  const devices = deviceCount(mesh);
  let replicaMismatch = 0, replicaMismatchScaled = 0;
  let worstReplica: string | undefined;
  const outputs = global.outputs.map((go, j) => {
    const shape = global.values[go.value].type.shape;
    const sh = spmd.outputShardings[j];
    const lv = local.outputs[j].value;
    const localShape = local.values[lv].type.shape;
    const result = new Float32Array(numel(shape));
    // a device's contribution: its tile, summed over the partial axes if any (outputs should have none)
    const contribution = (d: number): Float32Array =>
      sh.partial.length === 0 ? bufs[d][lv] : sumOf(groupMembers(mesh, d, sh.partial).map((m) => bufs[m][lv]));
    const firstHolder = new Map<string, number>();
    for (let d = 0; d < devices; d++) {
      if (sh.partial.length > 0 && groupIndex(mesh, d, sh.partial) !== 0) continue;
      const tile = tileOf(mesh, d, shape, sh, `output ${go.name}`);
      if (d === 0 && (tile.shape.length !== localShape.length || tile.shape.some((n, i) => n !== localShape[i])))
        throw new UserError('interp', `output ${go.name}: its sharding gives tiles of shape [${tile.shape.join(',')}] but the per-device program produces [${localShape.join(',')}]`);
      const key = tile.start.join(',');
      const mine = contribution(d);
      const first = firstHolder.get(key);
      if (first === undefined) {
        firstHolder.set(key, d);
        insertTile(result, shape, tile, mine);
        continue;
      }
      const theirs = contribution(first);
      for (let k = 0; k < mine.length; k++) {
        const diff = Object.is(mine[k], theirs[k]) ? 0 : Math.abs(mine[k] - theirs[k]);
        const d0 = Number.isNaN(diff) ? Infinity : diff;
        const scaled = d0 / Math.max(1, Math.abs(theirs[k]));
        if (d0 > replicaMismatch) {
          replicaMismatch = d0;
          worstReplica = `${go.name} (tile at [${key}], local element ${k}): device ${first} has ${theirs[k]}, device ${d} has ${mine[k]}`;
        }
        replicaMismatchScaled = Math.max(replicaMismatchScaled, scaled);
      }
    }
    return result;
  });
  return { outputs, replicaMismatch, replicaMismatchScaled, worstReplica };
}
