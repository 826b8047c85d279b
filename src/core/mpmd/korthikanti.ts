/**
 * Korthikanti et al. 2022 ("Reducing Activation Recomputation in Large Transformer Models"), Table 5: measured
 * iteration times of four GPT models on A100-80GB with Megatron-LM, with full recomputation and with sequence
 * parallelism + selective recomputation. Configurations (tensor/pipeline sizes, interleaving, micro-batch 1 or
 * 4) as published with the paper and in calculon-ai/calculon `validation/seqsel/tab5`. The reference simulator
 * Calculon reports 3.65% mean and 8.87% largest step-time error on these eight rows.
 *
 * Sequence parallelism is left out of the "selective" configs: SequenceParallel after Megatron reports
 * conflicts in this explorer, so those rows measure selective recomputation alone.
 */
import type { Config } from '../io/config';

export interface ValidationCase {
  readonly id: string;
  readonly title: string;
  readonly config: Config;
  /** Measured seconds per iteration. */
  readonly measured: number;
  /** Calculon's figure, for comparison. */
  readonly reference: number;
}

interface Row { id: string; label: string; layers: number; d: number; heads: number; gbs: number; tp: number; pp: number; v: number; mb: number; full: [number, number]; selective: [number, number] }

const ROWS: readonly Row[] = [
  { id: '22b', label: '22B', layers: 48, d: 6144, heads: 64, gbs: 4, tp: 8, pp: 1, v: 1, mb: 4, full: [1.42, 1.40], selective: [1.10, 1.14] },
  { id: '175b', label: 'GPT-3 175B', layers: 96, d: 12288, heads: 96, gbs: 64, tp: 8, pp: 8, v: 3, mb: 1, full: [18.13, 18.03], selective: [13.75, 13.64] },
  { id: '530b', label: 'Turing 530B', layers: 105, d: 20480, heads: 128, gbs: 280, tp: 8, pp: 35, v: 3, mb: 1, full: [49.05, 49.89], selective: [37.83, 34.47] },
  { id: '1t', label: '1T', layers: 128, d: 25600, heads: 160, gbs: 512, tp: 8, pp: 64, v: 1, mb: 1, full: [94.42, 90.08], selective: [71.49, 66.04] },
];

function config(r: Row, remat: 'full' | 'selective'): Config {
  const m = r.gbs / r.mb;
  const tactics = ['MP = Megatron(axis="tp")', 'EMB = EmbeddingShard(axis="tp", dim="vocab")'];
  const schedule = ['MP', 'EMB'];
  if (r.pp > 1) {
    tactics.push(`PP = Pipeline(axis="pp", schedule="${r.v > 1 ? 'interleaved' : '1F1B'}", microbatches=${m}${r.v > 1 ? `, virtual=${r.v}` : ''})`);
    schedule.push('PP');
  } else if (m > 1) {
    tactics.push(`ACC = Microbatch(count=${m})`);
    schedule.push('ACC');
  }
  const axes = r.pp > 1 ? [{ name: 'pp', size: r.pp }, { name: 'tp', size: r.tp }] : [{ name: 'tp', size: r.tp }];
  return {
    version: 1,
    model: { zoo: 'transformer', params: { layers: r.layers, dModel: r.d, heads: r.heads, dFF: 4 * r.d, seq: 2048, vocab: 51200, batch: r.gbs, precision: 'mixed', remat, attention: 'standard' } },
    mesh: { axes },
    hardware: { preset: 'a100-80gb', links: Object.fromEntries(axes.map((a) => [a.name, a.name === 'tp' ? 'nvlink' : 'ib'])) },
    tactics: `${tactics.join('\n')}\nschedule = [${schedule.join(', ')}]\n`,
    options: { overlap: true },
  };
}

export const KORTHIKANTI_TABLE5: readonly ValidationCase[] = ROWS.flatMap((r) => [
  { id: `korthikanti-${r.id}-full`, title: `${r.label}, full recompute`, config: config(r, 'full'), measured: r.full[0], reference: r.full[1] },
  { id: `korthikanti-${r.id}-selective`, title: `${r.label}, selective recompute`, config: config(r, 'selective'), measured: r.selective[0], reference: r.selective[1] },
]);
