/**
 * Reproduces the PartIR paper's evaluation and writes it into README.md between
 * `<!-- paper-repro:start -->` and `<!-- paper-repro:end -->` (appended under "## Reproducing the paper"
 * when the markers are missing): Table 3 (collective counts, paper vs ours, every row), Table 2 (MFU and
 * HBM per device, the paper's measurement vs our simulation) and Table 4 (the paper's simulator
 * estimates vs ours: ordering and ratios). Every configuration is a gallery entry at its paper size
 * (src/core/models/gallery.ts); the paper's figures are in src/core/models/paperResults.ts.
 * Run with `npm run -s paper-repro` (`--stdout` prints instead of writing the README).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { galleryEntry, GALLERY_MODELS, PAPER_MESHES } from '../src/core/models/gallery';
import {
  IT32_DECODE_STEPS, PAPER_TABLE2, PAPER_TABLE3, PAPER_TABLE4, type CollectiveCounts, type Table3Row,
} from '../src/core/models/paperResults';
import { runPipeline } from '../src/core/pipeline';
import { impliedMatmulEfficiency } from './impliedMatmulEfficiency';
import type { Report } from '../src/core/report';
import { formatChange, formatSeconds } from '../src/core/units';

const START = '<!-- paper-repro:start -->';
const END = '<!-- paper-repro:end -->';

interface Run { report: Report; counts: CollectiveCounts; conflicts: number; peak: number; capacity: number; step: number; mfu: number }

const runs = new Map<string, Run | Error>();
function run(id: string): Run | Error {
  const hit = runs.get(id);
  if (hit) return hit;
  const g = galleryEntry(id);
  let out: Run | Error;
  const t0 = Date.now();
  try {
    if (!g) throw new Error(`no gallery entry ${id}`);
    const { report } = runPipeline(g.config);
    const errors = report.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) throw new Error(`tactic error: ${errors[0].message}`);
    const counts = { ag: 0, ar: 0, rs: 0, a2a: 0 };
    for (const c of report.collectives) {
      if (c.kind === 'all-gather') counts.ag++;
      else if (c.kind === 'all-reduce') counts.ar++;
      else if (c.kind === 'reduce-scatter') counts.rs++;
      else if (c.kind === 'all-to-all') counts.a2a++;
    }
    const worst = report.memory.perDevice.reduce((a, d) => (d.peak > a.peak ? d : a));
    out = {
      report, counts, conflicts: report.stages.reduce((n, s) => n + s.conflicts.length, 0),
      peak: worst.peak, capacity: worst.capacity, step: report.time.step, mfu: report.time.mfu,
    };
  } catch (e) {
    out = e as Error;
  }
  process.stderr.write(`${id}: ${out instanceof Error ? `failed: ${out.message}` : 'ok'} (${Date.now() - t0} ms)\n`);
  runs.set(id, out);
  return out;
}

const isIt32 = (id: string) => id.startsWith('it32-');
/** IT32 is one decoding step in the zoo; the paper's figures are for its serving loop. */
const loop = (id: string) => (isIt32(id) ? IT32_DECODE_STEPS : 1);
const fmt = (c: CollectiveCounts) => `${c.ag} / ${c.ar} / ${c.rs} / ${c.a2a}`;
const times = (c: CollectiveCounts, k: number): CollectiveCounts => ({ ag: c.ag * k, ar: c.ar * k, rs: c.rs * k, a2a: c.a2a * k });
const same = (a: CollectiveCounts, b: CollectiveCounts) => a.ag === b.ag && a.ar === b.ar && a.rs === b.rs && a.a2a === b.a2a;
const diff = (ours: CollectiveCounts, paper: CollectiveCounts) =>
  (['ag', 'ar', 'rs', 'a2a'] as const).filter((k) => ours[k] !== paper[k]).map((k) => `${k.toUpperCase()} ${ours[k] - paper[k] > 0 ? '+' : ''}${ours[k] - paper[k]}`).join(', ');
const GiB = 2 ** 30;

