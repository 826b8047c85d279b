/**
 * Cost of one op of the per-device program: a roofline with efficiency factors for compute ops, the
 * alpha-beta model for collectives (docs/cost-model.md §2, §3).
 */
import { COLLECTIVE_KINDS, DTYPE_BYTES, ELEMENTWISE_KINDS, isCommunication, isElementwise } from '../ir/types';
import type { CollectiveKind, ElementwiseKind, Op, OpKind, Program } from '../ir/types';
import { opFlops } from '../ir/flops';
import { collectiveBytes } from '../spmd/collectives';
import type { AxisLink, Hardware } from '../mesh/hardware';
import { axisLink } from '../mesh/hardware';
import type { ProgramIndex } from './index_program';
import { indexProgram } from './index_program';

/** Re-exported from the op registry (src/core/ir/types.ts), where the op-kind sets live. */
export { isCommunication };

/**
 * How the cost model treats each op kind: total over OpKind, so a new kind does not compile until it is
 * given a class here (and so a cost).
 */
export type CostClass =
  | 'matmul' // tensor-core / MXU work, size-dependent efficiency
  | 'attention' // fused attention kernels, their own efficiency
  | 'elementwise' // memory-bound, fusible into consumers
  | 'reduce' // memory-bound, a fusion root that takes element-wise producers
  | 'broadcast' // fused into every consumer
  | 'generator' // constant, iota: built in place by each consumer
  | 'transpose' // a copy through HBM, fusible
  | 'bitcast' // a row-major reshape: free
  | 'data' // gathers, scatters, slices, concatenations, custom calls: memory-bound kernels
  | 'collective' // communication, costed by the alpha-beta model
  | 'local_slice'; // shard_slice: reads only the tile it keeps
/** The kinds the op registry does not class already: total over them, so a new kind needs a class here. */
const OTHER_CLASS: Readonly<Record<Exclude<OpKind, ElementwiseKind | CollectiveKind>, CostClass>> = {
  dot_general: 'matmul', convolution: 'matmul', attention: 'attention', attention_grad: 'attention',
  reduce: 'reduce', broadcast_in_dim: 'broadcast', iota: 'generator', constant: 'generator', transpose: 'transpose', reshape: 'bitcast',
  concatenate: 'data', slice: 'data', dynamic_slice: 'data', dynamic_update_slice: 'data', gather: 'data', scatter: 'data', custom: 'data',
};
export const COST_CLASS: Readonly<Record<OpKind, CostClass>> = {
  ...(Object.fromEntries(ELEMENTWISE_KINDS.map((k) => [k, 'elementwise'])) as Record<ElementwiseKind, CostClass>),
  ...(Object.fromEntries(COLLECTIVE_KINDS.map((k) => [k, isCommunication(k) ? 'collective' : 'local_slice'])) as Record<CollectiveKind, CostClass>),
  ...OTHER_CLASS,
};
const kindsOf = (...classes: CostClass[]): ReadonlySet<OpKind> =>
  new Set((Object.keys(COST_CLASS) as OpKind[]).filter((k) => classes.includes(COST_CLASS[k])));

const MATMUL_KINDS = kindsOf('matmul', 'attention');
export const isMatmul = (kind: OpKind): boolean => MATMUL_KINDS.has(kind);

/**
 * Matmul efficiency relative to the largest matmuls, by the kernel's ideal time (FLOPs / peak): calculon's
 * A100 fit (0.95 at ≥128 GFLOP, 0.9 at 16, 0.6 at 1 GFLOP, i.e. at 410, 51 and 3.2 µs of ideal time at
 * 312 TFLOP/s) normalised to 1 at the top, interpolated in log10(time), extended down to 0.25 at 32 ns.
 * In time rather than FLOPs, so a faster chip needs a proportionally larger matmul to fill it (an H100
 * reaches the top at ≈400 GFLOP): the per-chip curve is this shape at the chip's peak.
 */
const EFF_CURVE: readonly (readonly [number, number])[] = [
  [Math.log10(1e7 / 312e12), 0.25], [Math.log10(1e9 / 312e12), 0.6 / 0.95], [Math.log10(16e9 / 312e12), 0.9 / 0.95], [Math.log10(128e9 / 312e12), 1],
];
export function matmulSizeFactor(flops: number, peak: number): number {
  if (flops <= 0) return 1;
  const x = Math.log10(flops / peak);
  if (x <= EFF_CURVE[0][0]) return EFF_CURVE[0][1];
  for (let i = 1; i < EFF_CURVE.length; i++) {
    const [x1, y1] = EFF_CURVE[i];
    if (x <= x1) {
      const [x0, y0] = EFF_CURVE[i - 1];
      return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
    }
  }
  return 1;
}

