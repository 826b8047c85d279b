/**
 * The pipeline simulator: step time, bubble and per-stage memory of a pipelined, micro-batched step.
 *
 * Costs come from the per-device program of one micro-batch (the cost model of src/core/sim): an action's
 * ops run on the compute and communication streams of sim/schedule.ts (a collective its next op reads, such
 * as a tensor-parallel all-reduce, sits on its critical path); point-to-point sends cost bytes / bandwidth +
 * latency on the pipeline axis's link; each device runs its schedule (timing.ts). After the last backward,
 * the post ops run once: each chunk's gradient reductions over the data-parallel axes start as its last
 * backward produces its first layer's gradients (with `overlap`), and the optimizer runs when they are done.
 * Memory per stage: its parameters, optimizer state and gradient accumulators, plus the activations every
 * micro-batch in flight keeps from its forward to its backward, plus the largest working set of one op.
 */
import { isRecomputed } from '../models/autodiff';
import { deviceCount } from '../mesh/mesh';
import { axisLink, type Hardware } from '../mesh/hardware';
import type { PipelineJson, PipelineStageJson } from '../report';
import { collectiveOpSeconds, computeCost, fastFlops, fusedValues, isCommunication } from '../sim/cost';
import { mfuPeak } from '../sim/simulate';
import { indexProgram } from '../sim/index_program';
import { runStreams } from '../sim/schedule';
import { analyzeMemory, CAT_ACTIVATIONS, CAT_GRADIENTS, CAT_OPTIMIZER, CAT_PARAMS } from '../sim/memory';
import type { SpmdProgram } from '../spmd/types';
import { stageBoundaries } from './boundaries';
import { deviceOf, groupKey, type MpmdPlan } from './plan';
import { idealBubble, pipelineActions, type Action, type Pass } from './schedules';
import { MICRO, POST, PRE } from './stages';
import { timeActions, type TimedAction } from './timing';
import type { PipelineScheduleKind, StepSplit } from './types';

/** At most this many Gantt entries are reported (a 384-micro-batch run has ~10k per stage). */
export const MAX_GANTT = 20000;

export interface PipelineSimulation {
  readonly json: PipelineJson;
  readonly step: number;
  /** Per pipeline stage: its peak bytes (per device of the stage). */
  readonly peaks: number[];
  readonly compute: number;
  readonly communication: number;
  readonly exposedCommunication: number;
  /** Collective and p2p seconds by mesh axis, on the stage that spends the most. */
  readonly perAxis: Record<string, number>;
  readonly mfu: number;
}

/** What every step of the simulation reads: the per-device program, its plan, and each op's seconds. */
interface Ctx {
  readonly p: SpmdProgram['program'];
  readonly ix: ReturnType<typeof indexProgram>;
  readonly plan: MpmdPlan;
  /** Pipeline stages (devices along the pipeline axis). */
  readonly P: number;
  /** ZB-H1: backward passes split into B (input gradients) and W (weight gradients). */
  readonly splitW: boolean;
  readonly dur: Float64Array;
  readonly comm: Uint8Array;
}

