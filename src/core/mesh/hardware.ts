/**
 * Hardware presets and their resolution against a mesh: which physical link each mesh axis uses and at
 * what bandwidth and latency. Figures and their sources: docs/cost-model.md and the `sources` of each preset
 * (jax-ml/scaling-book `tpus.md`, `gpus.md`; Cloud TPU docs; NVIDIA datasheets; NCCL `tuning.cc`;
 * calculon-ai/calculon `systems/a100_80g.json`).
 */
import { UserError } from '../errors';
import type { HardwarePresetId, HardwareSpec, LinkKind } from '../io/config';
import type { Mesh } from './mesh';

/** The numeric figures of a chip. Every field can be overridden by name (`hardware.overrides.<field>`). */
export interface HardwareFigures {
  /** Dense bf16 matmul peak, FLOP/s per chip. */
  peakFlopsBf16: number;
  /** Peak for f32 matmuls as frameworks run them: TF32 tensor cores on GPUs, 3 bf16 passes on TPUs. */
  peakFlopsFp32: number;
  /** HBM capacity, bytes per chip. */
  hbmBytes: number;
  /** HBM bandwidth, bytes/s per chip. */
  hbmBandwidth: number;
  /** Per link, one direction, bytes/s (TPU ICI: one torus link; NVLink: a GPU's egress into its NVSwitch domain). */
  iciBandwidth: number;
  nvlinkBandwidth: number;
  /** Per GPU (InfiniBand) / per chip (data-centre network), one direction, bytes/s. */
  ibBandwidth: number;
  dcnBandwidth: number;
  /** Latency α of one algorithm step on the link, seconds. */
  iciLatency: number;
  nvlinkLatency: number;
  ibLatency: number;
  dcnLatency: number;
  /** Fraction of the link bandwidth a collective achieves for large messages. */
  iciEfficiency: number;
  nvlinkEfficiency: number;
  ibEfficiency: number;
  dcnEfficiency: number;
  /**
   * Fraction of peak that the largest matmuls reach; shorter ones reach less, by the shared curve of
   * sim/cost.ts (matmulSizeFactor, in ideal kernel time, so it moves with the chip's peak).
   */
  matmulEfficiency: number;
  /** Fraction of the bf16 peak a fused (flash) attention kernel reaches, forward and backward. */
  attentionEfficiency: number;
  /** Fraction of HBM bandwidth that memory-bound kernels reach. */
  memoryEfficiency: number;
  /** Fixed cost per launched (unfused) kernel, seconds. */
  opOverhead: number;
  /**
   * Message size (bytes, nccl-tests convention) at which a collective on the link reaches half of its
   * large-message bandwidth: W(V) = W · V / (V + half). Small collectives cannot fill the pipeline.
   */
  iciHalfBytes: number;
  nvlinkHalfBytes: number;
  ibHalfBytes: number;
  dcnHalfBytes: number;
  /** Chips that share a fast domain: GPUs per NVLink/NVSwitch node; TPU chips per host. */
  nodeSize: number;
  /** TPU: an ICI axis has wraparound (a ring, not a line) when its size is a multiple of this. */
  wraparoundMultiple: number;
}

export type HardwareFamily = 'tpu' | 'gpu';
export type Topology = 'torus-2d' | 'torus-3d' | 'nvswitch';

export interface HardwarePreset {
  readonly id: HardwarePresetId;
  readonly name: string;
  readonly family: HardwareFamily;
  readonly topology: Topology;
  readonly figures: Readonly<HardwareFigures>;
  /** Where the figures come from, by field (figures not listed are modelling assumptions, see comments). */
  readonly sources: Readonly<Partial<Record<keyof HardwareFigures, string>>>;
}

const GB = 1e9;
const GIB = 2 ** 30;
const TF = 1e12;