/** Why a row differs, by (model, schedule): what in the model or the tactics makes the difference. */
const WHY: ReadonlyMap<string, string> = new Map([
  ['IT32 BP+MP+MQ', 'per decoding step ours has, per block, Megatron\'s 2 all-reduces and MQ\'s 2 all-to-alls (the queries from heads to the scores\' batch tiling, the context back to wo\'s heads), and nothing else: 64 / 64 per step, times the loop\'s 1536 steps. The paper\'s loop has 1535 steps with the 2 all-to-alls and a final one with 2 gathers per block instead ("except for the final loop, which requires an extra AG"); our program is one step of the loop and has no final iteration, so 64 of its all-to-alls stand where the paper counts 64 gathers. The conflicts are MQ\'s meetings by design (queries on heads meet scores on batch; the new token\'s key and value and the wo projection, pinned replicated, meet the batch-tiled cache and context) and MP\'s at wo, where the lowering moves the context by all-to-all'],
  ['UNet BP', 'the paper\'s 503 imply 502 parameter tensors (one all-reduce per gradient + the loss). Ours is DDPM\'s layout with §7.1\'s block counts (3 levels × 3 residual blocks down, × 4 up, 2 in the middle around one 16-head attention) and has 283: 10 tensors per residual block (two GroupNorms, two 3×3 convolutions and the timestep projection, each weight + bias or scale + offset), 12 where a 1×1 convolution adapts the channels, 6 for the attention (its norm, q, k, v, o), 23 for the timestep embedding, the stem, the down/up-sampling convolutions and the output. §7.1 does not say what a residual block holds; 502 tensors would take about 21 per block, twice DDPM\'s'],
  ['UNet BP+Z2', 'as for BP, 282 tensors are sharded where the paper shards 501. What agrees: both leave exactly one tensor unsharded (Z2\'s 2 all-reduces: the loss and, in ours, the output convolution\'s 3-channel bias, which 8 does not divide). The paper\'s 16 gathers beyond one per sharded tensor are not explained by §7.1'],
  ['UNet BP+Z3', 'as for BP: fewer tensors. Ours gathers each sharded tensor for the forward pass and 142 of them again for the backward pass (every norm scale, 43 of the 95 kernels and dense weights, no bias): 282 + 142; the paper\'s 799 = 501 + 298 has the same shape (0.59 of its tensors read again, ours 0.50)'],
]);

function table3Row(row: Table3Row): string {
  const r = row.gallery ? run(row.gallery) : new Error('no gallery entry');
  if (r instanceof Error) return `| ${row.model} | ${row.schedule} | ${fmt(row.paper)} | error | no | | ${r.message.replace(/\|/g, '\\|')} |`;
  const ours = times(r.counts, loop(row.gallery as string));
  const ok = same(ours, row.paper);
  const why = ok ? '' : `${diff(ours, row.paper)}: ${WHY.get(`${row.model} ${row.schedule}`) ?? 'not analysed'}`;
  const schedule = row.readAs ? `${row.schedule} (as ${row.readAs.schedule}, \`${row.gallery}\`)` : row.schedule;
  const note = row.readAs ? `read as ${row.readAs.schedule}: ${row.readAs.why}` : '';
  return `| ${row.model} | ${schedule} | ${fmt(row.paper)} | ${fmt(ours)} | ${ok ? 'yes' : 'no'} | ${r.conflicts} | ${[why, note].filter(Boolean).join('; ')} |`;
}

function table3(): string {
  const lines = [
    '| Model | Schedule | Paper AG / AR / RS / A2A | Ours AG / AR / RS / A2A | Match | Conflicts reported | Difference and reason |',
    '|---|---|---|---|---|---|---|',
  ];
  PAPER_TABLE3.forEach((row, i) => {
    lines.push(table3Row(row));
    if (PAPER_TABLE3[i + 1]?.model === row.model) return;
    // After a model's last paper row: that model's schedules the paper does not list.
    for (const [model, schedule, id, text] of NOT_IN_PAPER) {
      if (model !== row.model) continue;
      const r = run(id);
      const ours = r instanceof Error ? `error: ${r.message.replace(/\|/g, '\\|')}` : fmt(r.counts);
      lines.push(`| ${model} | ${schedule} (\`${id}\`) | — | ${ours} | — | ${r instanceof Error ? '' : r.conflicts} | ${text} |`);
    }
  });
  return lines.join('\n');
}

/** Schedules printed beside the paper's rows, with no paper figure: (model, schedule, gallery id, why). */
const NOT_IN_PAPER: readonly (readonly [string, string, string, string])[] = [
  ['T32', 'EMB alone', 't32-emb', 'not a paper row (its EMB row is MP+EMB, above): with no Megatron tiling to meet, the d_model-tiled embedding makes the weights follow their d_model-tiled gradients, each of the 4 matmuls per block contracts the tiled dim and all-reduces its partial result, and the 3 RMSNorms all-reduce their statistics forward and backward: 10 all-reduces per block + the loss, no conflict and no gather'],
];