/** Producers that a compiler fuses into every consumer (they are cheap to recompute). */
export const ALWAYS_FUSED = kindsOf('generator', 'broadcast');
/** Consumers that take fused element-wise producers as inputs (XLA loop and reduction fusions). */
export const FUSING_CONSUMER = kindsOf('elementwise', 'reduce', 'broadcast', 'bitcast', 'transpose');
/** Producers a fusion can recompute from their operands for free (the memory analysis's recomputation). */
export const RECOMPUTABLE = kindsOf('elementwise', 'generator', 'broadcast', 'bitcast', 'transpose');

/**
 * Which values a fusing compiler never writes to HBM: an element-wise result read only by one fusing consumer
 * of the same phase (a forward value the backward pass reads is stored: no fusion spans the step), and
 * constants/iotas/broadcasts read only by fusing consumers (rebuilt inside each). Program outputs are always
 * materialised. One linear pass.
 */
export function fusedValues(p: Program, ix: ProgramIndex = indexProgram(p)): Uint8Array {
  const fused = new Uint8Array(p.values.length);
  const isOutput = new Uint8Array(p.values.length);
  for (const o of p.outputs) isOutput[o.value] = 1;
  for (const op of p.ops) {
    const always = ALWAYS_FUSED.has(op.kind);
    if (!always && !isElementwise(op.kind)) continue;
    for (const v of op.results) {
      const a = ix.userStart[v];
      const b = ix.userStart[v + 1];
      if (isOutput[v] || b === a || (!always && b - a !== 1)) continue;
      let ok = true;
      for (let i = a; i < b; i++) {
        const user = p.ops[ix.userOps[i]];
        if (!FUSING_CONSUMER.has(user.kind) || (!always && user.phase !== op.phase)) ok = false;
      }
      if (ok) fused[v] = 1;
    }
  }
  return fused;
}

/**
 * opFlops (ir/flops.ts) for the kinds that fill a training step, without per-call closures: the simulator
 * calls it for every op of a ~60k-op program. Other kinds defer to opFlops; a test checks they agree.
 */
export function fastFlops(op: Op, p: Program, ix: ProgramIndex): number {
  const k = op.kind;
  if (isElementwise(k) && k !== 'convert') return ix.bytes[op.results[0]] / DTYPE_BYTES[p.values[op.results[0]].type.dtype];
  if (k === 'reduce') return ix.bytes[op.operands[0]] / DTYPE_BYTES[p.values[op.operands[0]].type.dtype];
  if (k === 'dot_general') {
    const lhs = p.values[op.operands[0]].type.shape;
    const c = op.attrs.lhsContract;
    let kk = 1;
    for (let i = 0; i < c.length; i++) kk *= lhs[c[i]];
    return (2 * kk * ix.bytes[op.results[0]]) / DTYPE_BYTES[p.values[op.results[0]].type.dtype];
  }
  if (k === 'constant' || k === 'iota' || k === 'broadcast_in_dim' || k === 'reshape' || k === 'transpose' || k === 'convert' || k === 'shard_slice' || k === 'slice')
    return 0;
  return opFlops(op, p);
}

export interface ComputeCost {
  seconds: number;
  flops: number;
  /** HBM bytes read and written, without fused intermediates. */
  bytes: number;
  bound: 'compute' | 'memory' | 'fused';
}

/**
 * Roofline time of a non-communication op: max(FLOPs / (peak·η), bytes / (HBM·η_mem)) + launch overhead.
 * - Matmuls use the bf16 or f32 peak by their operand dtype and an efficiency falling with size.
 * - Fused attention (`attention`, `attention_grad`) has its own rule: the chip's attention-kernel efficiency,
 *   and a causal kernel skips the masked half of the score blocks.
 * - Element-wise ops are almost always memory-bound. An op whose every result is fused into its consumers
 *   is part of a fusion: no kernel launch and no write, but it still reads its operands that are not
 *   themselves fused (the fusion's boundary tensors), so a chain of element-wise ops costs its inputs and
 *   its one output through HBM rather than nothing.
 */