// Shared modelling assumptions (not vendor figures; docs/cost-model.md gives each one's source and the
// validation that fitted it): HBM 0.90 and InfiniBand 0.90 from calculon's A100 fit; NVLink 0.8 from
// nccl-tests' ≈370 of 450 GB/s busbw on 8×H100 (scaling-book gpus.md); ICI 0.85 from scaling-book's 560 µs
// theory vs 680 µs measured all-gather on v5e. Large-matmul efficiencies are per chip, below.
const TPU_COMMON = {
  iciLatency: 1e-6, // ≈1 µs per hop (scaling-book sharding.md)
  nvlinkBandwidth: 0, nvlinkLatency: 0, ibBandwidth: 0, ibLatency: 0,
  dcnLatency: 2e-5, // assumption: tens of µs per DCN step
  iciEfficiency: 0.85, nvlinkEfficiency: 1, ibEfficiency: 1, dcnEfficiency: 0.9,
  matmulEfficiency: 0.9, memoryEfficiency: 0.9,
  // assumption: Pallas/XLA flash attention at about two thirds of the matmul rate (not validated: no TPU row is expressible yet)
  attentionEfficiency: 0.6,
  opOverhead: 0, // XLA fuses and launches whole programs; per-op launch cost is negligible
  // fitted: scaling-book's v5e gathers (32 kB shards ≈8 µs, 8 MB shards at full rate) put ICI's half-rate size near 100 kB
  iciHalfBytes: 1e5, nvlinkHalfBytes: 1, ibHalfBytes: 1,
  dcnHalfBytes: 1.6e7, // assumption: as InfiniBand
};
const GPU_COMMON = {
  iciBandwidth: 0, iciLatency: 0,
  nvlinkLatency: 3.4e-6, // NCCL tuning.cc: per-step NVLink latency, ring, Simple protocol
  ibLatency: 1.4e-5, // NCCL tuning.cc: per-step NET latency, ring, Simple protocol
  dcnBandwidth: 12.5 * GB, dcnLatency: 2e-5, // assumption: a 100 Gb/s Ethernet NIC per GPU
  iciEfficiency: 1, nvlinkEfficiency: 0.8, ibEfficiency: 0.9, dcnEfficiency: 0.9,
  memoryEfficiency: 0.9,
  opOverhead: 2e-6, // assumption: a few µs per CUDA kernel launch (docs/cost-model.md §2)
  // fitted: an 8×H100 all-reduce of 58 MB reaches ≈150 GB/s busbw against ≈370 for multi-GB messages
  // (scaling-book gpus.md): half rate near 72 MB. Assumed the same on A100 NVLink.
  nvlinkHalfBytes: 7.2e7,
  ibHalfBytes: 1.6e7, // assumption: NCCL over InfiniBand fills at smaller messages than NVLink (no measurement in the sources)
  iciHalfBytes: 1, dcnHalfBytes: 1.6e7,
  nodeSize: 8, // 8 GPUs per NVSwitch node (DGX/HGX)
  wraparoundMultiple: 1,
};

// Per-chip large-matmul efficiencies, fitted by `npm run validate -- --fit` on the validation/ rows marked
// "fit" only (docs/cost-model.md); attention efficiencies are literature figures, not fitted.
/**
 * A100: fitted 0.82 (least squares, `npm run validate -- --fit`) on Megatron-LM 1.7B and 18.4B (Narayanan et
 * al. 2021 Table 1, run as micro-batches of 4) and Korthikanti et al. 2022's 22B with full recomputation;
 * every other A100 row is held out. Calculon's GEMM-only A100 figure is 0.95 (calculon-ai/calculon
 * systems/a100_80g.json); the fitted one also absorbs what the model leaves out (framework overhead, the
 * GEMMs' own shapes), which is why it is lower. An earlier fit gave 0.66 when the Megatron rows ran their
 * whole batch at once, whose 8× larger tensor-parallel all-reduces hid the message-size cost, and 0.85
 * while each micro-batch's collectives sat on its critical path (before they ran on the two streams that
 * a single step's do, which lets a backward all-reduce overlap the weight-gradient GEMMs).
 */
const A100_MATMUL = 0.82;
/** A100: FlashAttention-2 reaches 50–73% of peak forward, less backward (Dao 2023). */
const A100_ATTENTION = 0.55;
/**
 * H100: fitted 0.65 on MPT-7B and MPT-13B on 8 × H100 (llm-foundry benchmarks); tuned bf16 GEMMs alone reach
 * roughly 0.75–0.8 of 989 TFLOP/s.
 */
