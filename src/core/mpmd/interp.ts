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
  const run = new PipelineRun(micro, stageMesh(micro.mesh, pipelineAxis), plan);
  run.loadInputs(inputsPerMb);
  // 1. Once, before the micro-batches.
  for (const op of run.local.ops) if (plan.part[op.id] === PRE) run.runOnce(op.id);
  // 2. The micro-batches, each device following its schedule.
  const { peakInFlight, ran } = run.runSchedule(actions);
  run.shareAccumulated();
  // 3. Once, after: the optimizer on the averaged gradients.
  for (const op of run.local.ops) if (plan.part[op.id] === POST) run.runOnce(op.id);
  const out = assembleOutputs({ ...micro, mesh: run.mesh }, run.outputBuffers());
  return { outputs: out.outputs, replicaMismatchScaled: out.replicaMismatchScaled, worstReplica: out.worstReplica, stats: { peakInFlight, p2pBytes: run.p2pBytes, ran } };
}

/** The devices of `ops` (by their chunk's stage) that read each value. */
function readersOf(plan: MpmdPlan, ops: Iterable<{ readonly id: number; readonly operands: readonly number[] }>): Map<number, Set<number>> {
  const out = new Map<number, Set<number>>();
  for (const op of ops) {
    for (const v of op.operands) {
      let s = out.get(v);
      if (!s) out.set(v, (s = new Set()));
      s.add(deviceOf(plan, plan.chunkOf[op.id]));
    }
  }
  return out;
}

/** One pipelined run: each pipeline device's store of buffers, and the bytes sent between devices. */
class PipelineRun {
  readonly local: Program;
  readonly stores: Store[];
  readonly p2pBytes = new Map<string, number>();
  /** The devices of the sub-mesh each stage runs on. */
  private readonly sub: number;
  /** Devices whose once-ops read a value: a value computed once goes to every other device that reads it. */
  private readonly onceUsers: Map<number, Set<number>>;
  private readonly microUsersOfOnce: Map<number, Set<number>>;
  /** Values accumulated over the micro-batches (their mean), on the device that computes them. */
  private readonly acc = new Map<number, Float32Array[]>();

  constructor(private readonly micro: SpmdProgram, readonly mesh: Mesh, private readonly plan: MpmdPlan) {
    this.local = micro.program;
    this.sub = deviceCount(mesh);
    this.stores = Array.from({ length: plan.stages }, () => new Map());
    this.onceUsers = readersOf(plan, this.local.ops.filter((op) => plan.part[op.id] !== MICRO));
    this.microUsersOfOnce = readersOf(plan, this.local.ops.filter((op) => plan.part[op.id] === MICRO));
  }

  private send(from: number, to: number, key: string, bufs: Float32Array[], v: number): void {
    this.stores[to].set(key, bufs);
    const k = `${from}->${to}`;
    this.p2pBytes.set(k, (this.p2pBytes.get(k) ?? 0) + numel(this.local.values[v].type.shape) * 4);
  }

  /** Inputs: every stage loads the parameters and state it reads, and its own slice of each micro-batch. */
  loadInputs(inputsPerMb: readonly (readonly Float32Array[])[]): void {
    const { micro, local, mesh, sub } = this;
    micro.global.inputs.forEach((gv, i) => {
      const gType = micro.global.values[gv].type;
      const lv = local.inputs[i];
      const what = `input ${micro.global.values[gv].name ?? i}`;
      const pieces = (buf: Float32Array) => Array.from({ length: sub }, (_, d) =>
        localInput(mesh, d, buf, gType.shape, micro.inputShardings[i], local.values[lv].type.shape, what));
      if (this.plan.perMicrobatch[i]) {
        for (let mb = 0; mb < this.plan.microbatches; mb++) {
          const ps = pieces(inputsPerMb[mb][i]);
          for (const s of this.stores) s.set(mbKey(mb, lv), ps);
        }
      } else {
        const ps = pieces(inputsPerMb[0][i]);
        for (const s of this.stores) s.set(onceKey(lv), ps);
      }
    });
  }

  private read(d: number, v: number, mb: number, opId: number): Float32Array[] {
    const b = this.stores[d].get(mbKey(mb, v)) ?? this.stores[d].get(onceKey(v));
    if (!b) throw new Error(`pipeline device ${d}: op #${opId} (${this.local.ops[opId].kind}) reads value %${v}${mb >= 0 ? ` of micro-batch ${mb}` : ''}, which the device neither computed nor received`);
    return b;
  }

  /** Runs one op on pipeline device d's sub-mesh; per result, its per-device buffers. */
  private exec(d: number, opId: number, mb: number): Float32Array[][] {
    const op = this.local.ops[opId];
    const ins = op.operands.map((v) => this.read(d, v, mb, opId));
    const perDev = runOpOnDevices(op, this.local, this.mesh, Array.from({ length: this.sub }, (_, k) => ins.map((x) => x[k])));
    return op.results.map((_, r) => perDev.map((outs) => outs[r]));
  }