export function computeCost(op: Op, p: Program, hw: Hardware, fused?: Uint8Array, ix: ProgramIndex = indexProgram(p)): ComputeCost {
  const f = hw.figures;
  // A row-major reshape is a bitcast: no kernel, no bytes moved.
  if (op.kind === 'reshape') return { seconds: 0, flops: 0, bytes: 0, bound: 'fused' };
  const size = ix.bytes;
  const flops = fastFlops(op, p, ix);
  let bytes = 0;
  if (op.kind === 'shard_slice') {
    bytes = 2 * size[op.results[0]]; // reads only the tile it keeps
  } else {
    for (let i = 0; i < op.operands.length; i++) if (!fused?.[op.operands[i]]) bytes += size[op.operands[i]];
    for (let i = 0; i < op.results.length; i++) if (!fused?.[op.results[i]]) bytes += size[op.results[i]];
  }
  let allFused = fused !== undefined && op.results.length > 0;
  if (fused) for (const v of op.results) if (fused[v] !== 1) allFused = false;
  let tCompute: number;
  if (op.kind === 'attention' || op.kind === 'attention_grad') {
    const executed = op.attrs.causal ? flops / 2 : flops;
    tCompute = executed / (f.peakFlopsBf16 * f.attentionEfficiency);
  } else if (isMatmul(op.kind)) {
    const dt = p.values[op.operands[0]].type.dtype;
    const peak = dt === 'f32' ? f.peakFlopsFp32 : f.peakFlopsBf16;
    tCompute = flops / (peak * f.matmulEfficiency * matmulSizeFactor(flops, peak));
  } else {
    tCompute = flops / (f.peakFlopsBf16 * f.matmulEfficiency);
  }
  const tMemory = bytes / (f.hbmBandwidth * f.memoryEfficiency);
  if (allFused) return { seconds: Math.max(tCompute, tMemory), flops, bytes, bound: 'fused' };
  const seconds = Math.max(tCompute, tMemory) + f.opOverhead;
  return { seconds, flops, bytes, bound: tCompute >= tMemory ? 'compute' : 'memory' };
}

/** A set of mesh axes that share one kind of link, costed as one stage of a hierarchical collective. */
interface Stage {
  size: number;
  bandwidth: number;
  kind: AxisLink['kind'];
  topology: AxisLink['topology'];
  halfBytes: number;
}

/** One tier of links a collective crosses: a mesh axis, or the NVLink / InfiniBand halves of a node-spanning axis. */
interface Tier {
  size: number;
  bandwidth: number;
  latency: number;
  kind: AxisLink['kind'];
  topology: AxisLink['topology'];
  halfBytes: number;
}

/**
 * The link tiers of a collective's axes. An InfiniBand axis whose groups keep several members in one node
 * (FSDP over 64 GPUs: 8 per node) is two tiers: NVLink among those members, InfiniBand across the nodes,
 * where the node's members send through their own NICs at once (scaling-book gpus.md: across nodes a
 * gather is bounded by the node's egress, not one GPU's).
 */
function tiers(links: readonly AxisLink[]): Tier[] {
  const out: Tier[] = [];
  for (const l of links) {
    if (l.kind === 'ib' && l.perNode > 1) {
      out.push({ size: l.perNode, bandwidth: l.nodeBandwidth, latency: l.nodeLatency, kind: 'nvlink', topology: 'switch', halfBytes: l.nodeHalfBytes });
      out.push({ size: l.size / l.perNode, bandwidth: l.bandwidth, latency: l.latency, kind: 'ib', topology: 'switch', halfBytes: l.halfBytes });
    } else {
      out.push({ size: l.size, bandwidth: l.bandwidth, latency: l.latency, kind: l.kind, topology: l.topology, halfBytes: l.halfBytes });
    }
  }
  return out;
}

/**
 * Groups the tiers by link kind. Torus (ICI) axes are distinct physical links, so a collective over several
 * uses all of them at once and their bandwidths add (scaling-book: AllGather_XY ≈ V/(2·W)). Switched tiers
 * (NVLink, InfiniBand, DCN) share one egress per device, so the slowest one bounds the stage.
 */