const H100_MATMUL = 0.65;
/** H100: FlashAttention-2 reaches ≈35–40% of the H100 peak (Dao 2023; FlashAttention-3 paper, its baseline). */
const H100_ATTENTION = 0.4;

const SB_TPUS = 'jax-ml/scaling-book tpus.md';
const SB_GPUS = 'jax-ml/scaling-book gpus.md';

type PresetSources = HardwarePreset['sources'];

/**
 * A TPU preset: the shared TPU figures, f32 matmuls at a third of the bf16 peak (3 bf16 passes), and
 * the data-centre network (2.5e10 B/s per host) shared by the chips of a host.
 */
function tpu(
  f: {
    id: HardwarePresetId; name: string; topology: 'torus-2d' | 'torus-3d'; bf16Tflops: number; hbmBytes: number;
    hbmBandwidth: number; iciBandwidth: number; chipsPerHost: number; wraparoundMultiple: number;
  },
  sources: PresetSources,
): HardwarePreset {
  return {
    id: f.id, name: f.name, family: 'tpu', topology: f.topology,
    figures: {
      ...TPU_COMMON, peakFlopsBf16: f.bf16Tflops * TF, peakFlopsFp32: f.bf16Tflops * TF / 3, hbmBytes: f.hbmBytes,
      hbmBandwidth: f.hbmBandwidth, iciBandwidth: f.iciBandwidth, dcnBandwidth: 25 * GB / f.chipsPerHost,
      nodeSize: f.chipsPerHost, wraparoundMultiple: f.wraparoundMultiple,
    },
    // The f32 peak above is derived, not a vendor figure; a preset may say more.
    sources: { peakFlopsFp32: 'derived: bf16 peak / 3', ...sources },
  };
}

/** A GPU preset: the shared GPU figures in an NVSwitch node, with the chip's peaks, HBM and links. */
function gpu(
  f: {
    id: HardwarePresetId; name: string; bf16Tflops: number; fp32Tflops: number; hbmBytes: number; hbmBandwidth: number;
    nvlinkBandwidth: number; ibBandwidth: number; matmulEfficiency: number; attentionEfficiency: number;
  },
  sources: PresetSources,
): HardwarePreset {
  return {
    id: f.id, name: f.name, family: 'gpu', topology: 'nvswitch',
    figures: {
      ...GPU_COMMON, peakFlopsBf16: f.bf16Tflops * TF, peakFlopsFp32: f.fp32Tflops * TF, hbmBytes: f.hbmBytes,
      hbmBandwidth: f.hbmBandwidth, nvlinkBandwidth: f.nvlinkBandwidth, ibBandwidth: f.ibBandwidth,
      matmulEfficiency: f.matmulEfficiency, attentionEfficiency: f.attentionEfficiency,
    },
    sources,
  };
}

