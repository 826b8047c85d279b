/**
 * One published training run of `validation/cases/*.json` (README "Validation"): its source, the figure the
 * source reports, and the config that expresses the run. Running a case gives the simulated step time beside
 * the published one. The validate script (`npm run validate`) and the unit tests read the cases through here,
 * so the table, the error bands (errorBands.ts) and the tests agree on what a case means.
 */
import { validateConfig } from '../io/validate';
import type { Config } from '../io/config';
import { runPipeline } from '../pipeline';
import type { Report } from '../report';
import type { SpmdProgram } from '../spmd/types';
import type { ChipFamily } from './errorBands';

export interface PublishedFigure {
  /**
   * - `megatron-tflops`: Megatron-LM's achieved TFLOP/s per GPU, recompute FLOPs counted (Narayanan et al. 2021, Eq. 3);
   * - `tokens-per-second`: throughput over a step of `tokensPerStep` tokens;
   * - `seconds`: the step time itself;
   * - `mfu`: a model-FLOPs utilisation whose FLOP convention is not published; the step it means is taken
   *   under the simulator's own model FLOP count.
   */
  readonly kind: 'megatron-tflops' | 'tokens-per-second' | 'seconds' | 'mfu';
  readonly tflopsPerGpu?: number;
  readonly gpus?: number;
  readonly tokensPerStep?: number;
  readonly tokensPerSecond?: number;
  readonly seconds?: number;
  readonly mfuPercent?: number;
  readonly modelStateGiB?: number;
  readonly modelStateNote?: string;
}

export interface ValidationCase {
  readonly id: string;
  readonly title: string;
  /** The table the run comes from (e.g. "Korthikanti Table 5"), summarised on its own. */
  readonly group?: string;
  readonly source: string;
  readonly chip: ChipFamily;
  /** Used to fit the chip figures (`npm run validate -- --fit`); the other rows are held out. */
  readonly fit: boolean;
  readonly published: PublishedFigure;
  /** The reference simulator's figure for the same run, where it publishes one. */
  readonly reference?: { readonly name: string; readonly seconds: number };
  /** False when the run's memory cannot be compared with the simulator's (see memoryNote). */
  readonly memoryComparable?: boolean;
  readonly memoryNote?: string;
  readonly notes?: string;
  readonly config: unknown;
}

export interface CaseRun {
  readonly config: Config;
  readonly report: Report;
  readonly spmd: SpmdProgram;
  /** Published and simulated seconds per step. */
  readonly published: number;
  readonly simulated: number;
  /** simulated / published − 1. */
  readonly error: number;
}

/**
 * Published step time (`report`: the case's simulated report, needed only for a published MFU). Megatron-LM reports achieved TFLOP/s per GPU counting the recompute forward
 * (Narayanan et al. 2021, Eq. 3): F = 96·B·s·L·h²·(1 + s/(6h) + V/(16·L·h)), step = F / (GPUs · rate).
 */
export function publishedSeconds(c: ValidationCase, report?: Report): number {
  const p = c.published;
  const need = (x: number | undefined, field: string): number => {
    if (x === undefined || !(x > 0)) throw new Error(`validation case ${c.id}: published.${field} is missing or not positive (kind ${p.kind})`);
    return x;
  };
  switch (p.kind) {
    case 'seconds':
      return need(p.seconds, 'seconds');
    case 'tokens-per-second':
      return need(p.tokensPerStep, 'tokensPerStep') / need(p.tokensPerSecond, 'tokensPerSecond');
    case 'mfu':
      if (!report) throw new Error(`validation case ${c.id}: a published MFU needs the simulated report (its model FLOPs)`);
      // report.time.mfu = model FLOPs / (step · devices · peak): the same FLOPs at the published MFU
      return (report.time.step * report.time.mfu) / (need(p.mfuPercent, 'mfuPercent') / 100);
    case 'megatron-tflops': {
      const m = (c.config as { model: { params: Record<string, number> } }).model.params;
      const [B, s, L, h, V] = [m.batch, m.seq, m.layers, m.dModel, m.vocab];
      const flops = 96 * B * s * L * h * h * (1 + s / (6 * h) + V / (16 * L * h));
      return flops / (need(p.gpus, 'gpus') * need(p.tflopsPerGpu, 'tflopsPerGpu') * 1e12);
    }
  }
}

/** Runs a case (with hardware figure overrides, for the fit); throws with the case id on a tactic error. */
export function runValidationCase(c: ValidationCase, overrides?: Readonly<Record<string, number>>): CaseRun {
  const raw = c.config as { hardware?: { overrides?: Record<string, number> } };
  const withOverrides = overrides && raw.hardware ? { ...raw, hardware: { ...raw.hardware, overrides: { ...raw.hardware.overrides, ...overrides } } } : raw;
  const config = validateConfig(withOverrides);
  const { report, spmd } = runPipeline(config);
  const errors = report.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`validation case ${c.id}: tactic error: ${errors[0].message}`);
  const published = publishedSeconds(c, report);
  const simulated = report.time.step;
  return { config, report, spmd, published, simulated, error: simulated / published - 1 };
}

/** Mean and max absolute relative error of a list of errors. */
export function errorStats(errors: readonly number[]): { n: number; mean: number; max: number } {
  return {
    n: errors.length,
    mean: errors.length ? errors.reduce((a, e) => a + Math.abs(e), 0) / errors.length : NaN,
    max: errors.length ? Math.max(...errors.map(Math.abs)) : NaN,
  };
}
