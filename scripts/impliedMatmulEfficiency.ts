/**
 * The large-matmul efficiency a configuration would need for the simulator to reproduce a published MFU
 * (used by scripts/paper-repro.ts for Table 2). Only the matmul term of the step depends on it
 * (src/core/sim/cost.ts: matmul time = FLOPs / (peak × matmulEfficiency × size factor)), so the step is
 * close to a + b / efficiency: two runs give a and b, a third run at the solved efficiency checks it.
 */
import type { Config } from '../src/core/io/config';
import { HARDWARE_PRESETS } from '../src/core/mesh/hardware';
import { runPipeline } from '../src/core/pipeline';

export interface ImpliedEfficiency {
  /** The preset's fitted matmul efficiency. */
  readonly fitted: number;
  /** The efficiency solved for the published MFU, at most 1. */
  readonly implied: number;
  /** False when even an efficiency of 1 leaves the simulated MFU below the published one. */
  readonly reachable: boolean;
  /** The simulator's MFU when run at `implied` (the check of the linear solve). */
  readonly mfuAtImplied: number;
}

function mfuWith(config: Config, matmulEfficiency: number): number {
  const hardware = { ...config.hardware, overrides: { ...config.hardware.overrides, matmulEfficiency } };
  const { report } = runPipeline({ ...config, hardware });
  const errors = report.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`tactic error: ${errors[0].message}`);
  return report.time.mfu;
}

/** `publishedMfu` is a fraction (0.422 for 42.2%). */
export function impliedMatmulEfficiency(config: Config, publishedMfu: number): ImpliedEfficiency {
  if (!(publishedMfu > 0 && publishedMfu < 1)) throw new Error(`published MFU must be a fraction in (0, 1), got ${publishedMfu}`);
  const preset = HARDWARE_PRESETS[config.hardware.preset];
  if (!preset) throw new Error(`unknown hardware preset "${config.hardware.preset}"`);
  const fitted = config.hardware.overrides?.matmulEfficiency ?? preset.figures.matmulEfficiency;
  // MFU = work / step, so 1 / MFU is linear in the step: 1/MFU(e) = a + b / e
  const e0 = fitted, e1 = fitted * 0.8;
  const y0 = 1 / mfuWith(config, e0), y1 = 1 / mfuWith(config, e1);
  const b = (y1 - y0) / (1 / e1 - 1 / e0);
  const a = y0 - b / e0;
  const target = 1 / publishedMfu;
  if (!(b > 0)) throw new Error('the step does not depend on the matmul efficiency: no matmul time to solve for');
  const solved = target > a ? b / (target - a) : Infinity;
  const implied = Math.min(1, solved);
  return { fitted, implied, reachable: solved <= 1, mfuAtImplied: mfuWith(config, implied) };
}