export const HARDWARE_PRESETS: Readonly<Record<HardwarePresetId, HardwarePreset>> = {
  // TPU v3 as the PartIR paper ran it (§7.1): each chip's two TensorCores are two JAX devices, and a
  // device here is one core: 16 GiB of HBM, "61.5 TFLOPs on float32 and 123 TFLOPs on float16" per core
  // as the paper states them (Google's v3 page gives 123 bf16 TFLOP/s per chip), four ICI links of
  // 70 GB/s per chip. HBM bandwidth is the chip's 900 GB/s split between its two cores.
  'tpu-v3': (() => {
    const p = tpu({
      id: 'tpu-v3', name: 'TPU v3 (per TensorCore)', topology: 'torus-2d',
      bf16Tflops: 123, hbmBytes: 16 * GIB, hbmBandwidth: 450 * GB, iciBandwidth: 70 * GB, chipsPerHost: 8,
      wraparoundMultiple: 32, // assumption: the 2D torus wraps on full pod rows (32×32 pod)
    }, {
      peakFlopsBf16: 'PartIR paper §7.1 (123 TFLOP/s per core)', peakFlopsFp32: 'PartIR paper §7.1 (61.5 TFLOP/s per core)',
      hbmBytes: 'PartIR paper §7.1 (16 GiB per core)', hbmBandwidth: 'Cloud TPU docs tpu/docs/v3 (900 GB/s per chip, two cores)',
      iciBandwidth: 'PartIR paper §7.1 (four links of 70 GB/s per chip)',
      dcnBandwidth: `${SB_TPUS} (DCN 2.5e10 B/s per host, 4 chips = 8 cores per host)`, iciLatency: 'scaling-book sharding.md (≈1 µs per hop)',
    });
    return { ...p, figures: { ...p.figures, peakFlopsFp32: 61.5 * TF } };
  })(),
  'tpu-v4': tpu({
    id: 'tpu-v4', name: 'TPU v4', topology: 'torus-3d',
    bf16Tflops: 275, hbmBytes: 32 * GIB, hbmBandwidth: 1200 * GB, iciBandwidth: 4.5e10, chipsPerHost: 4,
    wraparoundMultiple: 4, // optical switches wrap axes that span whole 4×4×4 cubes (scaling-book)
  }, {
    peakFlopsBf16: 'Cloud TPU docs tpu/docs/v4 (275 TFLOP/s)', hbmBytes: 'Cloud TPU docs tpu/docs/v4 (32 GiB)',
    hbmBandwidth: 'Cloud TPU docs tpu/docs/v4 (1200 GB/s)', iciBandwidth: `${SB_TPUS} (4.5e10 B/s one-way per link, 6 links)`,
    dcnBandwidth: `${SB_TPUS} (2.5e10 B/s per host, 4 chips per host)`,
    wraparoundMultiple: 'scaling-book tpus.md (wraparound on full 4×4×4 cubes)',
  }),
  'tpu-v5e': tpu({
    id: 'tpu-v5e', name: 'TPU v5e', topology: 'torus-2d',
    bf16Tflops: 197, hbmBytes: 16 * GB, hbmBandwidth: 819 * GB, iciBandwidth: 4.5e10, chipsPerHost: 8,
    wraparoundMultiple: 16, // v5e wraps only axes of length 16 (scaling-book)
  }, {
    peakFlopsBf16: 'Cloud TPU docs tpu/docs/v5e (197 TFLOP/s bf16)', hbmBytes: 'Cloud TPU docs tpu/docs/v5e (16 GB)',
    hbmBandwidth: 'Cloud TPU docs tpu/docs/v5e (819 GB/s)', iciBandwidth: `${SB_TPUS} (4.5e10 B/s one-way per link, 4 links)`,
    dcnBandwidth: 'Cloud TPU docs v5e (2×100 Gbps NIC per 8-chip host)',
    wraparoundMultiple: 'scaling-book tpus.md (wraparound only on axes of length 16)',
  }),
  'tpu-v5p': tpu({
    id: 'tpu-v5p', name: 'TPU v5p', topology: 'torus-3d',
    bf16Tflops: 459, hbmBytes: 95 * GB, hbmBandwidth: 2765 * GB, iciBandwidth: 9e10, chipsPerHost: 4,
    wraparoundMultiple: 4,
  }, {
    peakFlopsBf16: 'Cloud TPU docs tpu/docs/v5p (459 TFLOP/s)', hbmBytes: 'Cloud TPU docs tpu/docs/v5p (95 GB)',
    hbmBandwidth: 'Cloud TPU docs tpu/docs/v5p (2765 GB/s)', iciBandwidth: `${SB_TPUS} (9e10 B/s one-way per link, 6 links)`,
    dcnBandwidth: `${SB_TPUS} (2.5e10 B/s per host, 4 chips per host)`,
    wraparoundMultiple: 'scaling-book tpus.md (wraparound on full 4×4×4 cubes)',
  }),
  'tpu-v6e': tpu({
    id: 'tpu-v6e', name: 'TPU v6e (Trillium)', topology: 'torus-2d',
    bf16Tflops: 918, hbmBytes: 32 * GB, hbmBandwidth: 1638 * GB, iciBandwidth: 9e10, chipsPerHost: 8,
    wraparoundMultiple: 16,
  }, {
    peakFlopsBf16: 'Cloud TPU docs tpu/docs/v6e (918 TFLOP/s bf16)', hbmBytes: 'Cloud TPU docs tpu/docs/v6e (32 GB)',
    hbmBandwidth: 'Cloud TPU docs tpu/docs/v6e (1638 GB/s)', iciBandwidth: `${SB_TPUS} (9e10 B/s one-way per link, 4 links)`,
    dcnBandwidth: `${SB_TPUS} (2.5e10 B/s per host; 8 chips per host assumed)`,
    wraparoundMultiple: 'scaling-book tpus.md (wraparound only on axes of length 16)',
  }),
  'a100-40gb': gpu({
    id: 'a100-40gb', name: 'NVIDIA A100 40GB SXM',
    bf16Tflops: 312, fp32Tflops: 156, hbmBytes: 40 * GB, hbmBandwidth: 1555 * GB, nvlinkBandwidth: 300 * GB, ibBandwidth: 25 * GB,
    matmulEfficiency: A100_MATMUL, attentionEfficiency: A100_ATTENTION,
  }, {
    peakFlopsBf16: 'NVIDIA A100 datasheet (312 TFLOP/s dense bf16)', peakFlopsFp32: 'NVIDIA A100 datasheet (156 TFLOP/s dense TF32)',
    hbmBytes: 'NVIDIA A100 datasheet (40 GB HBM2)', hbmBandwidth: 'NVIDIA A100 datasheet (1555 GB/s)',
    nvlinkBandwidth: `${SB_GPUS} (NVLink3: 12 links × 25 GB/s = 300 GB/s per direction)`,
    ibBandwidth: `${SB_GPUS} (DGX A100: 8×HDR 200 Gb/s, 25 GB/s per GPU)`, nvlinkLatency: 'NVIDIA/nccl src/graph/tuning.cc',
    ibLatency: 'NVIDIA/nccl src/graph/tuning.cc', ibEfficiency: 'calculon systems/a100_80g.json',
  }),
  'a100-80gb': gpu({
    id: 'a100-80gb', name: 'NVIDIA A100 80GB SXM',
    bf16Tflops: 312, fp32Tflops: 156, hbmBytes: 80 * GB, hbmBandwidth: 2039 * GB, nvlinkBandwidth: 300 * GB, ibBandwidth: 25 * GB,
    matmulEfficiency: A100_MATMUL, attentionEfficiency: A100_ATTENTION,
  }, {
    peakFlopsBf16: 'NVIDIA A100 datasheet (312 TFLOP/s dense bf16)', peakFlopsFp32: 'NVIDIA A100 datasheet (156 TFLOP/s dense TF32)',
    hbmBytes: 'NVIDIA A100 datasheet (80 GB HBM2e)', hbmBandwidth: 'NVIDIA A100 datasheet (2039 GB/s)',
    nvlinkBandwidth: `${SB_GPUS} (300 GB/s per direction)`, ibBandwidth: `${SB_GPUS} (25 GB/s per GPU)`,
    nvlinkLatency: 'NVIDIA/nccl src/graph/tuning.cc', ibLatency: 'NVIDIA/nccl src/graph/tuning.cc',
    matmulEfficiency: 'fitted on Megatron-LM Table 1 and Korthikanti et al. Table 5 rows (validation/, npm run validate -- --fit)', memoryEfficiency: 'calculon systems/a100_80g.json',
  }),
  h100: gpu({
    id: 'h100', name: 'NVIDIA H100 SXM',
    bf16Tflops: 989, fp32Tflops: 494.7, hbmBytes: 80 * GB, hbmBandwidth: 3350 * GB, nvlinkBandwidth: 450 * GB, ibBandwidth: 50 * GB,
    matmulEfficiency: H100_MATMUL, attentionEfficiency: H100_ATTENTION,
  }, {
    peakFlopsBf16: `${SB_GPUS}; glennklockwood.com H100 (989 TFLOP/s dense bf16)`, peakFlopsFp32: 'NVIDIA H100 datasheet (494.7 TFLOP/s dense TF32)',
    hbmBytes: 'NVIDIA H100 datasheet (80 GB HBM3)', hbmBandwidth: 'glennklockwood.com H100 (3.35 TB/s)',
    nvlinkBandwidth: `${SB_GPUS} (NVLink4: 18 × 25 GB/s = 450 GB/s per direction)`,
    ibBandwidth: `${SB_GPUS} (DGX H100: 8×NDR 400 Gb/s, 50 GB/s per GPU)`, nvlinkEfficiency: `${SB_GPUS} (≈370 of 450 GB/s measured)`,
    nvlinkLatency: 'NVIDIA/nccl src/graph/tuning.cc', ibLatency: 'NVIDIA/nccl src/graph/tuning.cc',
  }),
  h200: gpu({
    id: 'h200', name: 'NVIDIA H200 SXM',
    bf16Tflops: 989, fp32Tflops: 494.7, hbmBytes: 141 * GB, hbmBandwidth: 4800 * GB, nvlinkBandwidth: 450 * GB, ibBandwidth: 50 * GB,
    matmulEfficiency: H100_MATMUL, attentionEfficiency: H100_ATTENTION,
  }, {
    peakFlopsBf16: `${SB_GPUS} (same compute as H100)`, peakFlopsFp32: 'NVIDIA H200 page (as H100: 494.7 TFLOP/s dense TF32)',
    hbmBytes: `${SB_GPUS} (141 GB HBM3e)`, hbmBandwidth: `${SB_GPUS} (4.8e12 B/s)`,
    nvlinkBandwidth: `${SB_GPUS} (NVLink4, 450 GB/s per direction)`, ibBandwidth: `${SB_GPUS} (50 GB/s per GPU)`,
    nvlinkLatency: 'NVIDIA/nccl src/graph/tuning.cc', ibLatency: 'NVIDIA/nccl src/graph/tuning.cc',
  }),
};

