/**
 * The figures the charts show for the stage slider's position: the final report's, or those of the strategy
 * after tactic k (every later tactic left out), which the Report carries per stage when the program is small
 * enough (StageJson.memory / time / collectives). Pure: the charts and the summary strip read it.
 */
import type { CollectiveJson, DeviceMemory, Report } from '../../core/report';

export interface StageFigures {
  memory: Report['memory'];
  time: Report['time'];
  collectives: CollectiveJson[];
  /** Always the whole schedule's (the Report keeps no timeline per stage). */
  timeline: Report['timeline'];
  /** Which stage the figures are of: null for the whole schedule. */
  stage: number | null;
  /** Why the figures are the whole schedule's although an earlier stage is selected (no per-stage costs). */
  unavailable?: string;
}

/** `stage`: null or the last index for the whole schedule, k for after tactic k, -1 for before any tactic. */
export function figuresAtStage(report: Report, stage: number | null): StageFigures {
  const whole: StageFigures = { memory: report.memory, time: report.time, collectives: report.collectives, timeline: report.timeline, stage: null };
  if (stage === null || stage >= report.stages.length - 1) return whole;
  if (stage < 0) return { ...whole, unavailable: 'before any tactic there is no partitioned step: the figures are of the whole schedule' };
  const s = report.stages[stage];
  if (!s.memory || !s.time || !s.collectives) {
    return { ...whole, unavailable: 'this program is too large for per-tactic costs: the figures are of the whole schedule' };
  }
  const peak = s.memory.peak;
  const atPeak = s.memory.atPeak;
  const perDevice = report.memory.perDevice.map((d): DeviceMemory => ({
    device: d.device, capacity: d.capacity, peak, outOfMemory: peak > d.capacity,
    // without a split by category, the whole peak is shown as one unknown block (temporaries)
    atPeak: atPeak ? { ...atPeak } : { params: 0, optimizer: 0, gradients: 0, activations: 0, temporaries: peak },
    modelState: d.modelState,
  }));
  return {
    memory: { perDevice },
    time: { ...report.time, ...s.time },
    collectives: s.collectives,
    // the Report keeps one timeline, the whole schedule's; the charts say so next to it
    timeline: report.timeline,
    stage,
  };
}
