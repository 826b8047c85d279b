/**
 * The figures the charts show for the stage slider's position: the final report's, or those of the strategy
 * after tactic k (every later tactic left out), which the Report carries per stage when the program is small
 * enough (StageJson.memory / time / collectives). Pure: the charts and the summary strip read it.
 */
import type { CollectiveJson, DeviceMemory, Report } from '../../core/report';
import { stepContributors, type StepContributor } from '../../core/contributors';

export interface StageFigures {
  memory: Report['memory'];
  time: Report['time'];
  collectives: CollectiveJson[];
  /** Always the whole schedule's (the Report keeps no timeline per stage). */
  timeline: Report['timeline'];
  /** What costs most of the step on the first device: the stage's, listed by the pipeline, or the whole timeline's. */
  contributors: StepContributor[];
  /** Which stage the figures are of: null for the whole schedule. */
  stage: number | null;
  /** Why the figures are the whole schedule's although an earlier stage is selected (no per-stage costs). */
  unavailable?: string;
}

/** The whole schedule's contributors, once per report (the summary strip and the charts both ask). */
const wholeContributors = new WeakMap<Report['timeline'], StepContributor[]>();
function contributorsOf(timeline: Report['timeline']): StepContributor[] {
  let c = wholeContributors.get(timeline);
  if (!c) wholeContributors.set(timeline, (c = stepContributors(timeline)));
  return c;
}

/** `stage`: null or the last index for the whole schedule, k for after tactic k, -1 for before any tactic. */
export function figuresAtStage(report: Report, stage: number | null): StageFigures {
  const whole: StageFigures = {
    memory: report.memory, time: report.time, collectives: report.collectives, timeline: report.timeline,
    contributors: contributorsOf(report.timeline), stage: null,
  };
  if (stage === null || stage >= report.stages.length - 1) return whole;
  if (stage < 0) return { ...whole, unavailable: 'before any tactic there is no partitioned step: the figures are of the whole schedule' };
  const s = report.stages[stage];
  if (!s.memory || !s.time || !s.collectives) {
    return { ...whole, unavailable: 'this program is too large for per-tactic costs: the figures are of the whole schedule' };
  }
  const peak = s.memory.peak;
  const atPeak = s.memory.atPeak;
  const perDevice = report.memory.perDevice.map((d, i): DeviceMemory => ({
    device: d.device, capacity: d.capacity, peak, outOfMemory: peak > d.capacity,
    // without a split by category, the whole peak is shown as one unknown block (temporaries)
    atPeak: atPeak ? { ...atPeak } : { params: 0, optimizer: 0, gradients: 0, activations: 0, temporaries: peak },
    modelState: d.modelState,
    // the stage's curve and values at the peak are the first device's, as the whole schedule's are
    ...(i === 0 && s.memory?.curve ? { curve: s.memory.curve } : {}),
    ...(i === 0 && s.memory?.topValues ? { topValues: s.memory.topValues } : {}),
  }));
  return {
    memory: { perDevice },
    time: { ...report.time, ...s.time },
    collectives: s.collectives,
    contributors: s.contributors ?? [],
    // the Report keeps one timeline, the whole schedule's; the charts say so next to it
    timeline: report.timeline,
    stage,
  };
}