/** How a device moves data along one mesh axis. */
export type AxisTopology = 'ring' | 'line' | 'switch';

export interface AxisLink {
  readonly axis: string;
  readonly size: number;
  readonly kind: LinkKind;
  readonly topology: AxisTopology;
  /**
   * Bytes/s a device can move along this axis in a ring algorithm, after efficiency: a torus ring uses both
   * directions (2 × per-link), a line only one; a switched link is the per-device egress.
   */
  readonly bandwidth: number;
  /** α: seconds per algorithm step. */
  readonly latency: number;
  /** Message size at which a collective on this link reaches half its bandwidth (HardwareFigures.*HalfBytes). */
  readonly halfBytes: number;
  /**
   * GPUs: how many members of one group of this axis share an NVLink node (devices are numbered row-major,
   * so a group's members are `stride` apart). An InfiniBand axis with several members per node is a
   * two-tier collective: NVLink within the node, InfiniBand across nodes through all of the node's NICs.
   */
  readonly perNode: number;
  /** That node's NVLink bandwidth per device (for the inner tier), bytes/s after efficiency. */
  readonly nodeBandwidth: number;
  readonly nodeLatency: number;
  readonly nodeHalfBytes: number;
}

export interface Hardware {
  readonly preset: HardwarePresetId;
  readonly name: string;
  readonly family: HardwareFamily;
  readonly topology: Topology;
  /** The preset's figures with the overrides applied. */
  readonly figures: Readonly<HardwareFigures>;
  readonly mesh: Mesh;
  /** One entry per mesh axis, in mesh order. */
  readonly axes: readonly AxisLink[];
}

