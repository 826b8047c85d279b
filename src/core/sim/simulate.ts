/**
 * The mesh simulator: per-device memory, step time, MFU and a timeline for an SPMD program on given hardware.
 * Every device runs the same program (SPMD), so the costs are computed once and reported per device.
 */
import type { OpId, Program } from '../ir/types';
import { deviceCount } from '../mesh/mesh';
import type { Hardware } from '../mesh/hardware';
import { isRecomputed } from '../models/autodiff';
import type { DeviceMemory, TimeJson, TimelineInterval } from '../report';
import type { SpmdProgram } from '../spmd/types';
import { fastFlops, isMatmul } from './cost';
import { indexProgram, valueBytes, type ProgramIndex } from './index_program';

const NO_USERS = new Int32Array(0);
import { modelStateBytes, peakMemory } from './memory';
import { schedule } from './schedule';
import { buildTimeline } from './timeline';
import { validationBand } from './validated';

/** At most this many devices get a timeline and a memory entry (all devices are identical under SPMD). */
export const MAX_TIMELINE_DEVICES = 8;
export const MAX_MEMORY_DEVICES = 256;

export interface SimulateOptions {
  overlap: boolean;
  /** The algorithm's FLOPs for MFU; default: the global program's FLOPs without recomputed ops. */
  modelFlops?: number;
  /** Fusion-aware activation retention in the memory analysis (see MemoryOptions.fusion); default true. */
  fusion?: boolean;
  /** Updated inputs donate their buffers to the outputs (see MemoryOptions.donation); default false. */
  donation?: boolean;
  /** Timeline granularity: one interval per op, or adjacent compute ops of one scope merged. Default: by size. */
  timelineDetail?: 'op' | 'scope';
}

export interface SimulationResult {
  memory: { perDevice: DeviceMemory[] };
  time: TimeJson;
  timeline: { device: number; intervals: TimelineInterval[] }[];
  /** Seconds of each communicating collective, by its op id in the per-device program. */
  collectiveSeconds: Map<OpId, number>;
  /** How many devices the timeline and memory lists cover out of the mesh's total. */
  devices: { total: number; timeline: number; memory: number; timelineDetail: 'op' | 'scope' };
}

/** FLOPs of the algorithm: the global program without the ops that rematerialisation adds. */
export function modelFlops(global: Program): number {
  const cached = modelFlopsCache.get(global);
  if (cached !== undefined) return cached;
  // fastFlops reads only the value sizes: the global program's use lists are not built.
  const ix: ProgramIndex = { userStart: NO_USERS, userOps: NO_USERS, bytes: valueBytes(global) };
  let f = 0;
  for (const op of global.ops) if (!isRecomputed(op)) f += fastFlops(op, global, ix);
  modelFlopsCache.set(global, f);
  return f;
}
// The global program is immutable once built and is simulated again for every tactic edit.
const modelFlopsCache = new WeakMap<Program, number>();

/** The peak MFU is measured against: f32 peak only when every matmul of the program is f32. */
export function mfuPeak(p: Program, hw: Hardware): number {
  let anyMatmul = false;
  for (const op of p.ops) {
    if (!isMatmul(op.kind)) continue;
    anyMatmul = true;
    if (p.values[op.operands[0]].type.dtype !== 'f32') return hw.figures.peakFlopsBf16;
  }
  return anyMatmul ? hw.figures.peakFlopsFp32 : hw.figures.peakFlopsBf16;
}

/** Above this many ops the timeline merges adjacent compute ops of one scope, to keep the Report small. */
const OP_TIMELINE_LIMIT = 5000;

export function simulate(spmd: SpmdProgram, hw: Hardware, opts: SimulateOptions): SimulationResult {
  const p = spmd.program;
  const total = deviceCount(spmd.mesh);
  const ix = indexProgram(p);
  const sched = schedule(p, hw, { overlap: opts.overlap }, ix);
  const mem = peakMemory(p, { fusion: opts.fusion ?? true, donation: opts.donation ?? false }, ix);

  const capacity = hw.figures.hbmBytes;
  const memDevices = Math.min(total, MAX_MEMORY_DEVICES);
  const modelState = modelStateBytes(p, ix);
  const perDevice: DeviceMemory[] = [];
  for (let d = 0; d < memDevices; d++)
    perDevice.push({ device: d, peak: mem.peak, capacity, outOfMemory: mem.peak > capacity, atPeak: { ...mem.atPeak }, modelState: { ...modelState } });

  const flops = opts.modelFlops ?? modelFlops(spmd.global);
  const mfu = sched.step > 0 ? flops / (sched.step * total * mfuPeak(spmd.global, hw)) : 0;
  const time: TimeJson = {
    step: sched.step,
    compute: sched.compute,
    communication: sched.communication,
    exposedCommunication: sched.exposedCommunication,
    perAxis: sched.perAxis,
    mfu,
    validation: validationBand(hw.preset),
  };

  const collectiveSeconds = new Map<OpId, number>();
  for (let i = 0; i < p.ops.length; i++) if (sched.isComm[i]) collectiveSeconds.set(i, sched.end[i] - sched.start[i]);

  const detail = opts.timelineDetail ?? (p.ops.length > OP_TIMELINE_LIMIT ? 'scope' : 'op');
  const intervals = buildTimeline(spmd, sched, detail);
  const tlDevices = Math.min(total, MAX_TIMELINE_DEVICES);
  // SPMD: every device's timeline is the same; devices share the interval objects (JSON copies them).
  const timeline = Array.from({ length: tlDevices }, (_, device) => ({ device, intervals }));

  return {
    memory: { perDevice },
    time,
    timeline,
    collectiveSeconds,
    devices: { total, timeline: tlDevices, memory: memDevices, timelineDetail: detail },
  };
}
