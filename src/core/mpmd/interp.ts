/**
 * The MPMD interpreter: runs a pipelined, micro-batched step the way the stages would, and proves it computes
 * what the original step computes.
 *
 * Each device of the pipeline axis holds its own store of buffers and runs its schedule's actions in order;
 * an action runs only when the values it reads from other devices have been sent to it (a device never reads
 * another's store: a missing send is an error, a schedule that waits forever is reported as a deadlock).
 * Within a stage the per-device program runs on the stage's sub-mesh (the other axes: TP, SP, ZeRO, DP) with
 * real collectives, as in the SPMD interpreter. Values read after the micro-batches (the gradients the
 * optimizer reads, the loss) are averaged over them on the device that computes them; the optimizer then
 * runs once per stage.
 */
import { UserError } from '../errors';
import type { Program } from '../ir/types';
import { deviceCount, type Mesh } from '../mesh/mesh';
import type { SpmdProgram } from '../spmd/types';
import { assembleOutputs, localInput, runOpOnDevices } from '../interp/spmd';
import { checkInterpretable } from '../interp/cost';
import { runProgram } from '../interp/reference';
import { judge, randomInputs, type VerifyResult } from '../interp/verify';
import { numel } from '../interp/tensor';
import { deviceOf, groupKey, planMpmd, type MpmdPlan } from './plan';
import { pipelineActions, type Action } from './schedules';
import { MICRO, POST, PRE } from './stages';
import type { PipelineScheduleKind } from './types';

export interface PipelineRunStats {
  /** Per pipeline device: the most (chunk, micro-batch) pairs whose forward ran and backward had not finished. */
  readonly peakInFlight: number[];
  /** Bytes sent point to point from device i to device j (per device of the sub-mesh), `${i}->${j}`. */
  readonly p2pBytes: Map<string, number>;
  /** Actions run, per device, in the order they ran. */
  readonly ran: Action[][];
}

export interface PipelineVerifyResult extends VerifyResult {
  readonly stats: PipelineRunStats;
}

/** The mesh without the pipeline axis: the sub-mesh every stage runs on. */
export function stageMesh(mesh: Mesh, axis: string | undefined): Mesh {
  return { axes: mesh.axes.filter((a) => a.name !== axis) };
}

type Store = Map<string, Float32Array[]>;
const onceKey = (v: number): string => `o${v}`;
const mbKey = (mb: number, v: number): string => `${mb}:${v}`;

/**
 * Runs the step: `micro` is the per-device program of one micro-batch (lowered on a mesh where the pipeline
 * axis shards nothing), `inputsPerMb[mb][i]` the global inputs of micro-batch mb. Returns the global outputs.
 */