const FIELD_NAMES = Object.keys(HARDWARE_PRESETS['tpu-v5p'].figures) as (keyof HardwareFigures)[];
const FRACTION_FIELDS: ReadonlySet<string> = new Set([
  'iciEfficiency', 'nvlinkEfficiency', 'ibEfficiency', 'dcnEfficiency', 'matmulEfficiency', 'memoryEfficiency', 'attentionEfficiency',
]);
type LinkFields = { bw: keyof HardwareFigures; lat: keyof HardwareFigures; eff: keyof HardwareFigures; half: keyof HardwareFigures };
const LINK_FIELDS: Record<LinkKind, LinkFields> = {
  ici: { bw: 'iciBandwidth', lat: 'iciLatency', eff: 'iciEfficiency', half: 'iciHalfBytes' },
  nvlink: { bw: 'nvlinkBandwidth', lat: 'nvlinkLatency', eff: 'nvlinkEfficiency', half: 'nvlinkHalfBytes' },
  ib: { bw: 'ibBandwidth', lat: 'ibLatency', eff: 'ibEfficiency', half: 'ibHalfBytes' },
  dcn: { bw: 'dcnBandwidth', lat: 'dcnLatency', eff: 'dcnEfficiency', half: 'dcnHalfBytes' },
};

export const hardwareFieldNames = (): readonly (keyof HardwareFigures)[] => FIELD_NAMES;