function stages(ts: readonly Tier[]): Stage[] {
  const byKind = new Map<string, Stage>();
  for (const l of ts) {
    const s = byKind.get(l.kind);
    if (!s) byKind.set(l.kind, { size: l.size, bandwidth: l.bandwidth, kind: l.kind, topology: l.topology, halfBytes: l.halfBytes });
    else {
      s.size *= l.size;
      s.bandwidth = l.kind === 'ici' ? s.bandwidth + l.bandwidth : Math.min(s.bandwidth, l.bandwidth);
      if (l.topology === 'line') s.topology = 'line';
    }
  }
  // Slowest link first: a hierarchical all-gather crosses the slow level while the data is still small.
  return [...byKind.values()].sort((a, b) => a.bandwidth - b.bandwidth);
}

/**
 * Bandwidth a stage achieves for a collective of `bytes` (nccl-tests size): the large-message rate scaled
 * by V / (V + half), the message-size curve of docs/cost-model.md §3.
 */
const achieved = (s: Stage, bytes: number): number => s.bandwidth * (bytes / (bytes + s.halfBytes));

/**
 * Alpha-beta time of a collective over `axes` (docs/cost-model.md §3):
 * - all-gather, reduce-scatter: Σ(nᵢ−1)·αᵢ + bandwidth term; one axis: (n−1)/n · V/W;
 * - all-reduce: twice that (ring = reduce-scatter + all-gather): 2(n−1)/n · V/W + 2(n−1)·α;
 * - all-to-all: per-device buffer D; switched: (n−1)/n · D/W; torus ring: bisection bound n·D/(4·W);
 * - collective-permute: one step, D/W + α.
 * W is each link's achieved bandwidth at the message size (`messageBytes`, by default the collective's own). Over several link tiers the stages run
 * pipelined: stage j moves (nⱼ−1)·P·V/N bytes, where P is the product of the earlier (slower) stage sizes,
 * and the slowest stage bounds the time (scaling-book gpus.md) — the hierarchical decomposition: the slow
 * tier carries only the shard the fast tiers leave.
 */
export function collectiveSeconds(
  kind: CollectiveKind, bytes: number, axes: readonly string[], hw: Hardware, messageBytes: number = bytes,
): number {
  if (kind === 'shard_slice' || axes.length === 0) return 0;
  const ts = tiers(axes.map((a) => axisLink(hw, a)));
  const n = ts.reduce((m, l) => m * l.size, 1);
  if (n <= 1) return 0;
  let alpha = 0;
  for (const l of ts) alpha += (l.size - 1) * l.latency;
  const st = stages(ts);
  switch (kind) {
    case 'all_gather':
    case 'reduce_scatter':
    case 'all_reduce': {
      let before = 1;
      let t = 0;
      for (const s of st) {
        t = Math.max(t, ((s.size - 1) * before * bytes) / n / achieved(s, messageBytes));
        before *= s.size;
      }
      return kind === 'all_reduce' ? 2 * (t + alpha) : t + alpha;
    }
    case 'all_to_all': {
      let t = 0;
      for (const s of st) {
        const w = achieved(s, messageBytes);
        const pairwise = ((s.size - 1) / s.size) * bytes / w;
        t += s.kind === 'ici' ? Math.max(pairwise, (s.size * bytes) / (4 * w)) : pairwise;
      }
      return t + alpha;
    }
    case 'collective_permute': {
      const w = Math.min(...st.map((s) => achieved(s, messageBytes)));
      return bytes / w + Math.max(...ts.map((l) => l.latency));
    }
  }
}

/**
 * Gradient reductions are issued in buckets of at least this many bytes: frameworks combine the small
 * per-parameter reductions of the backward pass (PyTorch DDP's default bucket is 25 MB; XLA's all-reduce
 * combiner does the same), so their link efficiency is that of the bucket, not of one parameter.
 */
export const GRADIENT_BUCKET_BYTES = 25e6;

/** Seconds of a collective op of a per-device program. */
export function collectiveOpSeconds(op: Op, p: Program, hw: Hardware): number {
  if (!isCommunication(op.kind)) return 0;
  const axes = (op.attrs as { axes: readonly string[] }).axes;
  const bytes = collectiveBytes(op, p);
  const gradient = (op.kind === 'all_reduce' || op.kind === 'reduce_scatter') && p.values[op.operands[0]].role === 'gradient';
  return collectiveSeconds(op.kind, bytes, axes, hw, gradient ? Math.max(bytes, GRADIENT_BUCKET_BYTES) : bytes);
}