export function simulatePipeline(spmd: SpmdProgram, plan: MpmdPlan, split: StepSplit, hw: Hardware, opts: { overlap: boolean }): PipelineSimulation {
  const p = spmd.program;
  const ix = indexProgram(p);
  const m = plan.microbatches;
  const pl = split.pipeline;
  const schedule: PipelineScheduleKind = pl?.schedule ?? '1F1B';
  const v = pl?.virtual ?? 1;
  const { dur, comm } = opSeconds(p, ix, hw);
  const cx: Ctx = { p, ix, plan, P: plan.stages, splitW: schedule === 'ZB-H1', dur, comm };
  const link = pl ? axisLink(hw, pl.axis) : undefined;
  const p2pSeconds = (bytes: number): number => (link && bytes > 0 ? bytes / link.bandwidth + link.latency : 0);
  const sends = sendBytes(cx);
  const once = onceOps(cx);
  const timed = timeActions(pipelineActions(schedule, cx.P, m, v), {
    stages: cx.P,
    duration: actionDuration(cx, opts.overlap),
    deps: (a) => {
      const own = keysOf(cx, a);
      const out: { pass: Pass; chunk: number }[] = [];
      for (const g of own) for (const d of plan.deps.get(g) ?? []) if (!own.includes(d)) out.push({ pass: passOf(d), chunk: Math.floor(d / 3) });
      return out;
    },
    transfer: (from, to) => p2pSeconds(sends.get(groupKey(from.pass, from.chunk))?.get(to) ?? 0),
    startAt: once.preT,
  });
  const stepReport = reportStages(cx, timed, { sends, once, mem: stageMemory(cx), p2pSeconds, overlap: opts.overlap, v });
  const { stages, gantt, p2p, step } = stepReport;
  const bubbleFraction = Math.max(...stages.map((s, d) => {
    const work = timed[d].reduce((n, a) => n + a.end - a.start, 0);
    return work > 0 ? s.bubble / work : 0;
  }));
  let p2pTotalBytes = 0;
  for (const mm of sends.values()) for (const b of mm.values()) p2pTotalBytes += b * m;
  const json: PipelineJson = {
    tactic: split.tactic,
    axis: pl?.axis ?? null,
    schedule: pl ? schedule : 'accumulate',
    stages: cx.P,
    virtual: v,
    microbatches: m,
    bubbleFraction,
    idealBubbleFraction: pl ? idealBubble(schedule, cx.P, m, v) : 0,
    p2pBytes: p2pTotalBytes,
    perStage: stages,
    gantt,
    p2p,
    truncated: gantt.length >= MAX_GANTT || p2p.length >= MAX_GANTT,
  };
  const p2pSecondsTotal = p2p.reduce((s, x) => s + (x.end - x.start), 0);
  return {
    json, step, peaks: stages.map((s) => s.peakMemory), compute: stepReport.busiest,
    communication: stepReport.tpComm / Math.max(1, cx.P) + Math.max(...once.postComm) + p2pSecondsTotal / Math.max(1, cx.P),
    exposedCommunication: stepReport.exposed, perAxis: perAxisSeconds(cx, hw, p2p, pl?.axis), mfu: modelFlopsUtilization(spmd, m, step, hw),
  };
}

/** Each op's seconds under the cost model of src/core/sim, and whether it is communication. */
function opSeconds(p: SpmdProgram['program'], ix: ReturnType<typeof indexProgram>, hw: Hardware): { dur: Float64Array; comm: Uint8Array } {
  const fused = fusedValues(p, ix);
  const dur = new Float64Array(p.ops.length);
  const comm = new Uint8Array(p.ops.length);
  for (const op of p.ops) {
    if (isCommunication(op.kind)) {
      comm[op.id] = 1;
      dur[op.id] = collectiveOpSeconds(op, p, hw);
    } else dur[op.id] = computeCost(op, p, hw, fused, ix).seconds;
  }
  return { dur, comm };
}

/** The op groups an action runs: without ZB-H1 a backward also computes the weight gradients (W). */
function keysOf(cx: Ctx, a: Action): number[] {
  return a.pass === 'B' && !cx.splitW ? [groupKey('B', a.chunk), groupKey('W', a.chunk)] : [groupKey(a.pass, a.chunk)];
}

function passOf(g: number): Pass {
  return (['F', 'B', 'W'] as const)[g % 3];
}

/** Per op group: seconds of its collectives and of its recomputed ops. */
function groupSeconds(cx: Ctx): { comm: Map<number, number>; recompute: Map<number, number> } {
  const comm = new Map<number, number>();
  const recompute = new Map<number, number>();
  for (const [g, ops] of cx.plan.groups) {
    let c = 0, r = 0;
    for (const o of ops) {
      if (cx.comm[o]) c += cx.dur[o];
      else if (isRecomputed(cx.p.ops[o])) r += cx.dur[o];
    }
    comm.set(g, c);
    recompute.set(g, r);
  }
  return { comm, recompute };
}

/**
 * An action's duration (memoized per group set). Its ops run on the two streams of the SPMD simulator
 * (sim/schedule.ts): a collective its next op reads (a tensor-parallel all-reduce) sits on the critical
 * path, one nothing in the action waits for (an FSDP parameter gather issued ahead, a gradient
 * reduce-scatter) overlaps the compute; the action ends when both streams have drained.
 */
function actionDuration(cx: Ctx, overlap: boolean): (a: Action) => number {
  const actionTime = new Map<string, number>();
  return (a) => {
    const keys = keysOf(cx, a);
    const id = keys.join(',');
    let t = actionTime.get(id);
    if (t === undefined) {
      const ops = keys.flatMap((g) => [...(cx.plan.groups.get(g) ?? [])]).sort((x, y) => x - y);
      const streams = runStreams(cx.p, ops, cx.dur, cx.comm, overlap);
      actionTime.set(id, (t = Math.max(streams.computeFree, streams.commFree)));
    }
    return t;
  };
}