/**
 * The range a figure can physically take (inclusive), far wider than any chip or network built, so that
 * an override cannot make a time infinite or zero (a denormal bandwidth such as 5e-324 B/s divides to
 * Infinity). Latencies and overheads may be tiny (a "what if it were free" study), but not zero or
 * denormal. Integer fields must be whole numbers.
 */
const PHYSICAL_RANGE: ReadonlyMap<string, { min: number; max: number; unit: string; integer?: boolean }> = new Map([
  ['peakFlopsBf16', { min: 1e9, max: 1e18, unit: 'FLOP/s' }],
  ['peakFlopsFp32', { min: 1e9, max: 1e18, unit: 'FLOP/s' }],
  ['hbmBytes', { min: 1e3, max: 2 ** 50, unit: 'bytes' }],
  ['hbmBandwidth', { min: 1e6, max: 1e15, unit: 'B/s' }],
  ...(['iciBandwidth', 'nvlinkBandwidth', 'ibBandwidth', 'dcnBandwidth'] as const).map((f): [string, { min: number; max: number; unit: string }] => [f, { min: 1e3, max: 1e14, unit: 'B/s' }]),
  ...(['iciLatency', 'nvlinkLatency', 'ibLatency', 'dcnLatency'] as const).map((f): [string, { min: number; max: number; unit: string }] => [f, { min: 1e-15, max: 10, unit: 's' }]),
  ...[...FRACTION_FIELDS].map((f): [string, { min: number; max: number; unit: string }] => [f, { min: 0.001, max: 1, unit: '(a fraction)' }]),
  ['opOverhead', { min: 1e-15, max: 1, unit: 's' }],
  // message size at which a link reaches half its large-message rate
  ...(['iciHalfBytes', 'nvlinkHalfBytes', 'ibHalfBytes', 'dcnHalfBytes'] as const).map((f): [string, { min: number; max: number; unit: string }] => [f, { min: 1e-6, max: 1e12, unit: 'bytes' }]),
  ['nodeSize', { min: 1, max: 65536, unit: 'chips', integer: true }],
  ['wraparoundMultiple', { min: 1, max: 65536, unit: 'chips', integer: true }],
]);

export function applyOverrides(figures: Readonly<HardwareFigures>, overrides: Readonly<Record<string, number>> | undefined): HardwareFigures {
  const out: HardwareFigures = { ...figures };
  // Object.entries sees an own "__proto__" or "constructor" key like any other, so it is refused below
  for (const [name, value] of Object.entries(overrides ?? {})) {
    const where = `hardware.overrides.${name}`;
    const range = PHYSICAL_RANGE.get(name);
    if (!(FIELD_NAMES as readonly string[]).includes(name) || !range)
      throw new UserError('hardware', `${where}: unknown hardware figure "${name}"; known figures: ${FIELD_NAMES.join(', ')}`, { where });
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
      throw new UserError('hardware', `${where}: must be a positive number, got ${String(value)}`, { where });
    if (FRACTION_FIELDS.has(name) && value > 1)
      throw new UserError('hardware', `${where}: an efficiency is a fraction in (0, 1], got ${value}`, { where });
    if (value < range.min || value > range.max || (range.integer && !Number.isInteger(value)))
      throw new UserError('hardware', `${where}: ${value} is outside the physical range ${range.min}–${range.max} ${range.unit}${range.integer ? ', whole numbers' : ''}`, { where });
    out[name as keyof HardwareFigures] = value;
  }
  return out;
}