  /** A once-op: on its chunk's device (every device for shared ops); results sent to the devices that read them. */
  runOnce(opId: number): void {
    const { plan } = this;
    const c = plan.chunkOf[opId];
    const devices = c < 0 ? Array.from({ length: plan.stages }, (_, d) => d) : [deviceOf(plan, c)];
    for (const d of devices) {
      const res = this.exec(d, opId, -1);
      this.local.ops[opId].results.forEach((r, k) => {
        this.stores[d].set(onceKey(r), res[k]);
        if (c < 0) return;
        const to = new Set([...(this.onceUsers.get(r) ?? []), ...(this.microUsersOfOnce.get(r) ?? [])]);
        for (const t of to) if (t >= 0 && t !== d) this.send(d, t, onceKey(r), res[k], r);
      });
    }
  }

  /**
   * Runs every device's actions in order, each as soon as the values it reads are there; a round where no
   * device can move is a deadlock. Returns the peak micro-batches in flight and the order actions ran.
   */
  runSchedule(actions: readonly (readonly Action[])[]): { peakInFlight: number[]; ran: Action[][] } {
    const p = this.plan.stages;
    const sched = new ScheduleState(this.plan, actions.some((l) => l.some((a) => a.pass === 'W')));
    const next = new Array<number>(p).fill(0);
    const inFlight = new Array<number>(p).fill(0);
    const peakInFlight = new Array<number>(p).fill(0);
    const ran: Action[][] = Array.from({ length: p }, () => []);
    let remaining = actions.reduce((n, l) => n + l.length, 0);
    while (remaining > 0) {
      let progress = false;
      for (let d = 0; d < p; d++) {
        const a = actions[d][next[d]];
        if (!a || !sched.ready(a)) continue;
        if (deviceOf(this.plan, a.chunk) !== d) throw new Error(`schedule gives chunk ${a.chunk} to device ${d}`);
        this.runAction(d, a, sched);
        if (a.pass === 'F') peakInFlight[d] = Math.max(peakInFlight[d], ++inFlight[d]);
        if (sched.splitW ? a.pass === 'W' : a.pass === 'B') inFlight[d]--;
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
    return { peakInFlight, ran };
  }

  /** One action's ops on device d: results stored, sent where the plan sends them, accumulated where averaged. */
  private runAction(d: number, a: Action, sched: ScheduleState): void {
    const { plan } = this;
    const m = plan.microbatches;
    const keys = sched.groupsOf(a);
    const ops = keys.flatMap((g) => [...(plan.groups.get(g) ?? [])]).sort((x, y) => x - y);
    for (const opId of ops) {
      const res = this.exec(d, opId, a.mb);
      this.local.ops[opId].results.forEach((r, k) => {
        this.stores[d].set(mbKey(a.mb, r), res[k]);
        for (const t of plan.microSends.get(r) ?? []) this.send(d, t, mbKey(a.mb, r), res[k], r);
        if (plan.accumulated.has(r)) {
          const sum = this.acc.get(r) ?? res[k].map((x) => new Float32Array(x.length));
          res[k].forEach((x, j) => { for (let e = 0; e < x.length; e++) sum[j][e] += x[e] / m; });
          this.acc.set(r, sum);
        }
      });
    }
    sched.finish(keys, a.mb);
  }

  /** A value accumulated on one device is sent, once, to the devices whose post ops read it. */
  shareAccumulated(): void {
    for (const [v, sum] of this.acc) {
      const d = deviceOf(this.plan, this.plan.chunkOf[this.local.values[v].def]);
      this.stores[d].set(onceKey(v), sum);
      for (const t of this.onceUsers.get(v) ?? []) if (t >= 0 && t !== d) this.send(d, t, onceKey(v), sum, v);
    }
  }

  /** Outputs, from the device that holds each: per sub-mesh device, buffers indexed by value. */
  outputBuffers(): Float32Array[][] {
    const { local, plan } = this;
    const bufs: Float32Array[][] = Array.from({ length: this.sub }, () => new Array<Float32Array>(local.values.length));
    for (const o of local.outputs) {
      const def = local.values[o.value].def;
      const d = def >= 0 ? Math.max(0, deviceOf(plan, plan.chunkOf[def])) : 0;
      const b = this.stores[d].get(onceKey(o.value));
      if (!b) throw new Error(`pipeline: output ${o.name} is on no device`);
      for (let k = 0; k < this.sub; k++) bufs[k][o.value] = b[k];
    }
    return bufs;
  }
}

/** Which (group, micro-batch) pairs have run: an action is ready when the groups it depends on have. */
class ScheduleState {
  private readonly done = new Set<string>();

  constructor(private readonly plan: MpmdPlan, readonly splitW: boolean) {}

  /** The op groups an action runs: without a split W pass a backward also computes the weight gradients. */
  groupsOf(a: Action): number[] {
    const keys = [groupKey(a.pass, a.chunk)];
    if (a.pass === 'B' && !this.splitW) keys.push(groupKey('W', a.chunk));
    return keys;
  }

  ready(a: Action): boolean {
    const own = this.groupsOf(a);
    return own.every((g) => [...(this.plan.deps.get(g) ?? [])].every((dep) => own.includes(dep) || this.done.has(`${dep}@${a.mb}`)));
  }

  finish(groups: readonly number[], mb: number): void {
    for (const g of groups) this.done.add(`${g}@${mb}`);
  }
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