export function runPipelined(
  micro: SpmdProgram, pipelineAxis: string | undefined, plan: MpmdPlan, actions: readonly (readonly Action[])[],
  inputsPerMb: readonly (readonly Float32Array[])[],
): { outputs: Float32Array[]; replicaMismatchScaled: number; worstReplica?: string; stats: PipelineRunStats } {
  const mesh = stageMesh(micro.mesh, pipelineAxis);
  const sub = deviceCount(mesh);
  const local = micro.program;
  const p = plan.stages;
  const m = plan.microbatches;
  const stores: Store[] = Array.from({ length: p }, () => new Map());
  const p2pBytes = new Map<string, number>();
  const send = (from: number, to: number, key: string, bufs: Float32Array[], v: number) => {
    stores[to].set(key, bufs);
    const k = `${from}->${to}`;
    p2pBytes.set(k, (p2pBytes.get(k) ?? 0) + numel(local.values[v].type.shape) * 4);
  };

  // Inputs: every stage loads the parameters and state it reads, and its own slice of each micro-batch.
  micro.global.inputs.forEach((gv, i) => {
    const gType = micro.global.values[gv].type;
    const lv = local.inputs[i];
    const what = `input ${micro.global.values[gv].name ?? i}`;
    const pieces = (buf: Float32Array) => Array.from({ length: sub }, (_, d) =>
      localInput(mesh, d, buf, gType.shape, micro.inputShardings[i], local.values[lv].type.shape, what));
    if (plan.perMicrobatch[i]) {
      for (let mb = 0; mb < m; mb++) {
        const ps = pieces(inputsPerMb[mb][i]);
        for (const s of stores) s.set(mbKey(mb, lv), ps);
      }
    } else {
      const ps = pieces(inputsPerMb[0][i]);
      for (const s of stores) s.set(onceKey(lv), ps);
    }
  });

  const read = (d: number, v: number, mb: number, opId: number): Float32Array[] => {
    const b = stores[d].get(mbKey(mb, v)) ?? stores[d].get(onceKey(v));
    if (!b) throw new Error(`pipeline device ${d}: op #${opId} (${local.ops[opId].kind}) reads value %${v}${mb >= 0 ? ` of micro-batch ${mb}` : ''}, which the device neither computed nor received`);
    return b;
  };
  const exec = (d: number, opId: number, mb: number): Float32Array[][] => {
    const op = local.ops[opId];
    const ins = op.operands.map((v) => read(d, v, mb, opId));
    const perDev = runOpOnDevices(op, local, mesh, Array.from({ length: sub }, (_, k) => ins.map((x) => x[k])));
    return op.results.map((_, r) => perDev.map((outs) => outs[r]));
  };
  // A value computed once goes to every other device that reads it (a shared op runs on every device).
  const onceUsers = new Map<number, Set<number>>();
  for (const op of local.ops) {
    if (plan.part[op.id] === MICRO) continue;
    for (const v of op.operands) {
      let s = onceUsers.get(v);
      if (!s) onceUsers.set(v, (s = new Set()));
      s.add(deviceOf(plan, plan.chunkOf[op.id]));
    }
  }
  const microUsersOfOnce = new Map<number, Set<number>>();
  for (const op of local.ops) {
    if (plan.part[op.id] !== MICRO) continue;
    for (const v of op.operands) {
      let s = microUsersOfOnce.get(v);
      if (!s) microUsersOfOnce.set(v, (s = new Set()));
      s.add(deviceOf(plan, plan.chunkOf[op.id]));
    }
  }
  const runOnce = (opId: number) => {
    const c = plan.chunkOf[opId];
    const devices = c < 0 ? Array.from({ length: p }, (_, d) => d) : [deviceOf(plan, c)];
    for (const d of devices) {
      const res = exec(d, opId, -1);
      local.ops[opId].results.forEach((r, k) => {
        stores[d].set(onceKey(r), res[k]);
        if (c < 0) return;
        const to = new Set([...(onceUsers.get(r) ?? []), ...(microUsersOfOnce.get(r) ?? [])]);
        for (const t of to) if (t >= 0 && t !== d) send(d, t, onceKey(r), res[k], r);
      });
    }
  };

  // 1. Once, before the micro-batches.
  for (const op of local.ops) if (plan.part[op.id] === PRE) runOnce(op.id);

  // 2. The micro-batches, each device following its schedule.
  const splitW = actions.some((l) => l.some((a) => a.pass === 'W'));
  const done = new Set<string>();
  const doneKey = (g: number, mb: number) => `${g}@${mb}`;
  const acc = new Map<number, Float32Array[]>();
  const next = new Array<number>(p).fill(0);
  const inFlight = new Array<number>(p).fill(0);
  const peakInFlight = new Array<number>(p).fill(0);
  const ran: Action[][] = Array.from({ length: p }, () => []);
  const groupsOf = (a: Action): number[] => {
    const keys = [groupKey(a.pass, a.chunk)];
    if (a.pass === 'B' && !splitW) keys.push(groupKey('W', a.chunk));
    return keys;
  };
  const ready = (a: Action): boolean => groupsOf(a).every((g) =>
    [...(plan.deps.get(g) ?? [])].every((dep) => groupsOf(a).includes(dep) || done.has(doneKey(dep, a.mb))));
  let remaining = actions.reduce((n, l) => n + l.length, 0);
  while (remaining > 0) {
    let progress = false;
    for (let d = 0; d < p; d++) {
      const a = actions[d][next[d]];
      if (!a || !ready(a)) continue;
      if (deviceOf(plan, a.chunk) !== d) throw new Error(`schedule gives chunk ${a.chunk} to device ${d}`);
      const keys = groupsOf(a);
      const ops = keys.flatMap((g) => [...(plan.groups.get(g) ?? [])]).sort((x, y) => x - y);
      for (const opId of ops) {
        const res = exec(d, opId, a.mb);
        local.ops[opId].results.forEach((r, k) => {
          stores[d].set(mbKey(a.mb, r), res[k]);
          for (const t of plan.microSends.get(r) ?? []) send(d, t, mbKey(a.mb, r), res[k], r);
          if (plan.accumulated.has(r)) {
            const sum = acc.get(r) ?? res[k].map((x) => new Float32Array(x.length));
            res[k].forEach((x, j) => { for (let e = 0; e < x.length; e++) sum[j][e] += x[e] / m; });
            acc.set(r, sum);
          }
        });
      }
      for (const g of keys) done.add(doneKey(g, a.mb));
      if (a.pass === 'F') peakInFlight[d] = Math.max(peakInFlight[d], ++inFlight[d]);
      const finished = splitW ? a.pass === 'W' : a.pass === 'B';
      if (finished) inFlight[d]--;
      ran[d].push(a);
      next[d]++;
      remaining--;
      progress = true;
    }
    if (!progress) {
      const waiting = actions.map((l, d) => (l[next[d]] ? `device ${d} waits at ${l[next[d]].pass}${l[next[d]].chunk}/mb${l[next[d]].mb}` : '')).filter(Boolean);
      throw new UserError('pipeline', `the schedule deadlocks: ${waiting.join('; ')}`);
    }
  }
  // A value accumulated on one device is sent, once, to the devices whose post ops read it.
  for (const [v, sum] of acc) {
    const c = plan.chunkOf[local.values[v].def];
    const d = deviceOf(plan, c);
    stores[d].set(onceKey(v), sum);
    for (const t of onceUsers.get(v) ?? []) if (t >= 0 && t !== d) send(d, t, onceKey(v), sum, v);
  }

  // 3. Once, after: the optimizer on the averaged gradients.
  for (const op of local.ops) if (plan.part[op.id] === POST) runOnce(op.id);

  // Outputs, from the device that holds each.
  const bufs: Float32Array[][] = Array.from({ length: sub }, () => new Array<Float32Array>(local.values.length));
  for (const o of local.outputs) {
    const def = local.values[o.value].def;
    const d = def >= 0 ? Math.max(0, deviceOf(plan, plan.chunkOf[def])) : 0;
    const b = stores[d].get(onceKey(o.value));
    if (!b) throw new Error(`pipeline: output ${o.name} is on no device`);
    for (let k = 0; k < sub; k++) bufs[k][o.value] = b[k];
  }
  const run = assembleOutputs({ ...micro, mesh }, bufs);
  return { outputs: run.outputs, replicaMismatchScaled: run.replicaMismatchScaled, worstReplica: run.worstReplica, stats: { peakInFlight, p2pBytes, ran } };
}