/**
 * The default link of a mesh axis. Devices are numbered row-major, so an axis's group spans
 * `size × (product of the sizes of the axes after it)` consecutive devices: on GPUs it stays in one NVLink
 * node when that span fits in `nodeSize`, else it crosses nodes over InfiniBand. TPU axes use ICI.
 */
function defaultLink(family: HardwareFamily, figures: HardwareFigures, mesh: Mesh, i: number): LinkKind {
  if (family === 'tpu') return 'ici';
  let span = 1;
  for (let j = i; j < mesh.axes.length; j++) span *= mesh.axes[j].size;
  return span <= figures.nodeSize ? 'nvlink' : 'ib';
}

export function resolveHardware(spec: HardwareSpec, mesh: Mesh): Hardware {
  const preset = HARDWARE_PRESETS[spec.preset];
  if (!preset)
    throw new UserError('hardware', `hardware.preset: unknown hardware preset "${String(spec.preset)}"`, { where: 'hardware.preset' });
  const figures = applyOverrides(preset.figures, spec.overrides);
  // a Map: an axis may be called "constructor" or "__proto__", which a plain object lookup would find on Object.prototype
  const links = new Map(Object.entries(spec.links ?? {}));
  for (const name of links.keys()) {
    if (!mesh.axes.some((a) => a.name === name))
      throw new UserError('hardware', `hardware.links.${name}: names no mesh axis (axes: ${mesh.axes.map((a) => a.name).join(', ')})`, { where: `hardware.links.${name}` });
  }
  const axes = mesh.axes.map((a, i): AxisLink => {
    const kind = links.get(a.name) ?? defaultLink(preset.family, figures, mesh, i);
    const where = `hardware.links.${a.name}`;
    if (!Object.hasOwn(LINK_FIELDS, kind))
      throw new UserError('hardware', `${where}: unknown link kind "${String(kind)}"; choose one of ${Object.keys(LINK_FIELDS).join(', ')}`, { where });
    if (preset.family === 'tpu' && kind === 'nvlink' || preset.family === 'gpu' && kind === 'ici')
      throw new UserError('hardware', `${where}: a ${preset.name} has no ${kind} links`, { where });
    if (kind === 'ib' && preset.family === 'tpu')
      throw new UserError('hardware', `${where}: TPU slices connect over ICI or the data-centre network (dcn), not InfiniBand`, { where });
    const f = LINK_FIELDS[kind];
    const perLink = figures[f.bw] * figures[f.eff];
    let topology: AxisTopology = 'switch';
    let bandwidth = perLink;
    if (kind === 'ici') {
      // A torus axis with wraparound is a bidirectional ring; without it, a line (≈2× slower, scaling-book).
      topology = a.size % figures.wraparoundMultiple === 0 ? 'ring' : 'line';
      bandwidth = topology === 'ring' ? 2 * perLink : perLink;
    }
    let stride = 1;
    for (let j = i + 1; j < mesh.axes.length; j++) stride *= mesh.axes[j].size;
    const perNode = kind === 'ib' && stride < figures.nodeSize ? Math.max(1, Math.min(a.size, Math.floor(figures.nodeSize / stride))) : 1;
    const nv = LINK_FIELDS.nvlink;
    return {
      axis: a.name, size: a.size, kind, topology, bandwidth, latency: figures[f.lat], halfBytes: figures[f.half], perNode,
      nodeBandwidth: figures[nv.bw] * figures[nv.eff], nodeLatency: figures[nv.lat], nodeHalfBytes: figures[nv.half],
    };
  });
  return { preset: preset.id, name: preset.name, family: preset.family, topology: preset.topology, figures, mesh, axes };
}

export function axisLink(hw: Hardware, axis: string): AxisLink {
  const l = hw.axes.find((a) => a.axis === axis);
  if (!l) throw new UserError('mesh', `unknown mesh axis "${axis}" (mesh has ${hw.axes.map((a) => `"${a.axis}"`).join(', ')})`);
  return l;
}