function table2(): string {
  const lines = [
    '| Mesh | Model | Paper MFU | Ours MFU | Δ | Paper HBM / device | Ours peak / device | Δ | Ours step time |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const notes: string[] = [];
  const gemm: string[] = [];
  const serial: string[] = [];
  const hidden: string[] = [];
  for (const row of PAPER_TABLE2) {
    const r = run(row.gallery);
    if (r instanceof Error) {
      lines.push(`| ${row.mesh} | ${row.model} (${row.size}) | ${row.mfuPercent}% | error: ${r.message.replace(/\|/g, '\\|')} | | ${row.hbmGB} GB | | | |`);
      continue;
    }
    const mfu = r.mfu * 100, hbm = r.peak / 1e9;
    const worst = r.report.memory.perDevice.reduce((a, d) => (d.peak > a.peak ? d : a));
    notes.push(`${row.model} on ${row.mesh}: of the ${hbm.toFixed(2)} GB peak, ${(worst.atPeak.activations / 1e9).toFixed(2)} GB are activations kept for the backward pass, ${((worst.atPeak.params + worst.atPeak.optimizer + worst.atPeak.gradients) / 1e9).toFixed(2)} GB model state, ${(worst.atPeak.temporaries / 1e9).toFixed(2)} GB temporaries`);
    lines.push(`| ${row.mesh} | ${row.model} (${row.size}) | ${row.mfuPercent}% | ${mfu.toFixed(1)}% | ${formatChange(row.mfuPercent, mfu)} | ${row.hbmGB} GB | ${hbm.toFixed(2)} GB${r.peak > r.capacity ? ` (over ${(r.capacity / GiB).toFixed(0)} GiB)` : ''} | ${formatChange(row.hbmGB, hbm)} | ${r.step.toFixed(2)} s |`);
    // the step with every collective exposed: the most the collectives could lower the MFU
    const t = r.report.time;
    serial.push(`${row.mesh} ${(r.mfu * t.step / (t.compute + t.communication) * 100).toFixed(1)}%`);
    // and with every collective hidden behind compute: what the compute alone allows
    hidden.push(`${row.mesh} ${(r.mfu * t.step / t.compute * 100).toFixed(1)}% (paper ${row.mfuPercent}%; ours exposes ${formatSeconds(t.exposedCommunication)} of ${formatSeconds(t.communication)} of communication)`);
    const g = galleryEntry(row.gallery);
    if (!g) continue;
    const e = impliedMatmulEfficiency(g.config, row.mfuPercent / 100);
    gemm.push(e.reachable
      ? `${row.mesh} ${e.implied.toFixed(2)} (fitted ${e.fitted.toFixed(2)}; at ${e.implied.toFixed(2)} ours reads ${(e.mfuAtImplied * 100).toFixed(1)}%)`
      : `${row.mesh} none (fitted ${e.fitted.toFixed(2)}; even at 1.00 ours reads ${(e.mfuAtImplied * 100).toFixed(1)}%)`);
  }
  return `${lines.join('\n')}\n\nWhere the memory goes: ${notes.join('; ')}. The memory model keeps what XLA`
    + ' would (src/core/sim/memoryFusion.ts): reshapes are views of their operand, element-wise chains (a GELU, a'
    + ' LayerNorm\'s normalised input, the softmax of the loss) are recomputed in the backward fusions from stored values,'
    + ' and no f32 copy of the logits is held. The activations scale with the sequence length, which the paper does not give'
    + ' (ours: 2048). That choice explains the remaining +6–13%: at 1792 tokens the three peaks are 13.69, 14.61 and'
    + ' 27.38 GB (−4.8%, +0.9%, +1.3% against the paper), at 1920 T32 on 16x2 TPU is 14.50 GB (+0.8%). The model state'
    + ' is what ZeRO-3 leaves per device and matches the 5B/32B sizes.'
    + `\n\nThe large-matmul efficiency each row would need for our MFU to equal the paper's: ${gemm.join('; ')}.`
    + ` With no overlap at all (compute and every collective in series) ours would read ${serial.join(', ')}.`
    + ` With every collective hidden behind compute, ours would read ${hidden.join('; ')}. On 16x2 TPU that bound is`
    + ' about the paper\'s figure and no matmul efficiency closes the gap: the difference is the communication ours leaves'
    + ' exposed. Our overlap is dependency-driven (a collective starts when its operand is ready and only its consumer'
    + ' waits, docs/cost-model.md), so a tensor-parallel collective between two dependent matmuls is exposed in full;'
    + ' XLA on TPU hides part of such collectives (asynchronous collectives, collective matmuls), which ours does not model.'
    + ` ${MFU_GAP}`;
}

/**
 * Why the MFU of the 8x2 GPU row stays above the paper's: the links are as the paper states them, so the gap
 * is the A100 GEMM efficiency (src/core/mesh/hardware.ts), which is fitted on other runs and not refitted here.
 */
const MFU_GAP = 'On 8x2 GPU ours stays above the paper\'s MFU; we state the gap rather than refit to hide it. Both axes'
  + ' are NVLink, as the paper states its A100s are connected (all 16 on NVLink, 600 GB/s); the default\'s'
  + ' InfiniBand between two 8-GPU nodes reads about the same, and even fully exposed the collectives leave ours'
  + ' above the paper\'s (the no-overlap figure above), so neither the links nor the collectives explain it. Nor does'
  + ' the precision: f32 matmuls run at half the bf16 peak (156 vs 312 TFLOP/s), which would put ours far below the'
  + ' paper\'s, not near it; nor the FLOP count, which is the one the TPU rows use. What is left is the A100 GEMM'
  + ' efficiency: ours is fitted on Megatron-LM\'s hand-tuned A100 runs (validation/, `npm run -s validate --'
  + ' --fit`), and the paper\'s JAX/XLA step reaches less, about the efficiency above that matches it.';

/** Ranks of `xs` (1 = smallest), ties sharing the lower rank. */
const ranks = (xs: readonly number[]): number[] => xs.map((x) => 1 + xs.filter((y) => y < x).length);

function table4(): string {
  const lines = [
    '| Model | Strategy | Paper mem | Ours peak (MB) | Paper runtime (ms) | Ours (ms) | Paper rank mem / time | Ours rank mem / time | Paper time ÷ first | Ours time ÷ first |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  const summary: string[] = [];
  for (const model of new Set(PAPER_TABLE4.map((r) => r.model))) {
    const rows = PAPER_TABLE4.filter((r) => r.model === model && r.gallery !== undefined);
    const got = rows.map((r) => run(r.gallery as string));
    const ok = rows.map((r, i) => ({ r, g: got[i] })).filter((x): x is { r: typeof x.r; g: Run } => !(x.g instanceof Error));
    const pm = ranks(ok.map((x) => x.r.mem)), pt = ranks(ok.map((x) => x.r.runtimeMs));
    const om = ranks(ok.map((x) => x.g.peak)), ot = ranks(ok.map((x) => x.g.step * loop(x.r.gallery as string)));
    const first = ok[0];
    ok.forEach((x, i) => {
      const ms = x.g.step * loop(x.r.gallery as string) * 1e3;
      const firstMs = first.g.step * loop(first.r.gallery as string) * 1e3;
      const strategy = x.r.readAs ? `${x.r.strategy} (as ${x.r.readAs.schedule})` : x.r.strategy;
      lines.push(`| ${model} | ${strategy} | ${x.r.mem} | ${(x.g.peak / 1e6).toFixed(0)} | ${x.r.runtimeMs} | ${ms.toFixed(1)} | ${pm[i]} / ${pt[i]} | ${om[i]} / ${ot[i]} | ${(x.r.runtimeMs / first.r.runtimeMs).toFixed(2)} | ${(ms / firstMs).toFixed(2)} |`);
    });
    const agreeMem = pm.every((p, i) => p === om[i]), agreeTime = pt.every((p, i) => p === ot[i]);
    summary.push(`${model}: memory ordering ${agreeMem ? 'agrees' : 'differs'}, time ordering ${agreeTime ? 'agrees' : 'differs'}`);
    for (const r of PAPER_TABLE4.filter((x) => x.model === model && x.gallery === undefined))
      lines.push(`| ${model} | ${r.strategy} | ${r.mem} | — | ${r.runtimeMs} | — | | | | (AutomaticPartition: not run here) |`);
  }
  const why = [...[...ORDER_WHY].map(([m, t]) => [m, m === 'IT32' ? `${t} ${it32MqVsMp()}` : t] as const), ['T32', `${T32_WHY} ${t32EmbVsMp()}`] as const]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([model, text]) => `- ${model}: ${text}`).join('\n');
  return `${lines.join('\n')}\n\nOrdering (ranks among the strategies the gallery reproduces, 1 = lowest): ${summary.join('; ')}.\n\nWhere the orderings differ, and why:\n\n${why}`;
}

/** Our BP+MP+MQ against our BP+MP per decoding step, from the runs, beside the paper's loop times. */
function it32MqVsMp(): string {
  const mq = run('it32-bp-mq-mpq'), mp = run('it32-bp-mpq');
  if (mq instanceof Error || mp instanceof Error) return 'BP+MP+MQ against BP+MP: not available (a run failed).';
  const ms = (s: number) => `${(s * 1e3).toFixed(2)} ms`;
  const [tq, tm] = [mq.report.time, mp.report.time];
  return `BP+MP+MQ against BP+MP, per decoding step: tiling the KV cache on \`model\` as well takes the (memory-bound) compute from ${ms(tm.compute)}`
    + ` to ${ms(tq.compute)}, for communication from ${ms(tm.communication)} to ${ms(tq.communication)} (its all-to-alls of the queries and contexts),`
    + ` ${formatChange(mp.step, mq.step)} in all; the paper's BP+MP+MQ is 3.5% slower than its BP+MP.`;
}

/** Our MP+EMB (the paper's EMB row) against our MP, from the runs, beside the paper's figures quoted in the text. */
function t32EmbVsMp(): string {
  const emb = run('t32-mp-emb'), mp = run('t32-mp');
  if (emb instanceof Error || mp instanceof Error) return 'MP+EMB against MP: not available (a run failed).';
  const act = (r: Run) => r.report.memory.perDevice.reduce((a, d) => (d.peak > a.peak ? d : a)).atPeak.activations;
  const change = (a: number, b: number) => `${Math.round(Math.abs(a / b - 1) * 100)}%`;
  const [te, tm] = [emb.report.time, mp.report.time];
  return `MP+EMB (the paper's EMB row) peaks at ${(emb.peak / mp.peak).toFixed(2)}× MP`
    + ` (${(emb.peak / 1e6).toFixed(0)} against ${(mp.peak / 1e6).toFixed(0)} MB: its activations ${formatChange(act(mp), act(emb))})`
    + ' where the paper\'s EMB is 1.00× its MP (176,975 against 177,148). EMB against MP in time: ours computes'
    + ` ${change(te.compute, tm.compute)} ${te.compute < tm.compute ? 'less' : 'more'} (the norms and the residual stream's element-wise ops on`
    + ` d_model tiles instead of whole on each of the 4 \`model\` devices) and communicates ${change(te.communication, tm.communication)}`
    + ` ${te.communication > tm.communication ? 'more' : 'less'}, ${change(emb.step, mp.step)} ${emb.step < mp.step ? 'faster' : 'slower'} in all;`
    + ' the paper\'s EMB is 0.9% slower than its MP.';
}

/** Why our Table 4 orderings differ from the paper's, by model (the figures quoted are the paper's). */
const ORDER_WHY: ReadonlyMap<string, string> = new Map([
  ['IT32', 'the paper\'s times fit a compute-only estimate: BP\'s 1139 ms is about 1536 decoding steps × 2 · 5B · 64 FLOP over 8 devices at 123 TFLOP/s (1.0 s), and BP+MP\'s 1448 ms adds what 98,304 small all-reduces cost in latency. Ours also charges each step for reading the weights and the KV cache from HBM, which dominates decoding (it is memory-bound), so strategies that shard the weights (MP) are fastest in ours and slower in the paper. Memory: the paper\'s MP alone is its smallest; ours keeps MP\'s batch and KV cache whole on each device, which puts it above BP+MP.'],
  ['UNet', 'memory agrees. Time: ours has the three within a few percent (at our sizes, batch 512 of 64×64 images, which the paper does not give, the step is compute-bound and the gathers overlap with it); the paper has Z3 46% slower than BP, i.e. exposed gathers at its size.'],
]);

/** T32's ordering note, the part that quotes no figure of ours. */
const T32_WHY = 'time: ours runs BP alone on the 8 devices of `batch`, each step replicated over the 4 of `model`, so it is about 3× slower than the BP+MP schedules, where the paper\'s estimates are within 3% of each other (its Table 3 count cannot tell whether its BP also spread the batch over `model`: one all-reduce per gradient either way). Memory: our EMB tiles the activations kept for the backward pass on d_model, which most of our peak is (see Table 2), so BP+MP+Z3+EMB is our smallest where the paper puts it just above BP+MP+Z3.';

function body(): string {
  const t3 = table3();
  const t2 = table2();
  const t4 = table4();
  const sizes = Object.values(GALLERY_MODELS)
    .map((m) => `${m.label} (\`${m.zoo}\`${Object.keys(m.params).length ? `: ${Object.entries(m.params).map(([k, v]) => `${k}=${v}`).join(', ')}` : ', zoo defaults'})`)
    .join('; ');
  const meshes = Object.values(PAPER_MESHES).map((m) => `${m.name} = batch ${m.batch} × model ${m.model} on \`${m.preset}\``).join('; ');
  return [
    'Generated by `npm run -s paper-repro` (scripts/paper-repro.ts) from the gallery (`src/core/models/gallery.ts`)',
    'and the paper\'s published figures (`src/core/models/paperResults.ts`). Models at their paper sizes: ' + sizes + '.',
    `Meshes: ${meshes}. TPU v3 devices are TensorCores (16 GiB, 123 TFLOP/s bf16 each, as the paper states them).`,
    `IT32 is one decoding step in the zoo; its counts and times are multiplied by the serving loop's ${IT32_DECODE_STEPS} steps`,
    '(our choice: the paper does not give the decode length; 1536 is the length its BP+MP count implies).',
    '',
    '### Table 3: collectives per schedule (8x4 TPU)',
    '',
    'Counted from `collectives[].kind` of `npm run -s cli -- partition <config> --json` on the gallery entry.',
    'The T32 counts follow from the model (32 blocks of 9 parameter tensors + the tied embedding = 289) and the',
    'tactics: one all-reduce per gradient + the loss (290); Megatron adds 4 per block (418); Z2 turns the',
    'all-reduces of the embedding and the 4 large tensors per block into reduce-scatters and gathers each updated',
    'tensor once (129); Z3 gathers each of them before each use, forward and backward (2 × 128), the tied',
    'embedding three times (gather, unembedding, its backward): 259. "Conflicts reported" counts the propagation',
    'conflicts of the schedule: under Z3 each sharded parameter meets BP\'s batch tiling at its matmul, which PartIR',
    'resolves by the order of the tactics (the parameter is gathered) and does not report; ours reports it and',
    'gathers the same way, so the collectives agree. A value gathered because it met a conflict at an op is',
    'gathered for that op alone (docs/semantics.md, Lowering: gathers at a conflict): on Z3, Z3+EMB and EMB the',
    'paper\'s gathers equal the conflicts, e.g. a cotangent that meets EMB\'s d_model tiling at both backward matmuls',
    'of a row-parallel layer is gathered for each. EMB adds 8 gathers, 2 all-reduces and 4 reduce-scatters per block',
    '(+ 1 all-reduce) to BP+MP+Z3: 515 / 354 / 257. The paper\'s EMB row is that same increment on MP',
    '(0 / 128 / 0 + 256 / 65 / 128 = 256 / 193 / 128), so the gallery reproduces it as MP+EMB (`t32-mp-emb`);',
    'EMB alone (`t32-emb`) is printed after the paper\'s T32 rows.',
    '',
    t3,
    '',
    '### Table 2: MFU and HBM per device, BP+MP+Z3+EMB',
    '',
    'The paper measured on hardware; ours is the simulator\'s estimate (`npm run -s cli -- simulate`). MFU is',
    'model FLOPs / (step time × devices × peak bf16); HBM is the simulated peak per device. The simulator is being',
    'calibrated separately, so these figures move with it.',
    '',
    t2,
    '',
    '### Table 4: simulator estimates (8x4 TPU)',
    '',
    'The paper says its simulator\'s absolute values "are not guaranteed to be correct, the relative improvements',
    'should still be sound", so compare the ordering and the ratios between strategies. The paper\'s "Mem" has',
    'no unit; ours is the peak per device in MB. IT32 times are for the serving loop.',
    '',
    t4,
  ].join('\n');
}

function main(): void {
  const text = body();
  if (process.argv.includes('--stdout')) {
    process.stdout.write(`${text}\n`);
    return;
  }
  const readme = join(dirname(fileURLToPath(import.meta.url)), '..', 'README.md');
  const old = readFileSync(readme, 'utf8');
  const block = `${START}\n${text}\n${END}`;
  const s = old.indexOf(START), e = old.indexOf(END);
  const next = s >= 0 && e > s
    ? old.slice(0, s) + block + old.slice(e + END.length)
    : `${old.replace(/\n*$/, '\n')}\n## Reproducing the paper\n\n${block}\n`;
  writeFileSync(readme, next);
  process.stdout.write(`wrote the paper reproduction to ${readme}\n`);
}

main();
