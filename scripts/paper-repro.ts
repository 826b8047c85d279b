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
  IT32_DECODE_STEPS, PAPER_TABLE2, PAPER_TABLE3, PAPER_TABLE4, type CollectiveCounts,
} from '../src/core/models/paperResults';
import { runPipeline } from '../src/core/pipeline';
import type { Report } from '../src/core/report';

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
const pct = (ours: number, paper: number) => `${ours >= paper ? '+' : ''}${(((ours - paper) / paper) * 100).toFixed(0)}%`;

/** Why a row differs, by (model, schedule): what in the model or the tactics makes the difference. */
const WHY: ReadonlyMap<string, string> = new Map([
  ['T32 BP+MP+Z3+EMB', 'EMB tiles the residual stream on d_model. Per block ours gathers 12 times on `model` where the paper gathers 8: 6 around the matmuls (as Megatron with sequence sharding), 3 of the norm vectors after their update (our propagation leaves those params replicated on `model` while their gradients come out tiled), 2 in the norms\' backward and 1 at the additional norm\'s input, which the paper reduces instead (AR −1 per block). Not resolved: it is how propagation places the norm vectors'],
  ['T32 EMB', 'alone, EMB\'s d_model tiling in the paper costs the same as on top of BP+MP+Z3 (Megatron-like: 4 reduce-scatters and 8 gathers per block, and the weights end up sharded: its Table 4 memory equals MP\'s); our propagation leaves the four weights per block replicated, gathers the normalised activations before each matmul and all-reduces in the backward pass. Not resolved'],
  ['IT32 BP+MP+MQ', 'per decoding step ours has 4 gathers and 2 reduce-scatters per block and no all-reduce: with the cache\'s batch dim tiled on `model`, the gathered activations meet the Megatron-sharded attention; the paper moves the query heads with two all-to-alls per block and keeps Megatron\'s all-reduces, and its last loop iteration has an extra gather that a one-step program cannot show. Not resolved'],
  ['UNet BP', 'our UNet is not the paper\'s (9 down, 12 up, 2 middle residual blocks, one 16-head attention): it has a different number of parameter tensors, and BP gives one all-reduce per tensor + the loss'],
  ['UNet BP+Z2', 'as for BP: a different number of parameter tensors'],
  ['UNet BP+Z3', 'as for BP: a different number of parameter tensors'],
  ['GNS ES', 'our GNS is not the paper\'s molecular GNS (5 MLP layers of 1024, 24 message-passing steps, latent 512, graph encoder): the count follows its MLPs and steps'],
]);

function table3(): string {
  const lines = [
    '| Model | Schedule | Paper AG / AR / RS / A2A | Ours AG / AR / RS / A2A | Match | Conflicts reported | Difference and reason |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const row of PAPER_TABLE3) {
    const r = row.gallery ? run(row.gallery) : new Error('no gallery entry');
    if (r instanceof Error) {
      lines.push(`| ${row.model} | ${row.schedule} | ${fmt(row.paper)} | error | no | | ${r.message.replace(/\|/g, '\\|')} |`);
      continue;
    }
    const ours = times(r.counts, loop(row.gallery as string));
    const ok = same(ours, row.paper);
    const why = ok ? '' : `${diff(ours, row.paper)}: ${WHY.get(`${row.model} ${row.schedule}`) ?? 'not analysed'}`;
    lines.push(`| ${row.model} | ${row.schedule} | ${fmt(row.paper)} | ${fmt(ours)} | ${ok ? 'yes' : 'no'} | ${r.conflicts} | ${why} |`);
  }
  return lines.join('\n');
}

function table2(): string {
  const lines = [
    '| Mesh | Model | Paper MFU | Ours MFU | Δ | Paper HBM / device | Ours peak / device | Δ | Ours step time |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const notes: string[] = [];
  for (const row of PAPER_TABLE2) {
    const r = run(row.gallery);
    if (r instanceof Error) {
      lines.push(`| ${row.mesh} | ${row.model} (${row.size}) | ${row.mfuPercent}% | error: ${r.message.replace(/\|/g, '\\|')} | | ${row.hbmGB} GB | | | |`);
      continue;
    }
    const mfu = r.mfu * 100, hbm = r.peak / 1e9;
    const worst = r.report.memory.perDevice.reduce((a, d) => (d.peak > a.peak ? d : a));
    notes.push(`${row.model} on ${row.mesh}: of the ${hbm.toFixed(2)} GB peak, ${(worst.atPeak.activations / 1e9).toFixed(2)} GB are activations kept for the backward pass, ${((worst.atPeak.params + worst.atPeak.optimizer + worst.atPeak.gradients) / 1e9).toFixed(2)} GB model state, ${(worst.atPeak.temporaries / 1e9).toFixed(2)} GB temporaries`);
    lines.push(`| ${row.mesh} | ${row.model} (${row.size}) | ${row.mfuPercent}% | ${mfu.toFixed(1)}% | ${pct(mfu, row.mfuPercent)} | ${row.hbmGB} GB | ${hbm.toFixed(2)} GB${r.peak > r.capacity ? ` (over ${(r.capacity / GiB).toFixed(0)} GiB)` : ''} | ${pct(hbm, row.hbmGB)} | ${r.step.toFixed(2)} s |`);
  }
  return `${lines.join('\n')}\n\nWhere the memory goes: ${notes.join('; ')}. The memory model keeps what XLA`
    + ' would (src/core/sim/memoryFusion.ts): reshapes are views of their operand, element-wise chains (a GELU, a'
    + ' LayerNorm\'s normalised input, the softmax of the loss) are recomputed in the backward fusions from stored values,'
    + ' and no f32 copy of the logits is held. The activations scale with the sequence length, which the paper does not give'
    + ' (ours: 2048). That choice explains the remaining +6–13%: at 1792 tokens the three peaks are 13.69, 14.61 and'
    + ' 27.38 GB (−4.8%, +0.9%, +1.3% against the paper), at 1920 T32 on 16x2 TPU is 14.50 GB (+0.8%). The model state'
    + ' is what ZeRO-3 leaves per device and matches the 5B/32B sizes.';
}

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
      lines.push(`| ${model} | ${x.r.strategy} | ${x.r.mem} | ${(x.g.peak / 1e6).toFixed(0)} | ${x.r.runtimeMs} | ${ms.toFixed(1)} | ${pm[i]} / ${pt[i]} | ${om[i]} / ${ot[i]} | ${(x.r.runtimeMs / first.r.runtimeMs).toFixed(2)} | ${(ms / firstMs).toFixed(2)} |`);
    });
    const agreeMem = pm.every((p, i) => p === om[i]), agreeTime = pt.every((p, i) => p === ot[i]);
    summary.push(`${model}: memory ordering ${agreeMem ? 'agrees' : 'differs'}, time ordering ${agreeTime ? 'agrees' : 'differs'}`);
    for (const r of PAPER_TABLE4.filter((x) => x.model === model && x.gallery === undefined))
      lines.push(`| ${model} | ${r.strategy} | ${r.mem} | — | ${r.runtimeMs} | — | | | | (AutomaticPartition: not run here) |`);
  }
  return `${lines.join('\n')}\n\nOrdering (ranks among the strategies the gallery reproduces, 1 = lowest): ${summary.join('; ')}.`;
}

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
    'gathers the same way, so the collectives agree.',
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