/** p2p: what each group sends to each other device, per micro-batch. */
function sendBytes(cx: Ctx): Map<number, Map<number, number>> {
  const { p, plan, ix } = cx;
  const out = new Map<number, Map<number, number>>();
  for (const [val, to] of plan.microSends) {
    const def = p.values[val].def;
    const g = plan.chunkOf[def] * 3 + plan.pass[def];
    let mm = out.get(g);
    if (!mm) out.set(g, (mm = new Map()));
    for (const d of to) mm.set(d, (mm.get(d) ?? 0) + ix.bytes[val]);
  }
  return out;
}

/** The devices an op runs on: its chunk's stage, or every stage for ops every stage runs (chunk −1). */
function onDevices(cx: Ctx, op: number): number[] {
  const c = cx.plan.chunkOf[op];
  return c < 0 ? Array.from({ length: cx.P }, (_, d) => d) : [deviceOf(cx.plan, c)];
}

interface OnceOps {
  readonly preT: number[];
  readonly postCompute: number[];
  readonly postComm: number[];
  /** The data-parallel reductions of each chunk's gradients. */
  readonly postCommOfChunk: Float64Array;
  /** The reductions of ops every stage runs (chunk −1), per device. */
  readonly postCommShared: number[];
}

/** Once-before and once-after ops' seconds, per device (shared ops run on every device). */
function onceOps(cx: Ctx): OnceOps {
  const { P, plan, dur } = cx;
  const o: OnceOps = {
    preT: new Array<number>(P).fill(0), postCompute: new Array<number>(P).fill(0), postComm: new Array<number>(P).fill(0),
    postCommOfChunk: new Float64Array(plan.chunks), postCommShared: new Array<number>(P).fill(0),
  };
  for (const op of cx.p.ops) {
    const k = plan.part[op.id];
    if (k === MICRO) continue;
    for (const d of onDevices(cx, op.id)) {
      if (k === PRE) o.preT[d] += dur[op.id];
      else if (k === POST && cx.comm[op.id]) {
        o.postComm[d] += dur[op.id];
        const c = plan.chunkOf[op.id];
        if (c >= 0) o.postCommOfChunk[c] += dur[op.id];
        else o.postCommShared[d] += dur[op.id];
      }
      else if (k === POST) o.postCompute[d] += dur[op.id];
    }
  }
  return o;
}

interface StageMemory {
  /** Activation bytes one micro-batch keeps per chunk. */
  readonly stash: Float64Array;
  /** The part only weight passes read (kept until W). */
  readonly wStash: Float64Array;
  readonly staticBytes: { params: number; optimizer: number; gradients: number }[];
  /** Per device: the largest working set of one op. */
  readonly transient: number[];
}

function stageMemory(cx: Ctx): StageMemory {
  const mem = analyzeMemory(cx.p, { fusion: true, donation: true }, cx.ix);
  const { stash, wStash } = activationStash(cx, mem.category);
  const { staticBytes, transient } = staticAndTransient(cx, mem.category);
  return { stash, wStash, staticBytes, transient };
}

/** Per device: parameters, optimizer state and gradient accumulators, and the largest working set of one op. */
function staticAndTransient(cx: Ctx, category: ArrayLike<number>): Pick<StageMemory, 'staticBytes' | 'transient'> {
  const { p, ix, plan, P } = cx;
  const staticBytes = Array.from({ length: P }, () => ({ params: 0, optimizer: 0, gradients: 0 }));
  const inputIndex = new Map<number, number>();
  p.inputs.forEach((val, i) => inputIndex.set(val, i));
  const seenInput = Array.from({ length: P }, () => new Set<number>());
  const transient = new Array<number>(P).fill(0);
  for (const op of p.ops) {
    let ws = 0;
    for (const val of op.operands) ws += ix.bytes[val];
    for (const r of op.results) ws += ix.bytes[r];
    for (const d of onDevices(cx, op.id)) {
      if (ws > transient[d]) transient[d] = ws;
      for (const val of op.operands) {
        if (!inputIndex.has(val) || seenInput[d].has(val)) continue;
        seenInput[d].add(val);
        const c = category[val];
        if (c === CAT_PARAMS) staticBytes[d].params += ix.bytes[val];
        else if (c === CAT_OPTIMIZER) staticBytes[d].optimizer += ix.bytes[val];
      }
    }
  }
  for (const val of plan.accumulated) {
    if (category[val] !== CAT_GRADIENTS) continue;
    const d = deviceOf(plan, plan.chunkOf[p.values[val].def]);
    if (d >= 0) staticBytes[d].gradients += ix.bytes[val];
  }
  return { staticBytes, transient };
}

