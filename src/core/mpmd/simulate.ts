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

export function simulatePipeline(spmd: SpmdProgram, plan: MpmdPlan, split: StepSplit, hw: Hardware, opts: { overlap: boolean }): PipelineSimulation {
  const p = spmd.program;
  const ix = indexProgram(p);
  const fused = fusedValues(p, ix);
  const P = plan.stages;
  const m = plan.microbatches;
  const pl = split.pipeline;
  const schedule: PipelineScheduleKind = pl?.schedule ?? '1F1B';
  const v = pl?.virtual ?? 1;
  const splitW = schedule === 'ZB-H1';

  const dur = new Float64Array(p.ops.length);
  const comm = new Uint8Array(p.ops.length);
  for (const op of p.ops) {
    if (isCommunication(op.kind)) {
      comm[op.id] = 1;
      dur[op.id] = collectiveOpSeconds(op, p, hw);
    } else dur[op.id] = computeCost(op, p, hw, fused, ix).seconds;
  }
  const groupComm = new Map<number, number>();
  const groupRecompute = new Map<number, number>();
  for (const [g, ops] of plan.groups) {
    let c = 0, r = 0;
    for (const o of ops) {
      if (comm[o]) c += dur[o];
      else if (isRecomputed(p.ops[o])) r += dur[o];
    }
    groupComm.set(g, c);
    groupRecompute.set(g, r);
  }
  const keysOf = (a: Action): number[] => (a.pass === 'B' && !splitW ? [groupKey('B', a.chunk), groupKey('W', a.chunk)] : [groupKey(a.pass, a.chunk)]);
  const passOf = (g: number): Pass => (['F', 'B', 'W'] as const)[g % 3];
  // An action's ops run on the two streams of the SPMD simulator (sim/schedule.ts): a collective its next op
  // reads (a tensor-parallel all-reduce) sits on the critical path, one nothing in the action waits for (an
  // FSDP parameter gather issued ahead, a gradient reduce-scatter) overlaps the compute; the action ends when
  // both streams have drained.
  const actionTime = new Map<string, number>();
  const durationOf = (a: Action): number => {
    const keys = keysOf(a);
    const id = keys.join(',');
    let t = actionTime.get(id);
    if (t === undefined) {
      const ops = keys.flatMap((g) => [...(plan.groups.get(g) ?? [])]).sort((x, y) => x - y);
      const streams = runStreams(p, ops, dur, comm, opts.overlap);
      actionTime.set(id, (t = Math.max(streams.computeFree, streams.commFree)));
    }
    return t;
  };

  // p2p: what each group sends to each other device, per micro-batch
  const sendBytes = new Map<number, Map<number, number>>();
  for (const [val, to] of plan.microSends) {
    const def = p.values[val].def;
    const g = plan.chunkOf[def] * 3 + plan.pass[def];
    let mm = sendBytes.get(g);
    if (!mm) sendBytes.set(g, (mm = new Map()));
    for (const d of to) mm.set(d, (mm.get(d) ?? 0) + ix.bytes[val]);
  }
  const link = pl ? axisLink(hw, pl.axis) : undefined;
  const p2pSeconds = (bytes: number): number => (link && bytes > 0 ? bytes / link.bandwidth + link.latency : 0);
  let p2pTotalBytes = 0;
  for (const mm of sendBytes.values()) for (const b of mm.values()) p2pTotalBytes += b * m;

  // once-before and once-after ops, per device (shared ops run on every device)
  const preT = new Array<number>(P).fill(0), postCompute = new Array<number>(P).fill(0), postComm = new Array<number>(P).fill(0);
  // the data-parallel reductions of each chunk's gradients, and those of ops every stage runs (chunk −1)
  const postCommOfChunk = new Float64Array(plan.chunks), postCommShared = new Array<number>(P).fill(0);
  const onDevices = (op: number): number[] => (plan.chunkOf[op] < 0 ? Array.from({ length: P }, (_, d) => d) : [deviceOf(plan, plan.chunkOf[op])]);
  for (const op of p.ops) {
    const k = plan.part[op.id];
    if (k === MICRO) continue;
    for (const d of onDevices(op.id)) {
      if (k === PRE) preT[d] += dur[op.id];
      else if (k === POST && comm[op.id]) {
        postComm[d] += dur[op.id];
        const c = plan.chunkOf[op.id];
        if (c >= 0) postCommOfChunk[c] += dur[op.id];
        else postCommShared[d] += dur[op.id];
      }
      else if (k === POST) postCompute[d] += dur[op.id];
    }
  }

  const actions = pipelineActions(schedule, P, m, v);
  const timed = timeActions(actions, {
    stages: P,
    duration: durationOf,
    deps: (a) => {
      const own = keysOf(a);
      const out: { pass: Pass; chunk: number }[] = [];
      for (const g of own) for (const d of plan.deps.get(g) ?? []) if (!own.includes(d)) out.push({ pass: passOf(d), chunk: Math.floor(d / 3) });
      return out;
    },
    transfer: (from, to) => p2pSeconds(sendBytes.get(groupKey(from.pass, from.chunk))?.get(to) ?? 0),
    startAt: preT,
  });

  // memory
  const mem = analyzeMemory(p, { fusion: true, donation: true }, ix);
  const stash = new Float64Array(plan.chunks); // activation bytes one micro-batch keeps per chunk
  const wStash = new Float64Array(plan.chunks); // the part only weight passes read (kept until W)
  const staticBytes = Array.from({ length: P }, () => ({ params: 0, optimizer: 0, gradients: 0 }));
  const inputIndex = new Map<number, number>();
  p.inputs.forEach((val, i) => inputIndex.set(val, i));
  const seenInput = Array.from({ length: P }, () => new Set<number>());
  const transient = new Array<number>(P).fill(0);
  for (const op of p.ops) {
    const devs = onDevices(op.id);
    let ws = 0;
    for (const val of op.operands) ws += ix.bytes[val];
    for (const r of op.results) ws += ix.bytes[r];
    for (const d of devs) {
      if (ws > transient[d]) transient[d] = ws;
      for (const val of op.operands) {
        if (!inputIndex.has(val) || seenInput[d].has(val)) continue;
        seenInput[d].add(val);
        const c = mem.category[val];
        if (c === CAT_PARAMS) staticBytes[d].params += ix.bytes[val];
        else if (c === CAT_OPTIMIZER) staticBytes[d].optimizer += ix.bytes[val];
      }
    }
  }
  for (const val of plan.accumulated) {
    if (mem.category[val] !== CAT_GRADIENTS) continue;
    const d = deviceOf(plan, plan.chunkOf[p.values[val].def]);
    if (d >= 0) staticBytes[d].gradients += ix.bytes[val];
  }
  for (let val = 0; val < p.values.length; val++) {
    if (mem.category[val] !== CAT_ACTIVATIONS) continue;
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
      if (onlyW && splitW) wStash[c] += ix.bytes[val];
    }
  }

  const boundaries = stageBoundaries(plan, ix.bytes);
  const stages: PipelineStageJson[] = [];
  const gantt: PipelineJson['gantt'] = [];
  const p2p: PipelineJson['p2p'] = [];
  let step = 0, busiest = 0, exposed = 0, tpComm = 0;
  for (let d = 0; d < P; d++) {
    const list = timed[d];
    let work = 0, inFlight = 0, peakFlight = 0, peakCount = 0, count = 0;
    for (const a of list) {
      work += a.end - a.start;
      tpComm += keysOf(a).reduce((s, g) => s + (groupComm.get(g) ?? 0), 0);
      if (a.pass === 'F') {
        inFlight += stash[a.chunk];
        count++;
      } else if (a.pass === 'B') {
        inFlight -= stash[a.chunk] - (splitW ? wStash[a.chunk] : 0);
        if (!splitW) count--;
      } else {
        inFlight -= wStash[a.chunk];
        count--;
      }
      peakFlight = Math.max(peakFlight, inFlight);
      peakCount = Math.max(peakCount, count);
      const recompute = keysOf(a).reduce((t, g) => t + (groupRecompute.get(g) ?? 0), 0);
      if (gantt.length < MAX_GANTT) gantt.push({ stage: d, pass: a.pass, chunk: a.chunk, microbatch: a.mb, start: a.start, end: a.end, recompute });
      for (const [to, bytes] of sendBytes.get(groupKey(a.pass, a.chunk)) ?? []) {
        if (p2p.length < MAX_GANTT) p2p.push({ from: d, to, microbatch: a.mb, start: a.end, end: a.end + p2pSeconds(bytes), bytes });
      }
    }
    const lastEnd = list.length ? list[list.length - 1].end : preT[d];
    // A chunk's gradients are final once its last backward has run through its first layer: its reduction
    // starts then, on the communication stream, chunk after chunk. With interleaving a device's later chunks
    // finish their backward passes early in the cool-down, so their reductions hide behind its other chunks'.
    const lastB = new Map<number, TimedAction>();
    for (const a of list) if (a.pass !== 'F') lastB.set(a.chunk, a);
    let commFree = 0, reduceFrom = Infinity;
    for (const [c, b] of [...lastB].sort((x, y) => x[1].start - y[1].start)) {
      const layers = plan.layerRanges[c][1] - plan.layerRanges[c][0];
      const from = Math.max(commFree, opts.overlap ? b.start + (b.end - b.start) / Math.max(1, layers) : lastEnd);
      reduceFrom = Math.min(reduceFrom, from);
      commFree = from + postCommOfChunk[c];
    }
    if (postCommShared[d] > 0 || !Number.isFinite(reduceFrom)) {
      const from = Math.max(commFree, opts.overlap ? Math.min(reduceFrom, lastEnd) : lastEnd);
      reduceFrom = Math.min(reduceFrom, from);
      commFree = from + postCommShared[d];
    }
    const exposedDp = Math.max(0, commFree - lastEnd);
    const end = lastEnd + exposedDp + postCompute[d];
    exposed = Math.max(exposed, exposedDp);
    step = Math.max(step, end);
    const busy = preT[d] + work + postCompute[d];
    busiest = Math.max(busiest, busy);
    const s = staticBytes[d];
    const activations = peakFlight;
    const peak = s.params + s.optimizer + s.gradients + activations + transient[d];
    stages.push({
      stage: d,
      chunks: Array.from({ length: v }, (_, k) => k * P + d),
      layers: Array.from({ length: v }, (_, k): [number, number] => [plan.layerRanges[k * P + d]?.[0] ?? 0, plan.layerRanges[k * P + d]?.[1] ?? 0]),
      peakMemory: peak,
      atPeak: { params: s.params, optimizer: s.optimizer, gradients: s.gradients, activations, temporaries: transient[d] },
      busy,
      bubble: Math.max(0, lastEnd - preT[d] - work),
      microbatchesInFlight: peakCount,
      dataParallelReduction: { start: reduceFrom, end: commFree },
      optimizer: { start: lastEnd + exposedDp, end },
      boundaries: boundaries[d],
    });
  }
  const bubbleFraction = Math.max(...stages.map((s, d) => {
    const work = timed[d].reduce((n, a) => n + a.end - a.start, 0);
    return work > 0 ? s.bubble / work : 0;
  }));

  // model FLOPs: forward and backward once per micro-batch, the optimizer once
  const g = spmd.global;
  const gix = indexProgram(g);
  let flops = 0;
  for (const op of g.ops) if (!isRecomputed(op)) flops += fastFlops(op, g, gix) * (op.phase === 'optimizer' ? 1 : m);
  const total = deviceCount(spmd.mesh);
  const mfu = step > 0 ? flops / (step * total * mfuPeak(g, hw)) : 0;
  // seconds by axis per stage: micro-batch collectives m times, the others once, p2p on the pipeline axis
  const perStageAxis = Array.from({ length: P }, () => new Map<string, number>());
  const addAxis = (d: number, axes: readonly string[], s: number) => {
    for (const a of axes) perStageAxis[d].set(a, (perStageAxis[d].get(a) ?? 0) + s / axes.length);
  };
  for (const op of p.ops) {
    if (!comm[op.id]) continue;
    const axes = (op.attrs as { axes: readonly string[] }).axes;
    for (const d of onDevices(op.id)) addAxis(d, axes, dur[op.id] * (plan.part[op.id] === MICRO ? m : 1));
  }
  if (pl) for (const x of p2p) addAxis(x.from, [pl.axis], x.end - x.start);
  const perAxis: Record<string, number> = {};
  for (const a of hw.mesh.axes) perAxis[a.name] = Math.max(0, ...perStageAxis.map((mm) => mm.get(a.name) ?? 0));
  const p2pSecondsTotal = p2p.reduce((s, x) => s + (x.end - x.start), 0);
  const json: PipelineJson = {
    tactic: split.tactic,
    axis: pl?.axis ?? null,
    schedule: pl ? schedule : 'accumulate',
    stages: P,
    virtual: v,
    microbatches: m,
    bubbleFraction,
    idealBubbleFraction: pl ? idealBubble(schedule, P, m, v) : 0,
    p2pBytes: p2pTotalBytes,
    perStage: stages,
    gantt,
    p2p,
    truncated: gantt.length >= MAX_GANTT || p2p.length >= MAX_GANTT,
  };
  return {
    json, step, peaks: stages.map((s) => s.peakMemory), compute: busiest,
    communication: tpComm / Math.max(1, P) + Math.max(...postComm) + p2pSecondsTotal / Math.max(1, P),
    exposedCommunication: exposed, perAxis, mfu,
  };
}
