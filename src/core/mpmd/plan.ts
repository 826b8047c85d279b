/**
 * The MPMD plan of a pipelined, micro-batched step over a per-device program: for every op its chunk,
 * its part (pre / micro / post) and, for micro ops, its pass (F, B, W); the ops of each (pass, chunk)
 * action in program order; which actions' values each action reads; which values cross to another device
 * (point-to-point sends); and which values are accumulated over the micro-batches.
 * The interpreter (interp.ts) and the pipeline simulator (simulate.ts) both run from it.
 */
import type { Program } from '../ir/types';
import type { SpmdProgram } from '../spmd/types';
import { fsdpPerMicrobatch } from './fsdp';
import { deviceOfChunk, type Pass } from './schedules';
import { MICRO, POST, PRE, splitStep, type StepParts } from './stages';

/** Ops affine in their operands jointly (data movement, casts, sums, collectives that sum or move). */
const AFFINE: ReadonlySet<string> = new Set([
  'all_reduce', 'reduce_scatter', 'all_gather', 'all_to_all', 'collective_permute', 'shard_slice',
  'reshape', 'transpose', 'convert', 'broadcast_in_dim', 'slice', 'concatenate', 'add', 'subtract', 'negate',
]);

export const PASSES: readonly Pass[] = ['F', 'B', 'W'];
const passIndex = (p: Pass): number => PASSES.indexOf(p);
/** Key of a (pass, chunk) group. */
export const groupKey = (pass: Pass, chunk: number): number => chunk * 3 + passIndex(pass);

export interface MpmdPlan {
  readonly program: Program;
  readonly stages: number;
  readonly chunks: number;
  readonly microbatches: number;
  /** Per op of `program`. */
  readonly chunkOf: Int32Array;
  readonly part: Uint8Array;
  /** Per micro op: 0 F, 1 B, 2 W (W only when the weight-gradient pass is split off). */
  readonly pass: Uint8Array;
  /** Per group key: its ops in program order. */
  readonly groups: ReadonlyMap<number, readonly number[]>;
  /** Per group key: the other groups (same micro-batch) whose values it reads. */
  readonly deps: ReadonlyMap<number, ReadonlySet<number>>;
  /** Per value produced by a micro op: the other devices whose micro ops read it (its p2p sends). */
  readonly microSends: ReadonlyMap<number, readonly number[]>;
  /** Values produced per micro-batch and read after accumulation (by post ops or as outputs). */
  readonly accumulated: ReadonlySet<number>;
  /** Per program input: whether it is cut into micro-batches (a batch/* input). */
  readonly perMicrobatch: Uint8Array;
  readonly layerRanges: StepParts['layerRanges'];
}

export const deviceOf = (plan: Pick<MpmdPlan, 'stages'>, chunk: number): number => (chunk < 0 ? -1 : deviceOfChunk(chunk, plan.stages));

/**
 * The plan for `spmd` (the per-device program of one micro-batch, lowered without the pipeline axis).
 * `splitW`: split each backward into B (what the previous chunk waits for) and W (the rest), for ZB-H1.
 */
