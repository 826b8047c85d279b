/**
 * Published pipelined training runs as gallery examples (ids for `#example=<id>`):
 * - GPT-3 175B with PTD-P as in Korthikanti et al. 2022, Table 5 (Megatron-LM, 64 × A100-80GB): TP8 × PP8
 *   interleaved with 3 chunks per stage, micro-batch 1, global batch 64, sequence parallelism and selective
 *   recompute;
 * - Llama 3 405B as in the Llama 3 paper (arXiv 2407.21783, §3.3.2, Table 4): 8192 H100s as TP8 × PP16 × DP64,
 *   sequence 8192, 16M tokens per step (2048 sequences), the embedding and the 128K-word head split over the
 *   vocabulary on tp (as Megatron-style tensor parallelism does), sequence parallelism after GQAMegatron on tp
 *   (the order without conflicts) and ZeRO-1 after both (scheduled first it shards the optimizer state
 *   dp-major), the first and last stages one layer short. Full recompute here, where the run used none: without
 *   it the simulator keeps 16 micro-batches' activations in flight on the first stage (91 GiB; the device has 74.5 GiB), not
 *   modelling how the run frees them; validation/cases/llama3-405b-8192xh100.json is the run without it.
 */
import type { Config } from '../io/config';

export interface PipelineGalleryEntry {
  readonly id: string;
  readonly title: string;
  readonly config: Config;
}

export const PIPELINE_GALLERY: readonly PipelineGalleryEntry[] = [
  {
    id: 'gpt3-175b-ptdp',
    title: 'GPT-3 175B · TP8 PP8 interleaved (Megatron PTD-P, 64 × A100)',
    config: {
      version: 1,
      model: { zoo: 'transformer', params: { layers: 96, dModel: 12288, heads: 96, dFF: 49152, seq: 2048, vocab: 51200, batch: 64, precision: 'mixed', remat: 'selective', attention: 'standard' } },
      mesh: { axes: [{ name: 'pp', size: 8 }, { name: 'tp', size: 8 }] },
      hardware: { preset: 'a100-80gb', links: { pp: 'ib', tp: 'nvlink' } },
      tactics: [
        'MP = Megatron(axis="tp")',
        'EMB = EmbeddingShard(axis="tp", dim="vocab")',
        'SP = SequenceParallel(axis="tp")',
        'PP = Pipeline(axis="pp", schedule="interleaved", microbatches=64, virtual=3)',
        'schedule = [MP, EMB, SP, PP]',
        '',
      ].join('\n'),
      options: { overlap: true },
    },
  },
  {
    id: 'llama3-405b-tp8-pp16-dp64',
    title: 'Llama 3 405B · TP8 PP16 DP64 (8192 × H100)',
    config: {
      version: 1,
      model: { zoo: 'llama', params: { layers: 126, dModel: 16384, heads: 128, kvHeads: 8, dFF: 53248, seq: 8192, vocab: 128256, batch: 2048, precision: 'mixed', remat: 'full' } },
      mesh: { axes: [{ name: 'dp', size: 64 }, { name: 'pp', size: 16 }, { name: 'tp', size: 8 }] },
      hardware: { preset: 'h100', links: { dp: 'ib', pp: 'ib', tp: 'nvlink' } },
      tactics: [
        'BP = BatchParallel(axis="dp")',
        'MP = GQAMegatron(axis="tp", dim="kv")',
        'EMB = EmbeddingShard(axis="tp", dim="vocab")',
        'SP = SequenceParallel(axis="tp")',
        'Z1 = ZeRO(stage=1, axis="dp")',
        `PP = Pipeline(axis="pp", schedule="1F1B", microbatches=32, layers_per_stage=[7, ${Array(14).fill(8).join(', ')}, 7])`,
        'schedule = [BP, MP, EMB, SP, Z1, PP]',
        '',
      ].join('\n'),
      options: { overlap: true },
    },
  },
];