/** The activation bytes one micro-batch keeps per chunk from its forward to its backward (and, ZB-H1, to W). */
function activationStash(cx: Ctx, category: ArrayLike<number>): Pick<StageMemory, 'stash' | 'wStash'> {
  const { p, ix, plan } = cx;
  const stash = new Float64Array(plan.chunks);
  const wStash = new Float64Array(plan.chunks);
  for (let val = 0; val < p.values.length; val++) {
    if (category[val] !== CAT_ACTIVATIONS) continue;
    const def = p.values[val].def;
    const chunks = new Map<number, boolean>(); // chunk → read only by weight passes
    if (def >= 0 && plan.part[def] === MICRO) chunks.set(plan.chunkOf[def], true);
    for (let k = ix.userStart[val]; k < ix.userStart[val + 1]; k++) {
      const u = ix.userOps[k];
      if (plan.part[u] !== MICRO || plan.pass[u] === 0) continue;
      const c = plan.chunkOf[u];
      chunks.set(c, (chunks.get(c) ?? true) && plan.pass[u] === 2);
    }
    for (const [c, onlyW] of chunks) {
      if (c < 0) continue;
      stash[c] += ix.bytes[val];
      if (onlyW && cx.splitW) wStash[c] += ix.bytes[val];
    }
  }
  return { stash, wStash };
}

interface StageInputs {
  readonly sends: Map<number, Map<number, number>>;
  readonly once: OnceOps;
  readonly mem: StageMemory;
  readonly p2pSeconds: (bytes: number) => number;
  readonly overlap: boolean;
  readonly v: number;
}

interface StepReport {
  stages: PipelineStageJson[];
  gantt: PipelineJson['gantt'];
  p2p: PipelineJson['p2p'];
  step: number;
  busiest: number;
  exposed: number;
  tpComm: number;
}

/** Every stage's timeline, memory and data-parallel reduction, and the step's totals over stages. */
function reportStages(cx: Ctx, timed: TimedAction[][], inp: StageInputs): StepReport {
  const boundaries = stageBoundaries(cx.plan, cx.ix.bytes);
  const group = groupSeconds(cx);
  const r: StepReport = { stages: [], gantt: [], p2p: [], step: 0, busiest: 0, exposed: 0, tpComm: 0 };
  for (let d = 0; d < cx.P; d++) {
    const list = timed[d];
    const flight = walkActions(cx, d, list, inp, group, r);
    const { preT, postCompute } = inp.once;
    const lastEnd = list.length ? list[list.length - 1].end : preT[d];
    const dp = dataParallelReduction(cx, d, list, lastEnd, inp);
    const exposedDp = Math.max(0, dp.end - lastEnd);
    const end = lastEnd + exposedDp + postCompute[d];
    r.exposed = Math.max(r.exposed, exposedDp);
    r.step = Math.max(r.step, end);
    const busy = preT[d] + flight.work + postCompute[d];
    r.busiest = Math.max(r.busiest, busy);
    const s = inp.mem.staticBytes[d];
    const activations = flight.peakFlight, temporaries = inp.mem.transient[d];
    const chunkIds = Array.from({ length: inp.v }, (_, k) => k * cx.P + d);
    r.stages.push({
      stage: d,
      chunks: chunkIds,
      layers: chunkIds.map((c): [number, number] => [cx.plan.layerRanges[c]?.[0] ?? 0, cx.plan.layerRanges[c]?.[1] ?? 0]),
      peakMemory: s.params + s.optimizer + s.gradients + activations + temporaries,
      atPeak: { params: s.params, optimizer: s.optimizer, gradients: s.gradients, activations, temporaries },
      busy,
      bubble: Math.max(0, lastEnd - preT[d] - flight.work),
      microbatchesInFlight: flight.peakCount,
      dataParallelReduction: dp,
      optimizer: { start: lastEnd + exposedDp, end },
      boundaries: boundaries[d],
    });
  }
  return r;
}

/**
 * One stage's actions in time order: its busy time, the activation bytes and micro-batches in flight at
 * their peak; appends its Gantt and p2p entries and tensor-parallel seconds to `r`.
 */