/** The inputs of each micro-batch: batch/* inputs cut along dim 0, the others shared. */
export function microbatchInputs(original: Program, micro: Program, inputs: readonly Float32Array[], m: number): Float32Array[][] {
  const byName = new Map<string, number>();
  original.inputs.forEach((v, i) => byName.set(original.values[v].name ?? `#${i}`, i));
  return Array.from({ length: m }, (_, mb) => micro.inputs.map((v, j) => {
    const name = micro.values[v].name ?? `#${j}`;
    const i = byName.get(name);
    if (i === undefined) throw new UserError('pipeline', `the micro-batch program has an input ${name} that the step does not have`);
    const full = original.values[original.inputs[i]].type.shape;
    const want = micro.values[v].type.shape;
    if (!name.startsWith('batch/')) return inputs[i];
    if (full[0] !== want[0] * m || full.slice(1).some((n, k) => n !== want[k + 1]))
      throw new UserError('pipeline', `${name}: the step's shape [${full.join(',')}] is not ${m} micro-batches of [${want.join(',')}]`);
    const size = numel(want);
    return inputs[i].slice(mb * size, (mb + 1) * size);
  }));
}

export interface VerifyPipelineOptions {
  seed?: number;
  tolerance?: number;
  /** Runs another order of actions than the schedule's (given them): to check a hand-written schedule. */
  actions?: (scheduled: Action[][]) => Action[][];
}

/**
 * The proof: runs `original` (the whole step) with the reference interpreter and the pipelined,
 * micro-batched step over the mesh, on the same random inputs, and compares their outputs.
 */
export function verifyPipeline(
  original: Program, micro: SpmdProgram,
  split: { microbatches: number; axis?: string; stages: number; schedule: PipelineScheduleKind; virtual: number; layersPerStage?: readonly number[] },
  opts: VerifyPipelineOptions = {},
): PipelineVerifyResult {
  const sub = deviceCount(stageMesh(micro.mesh, split.axis));
  checkInterpretable(original);
  checkInterpretable(micro.program, sub * split.stages * split.microbatches);
  const inputs = randomInputs(original, opts.seed ?? 0);
  const want = runProgram(original, inputs);
  const plan = planMpmd(micro, split.stages, split.stages * split.virtual, split.microbatches, { splitW: split.schedule === 'ZB-H1', layersPerChunk: split.layersPerStage });
  const actions = opts.actions?.(pipelineActions(split.schedule, split.stages, split.microbatches, split.virtual))
    ?? pipelineActions(split.schedule, split.stages, split.microbatches, split.virtual);
  const run = runPipelined(micro, split.axis, plan, actions, microbatchInputs(original, micro.global, inputs, split.microbatches));
  if (original.outputs.length !== micro.global.outputs.length || original.outputs.some((o, j) => o.name !== micro.global.outputs[j].name))
    throw new UserError('pipeline', 'the micro-batch program has other outputs than the step');
  const verdict = judge(original, inputs, want, run, sub * split.stages, opts.tolerance);
  return { ...verdict, stats: run.stats };
}