export function planMpmd(spmd: SpmdProgram, stages: number, chunks: number, microbatches: number, opts: { splitW?: boolean; layersPerChunk?: readonly number[] } = {}): MpmdPlan {
  const global = splitStep(spmd.global, chunks, opts.layersPerChunk);
  const p = spmd.program;
  const n = p.ops.length;
  const chunkOf = new Int32Array(n);
  const part = new Uint8Array(n);
  const inputIndex = new Int32Array(p.values.length).fill(-1);
  p.inputs.forEach((v, i) => { inputIndex[v] = i; });
  const chunkOfValue = (v: number): number => {
    const def = p.values[v].def;
    return def >= 0 ? chunkOf[def] : global.inputHome[inputIndex[v]];
  };
  const micro = new Uint8Array(p.values.length);
  const fsdp = fsdpPerMicrobatch(spmd);
  const perMicrobatch = new Uint8Array(p.inputs.length);
  p.inputs.forEach((v, i) => {
    const name = spmd.global.values[spmd.global.inputs[i]].name ?? '';
    if (name.startsWith('batch/')) {
      perMicrobatch[i] = 1;
      micro[v] = 1;
    }
  });
  for (const op of p.ops) {
    const src = spmd.source[op.id];
    if (src >= 0) {
      chunkOf[op.id] = global.chunkOf[src];
      part[op.id] = global.part[src];
    } else {
      // a reshard that serves no op (an input straight to an output): after the step, beside its operand
      chunkOf[op.id] = chunkOfValue(op.operands[0]);
      part[op.id] = POST;
    }
    // a collective serving a micro op may reshard a value computed once: it runs per micro-batch only when
    // its operand does, or when it gathers a parameter stored sharded (FSDP re-gathers per micro-batch, fsdp.ts)
    if (part[op.id] === MICRO && !fsdp[op.id] && !op.operands.some((v) => micro[v])) part[op.id] = PRE;
    if (part[op.id] === MICRO) for (const r of op.results) micro[r] = 1;
  }

  // What only the optimizer reads and is affine in the per-micro-batch values (the reductions of gradients,
  // their reshapes and casts, sums of contributions) runs once, on the accumulated values: averaging commutes
  // with an affine map, so the result is the same, and the data-parallel reduction moves 1/m of the bytes
  // (what Megatron and DeepSpeed do with gradient accumulation) — except the reduce-scatter of a gradient whose
  // parameter is stored sharded, which FSDP runs per micro-batch into a sharded accumulator (fsdp.ts).
  const usersOf: number[][] = Array.from({ length: p.values.length }, () => []);
  for (const op of p.ops) for (const v of op.operands) usersOf[v].push(op.id);
  const postOnly = (op: { results: readonly number[] }): boolean => op.results.every((r) => usersOf[r].every((u) => part[u] === POST));
  for (let i = n - 1; i >= 0; i--) {
    const op = p.ops[i];
    if (part[i] !== MICRO || fsdp[i] || !postOnly(op)) continue;
    const microOperands = op.operands.filter((v) => micro[v]).length;
    const affine = AFFINE.has(op.kind) || ((op.kind === 'multiply' || op.kind === 'divide') && microOperands === 1 && (op.kind === 'multiply' || micro[op.operands[0]]));
    if (affine) part[i] = POST;
  }
  const pass = new Uint8Array(n);
  for (const op of p.ops) if (part[op.id] === MICRO) pass[op.id] = op.phase === 'forward' ? 0 : 1;

  const device = (c: number) => (c < 0 ? -1 : deviceOfChunk(c, stages));
  const users = usersOf;

  if (opts.splitW) {
    // B: the backward ops of a chunk that lead to a value another chunk's backward reads; W: the rest.
    const isB = new Uint8Array(n);
    for (let i = n - 1; i >= 0; i--) {
      const op = p.ops[i];
      if (part[i] !== MICRO || pass[i] === 0) continue;
      const c = chunkOf[i];
      let needed = false;
      for (const r of op.results) {
        for (const u of users[r]) {
          if (part[u] === MICRO && (chunkOf[u] !== c ? pass[u] !== 0 : isB[u])) needed = true;
        }
      }
      if (needed) isB[i] = 1;
    }
    for (let i = 0; i < n; i++) if (part[i] === MICRO && pass[i] === 1 && !isB[i]) pass[i] = 2;
  }

  const groups = new Map<number, number[]>();
  const deps = new Map<number, Set<number>>();
  const microSends = new Map<number, number[]>();
  const accumulated = new Set<number>();
  const outputs = new Set(p.outputs.map((o) => o.value));
  for (const op of p.ops) {
    if (part[op.id] !== MICRO) continue;
    const key = chunkOf[op.id] * 3 + pass[op.id];
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(op.id);
    let d = deps.get(key);
    if (!d) deps.set(key, (d = new Set()));
    for (const v of op.operands) {
      const def = p.values[v].def;
      if (def < 0 || part[def] !== MICRO) continue;
      const k = chunkOf[def] * 3 + pass[def];
      if (k !== key) d.add(k);
    }
    for (const r of op.results) {
      const to = new Set<number>();
      for (const u of users[r]) {
        if (part[u] === MICRO) {
          const du = device(chunkOf[u]);
          if (du !== device(chunkOf[op.id])) to.add(du);
        } else accumulated.add(r);
      }
      if (outputs.has(r)) accumulated.add(r);
      if (to.size) microSends.set(r, [...to]);
    }
  }
  return {
    program: p, stages, chunks, microbatches, chunkOf, part, pass, groups, deps, microSends, accumulated,
    perMicrobatch, layerRanges: global.layerRanges,
  };
}