function walkActions(
  cx: Ctx, d: number, list: readonly TimedAction[], inp: StageInputs,
  group: { comm: Map<number, number>; recompute: Map<number, number> }, r: StepReport,
): { work: number; peakFlight: number; peakCount: number } {
  const { stash, wStash } = inp.mem;
  let work = 0, inFlight = 0, peakFlight = 0, peakCount = 0, count = 0;
  for (const a of list) {
    work += a.end - a.start;
    const keys = keysOf(cx, a);
    r.tpComm += keys.reduce((s, g) => s + (group.comm.get(g) ?? 0), 0);
    if (a.pass === 'F') {
      inFlight += stash[a.chunk];
      count++;
    } else if (a.pass === 'B') {
      inFlight -= stash[a.chunk] - (cx.splitW ? wStash[a.chunk] : 0);
      if (!cx.splitW) count--;
    } else {
      inFlight -= wStash[a.chunk];
      count--;
    }
    peakFlight = Math.max(peakFlight, inFlight);
    peakCount = Math.max(peakCount, count);
    const recompute = keys.reduce((t, g) => t + (group.recompute.get(g) ?? 0), 0);
    if (r.gantt.length < MAX_GANTT) r.gantt.push({ stage: d, pass: a.pass, chunk: a.chunk, microbatch: a.mb, start: a.start, end: a.end, recompute });
    for (const [to, bytes] of inp.sends.get(groupKey(a.pass, a.chunk)) ?? []) {
      if (r.p2p.length < MAX_GANTT) r.p2p.push({ from: d, to, microbatch: a.mb, start: a.end, end: a.end + inp.p2pSeconds(bytes), bytes });
    }
  }
  return { work, peakFlight, peakCount };
}

/**
 * When stage d's data-parallel gradient reductions run. A chunk's gradients are final once its last
 * backward has run through its first layer: its reduction starts then, on the communication stream, chunk
 * after chunk. With interleaving a device's later chunks finish their backward passes early in the
 * cool-down, so their reductions hide behind its other chunks'.
 */
function dataParallelReduction(cx: Ctx, d: number, list: readonly TimedAction[], lastEnd: number, inp: StageInputs): { start: number; end: number } {
  const { postCommOfChunk, postCommShared } = inp.once;
  const lastB = new Map<number, TimedAction>();
  for (const a of list) if (a.pass !== 'F') lastB.set(a.chunk, a);
  let commFree = 0, reduceFrom = Infinity;
  for (const [c, b] of [...lastB].sort((x, y) => x[1].start - y[1].start)) {
    const layers = cx.plan.layerRanges[c][1] - cx.plan.layerRanges[c][0];
    const from = Math.max(commFree, inp.overlap ? b.start + (b.end - b.start) / Math.max(1, layers) : lastEnd);
    reduceFrom = Math.min(reduceFrom, from);
    commFree = from + postCommOfChunk[c];
  }
  if (postCommShared[d] > 0 || !Number.isFinite(reduceFrom)) {
    const from = Math.max(commFree, inp.overlap ? Math.min(reduceFrom, lastEnd) : lastEnd);
    reduceFrom = Math.min(reduceFrom, from);
    commFree = from + postCommShared[d];
  }
  return { start: reduceFrom, end: commFree };
}

/** Seconds by axis per stage (micro-batch collectives m times, the others once, p2p on the pipeline axis); the largest stage's per axis. */
function perAxisSeconds(cx: Ctx, hw: Hardware, p2p: PipelineJson['p2p'], pipelineAxis: string | undefined): Record<string, number> {
  const m = cx.plan.microbatches;
  const perStageAxis = Array.from({ length: cx.P }, () => new Map<string, number>());
  const addAxis = (d: number, axes: readonly string[], s: number) => {
    for (const a of axes) perStageAxis[d].set(a, (perStageAxis[d].get(a) ?? 0) + s / axes.length);
  };
  for (const op of cx.p.ops) {
    if (!cx.comm[op.id]) continue;
    const axes = (op.attrs as { axes: readonly string[] }).axes;
    for (const d of onDevices(cx, op.id)) addAxis(d, axes, cx.dur[op.id] * (cx.plan.part[op.id] === MICRO ? m : 1));
  }
  if (pipelineAxis !== undefined) for (const x of p2p) addAxis(x.from, [pipelineAxis], x.end - x.start);
  const perAxis: Record<string, number> = {};
  for (const a of hw.mesh.axes) perAxis[a.name] = Math.max(0, ...perStageAxis.map((mm) => mm.get(a.name) ?? 0));
  return perAxis;
}

/** Model FLOPs (forward and backward once per micro-batch, the optimizer once) over the step's peak FLOPs. */
function modelFlopsUtilization(spmd: SpmdProgram, m: number, step: number, hw: Hardware): number {
  const g = spmd.global;
  const gix = indexProgram(g);
  let flops = 0;
  for (const op of g.ops) if (!isRecomputed(op)) flops += fastFlops(op, g, gix) * (op.phase === 'optimizer' ? 1 : m);
  return step > 0 ? flops / (step * deviceCount(spmd.mesh) * mfuPeak(g, hw)) : 0;
}
