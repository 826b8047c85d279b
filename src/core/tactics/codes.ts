/** Diagnostic codes of the tactic language (stable: the UI and tests key on them). */
export const TacticCode = {
  syntax: 'tactic-syntax',
  unknownTactic: 'tactic-unknown',
  notATactic: 'tactic-not-a-call',
  positionalArg: 'tactic-positional-argument',
  unknownArg: 'tactic-unknown-argument',
  duplicateArg: 'tactic-duplicate-argument',
  missingArg: 'tactic-missing-argument',
  argType: 'tactic-argument-type',
  unknownAxis: 'tactic-unknown-axis',
  globNoMatch: 'tactic-glob-no-match',
  duplicateGlob: 'tactic-duplicate-glob',
  dimOutOfRange: 'tactic-dim-out-of-range',
  notDivisible: 'tactic-not-divisible',
  axisReused: 'tactic-axis-reused',
  undefinedName: 'tactic-undefined-name',
  missingSchedule: 'tactic-missing-schedule',
  notScheduled: 'tactic-not-scheduled',
  redefined: 'tactic-redefined',
  automaticNotRun: 'tactic-automatic-not-run',
  pipeline: 'tactic-pipeline',
} as const;

export type TacticCodeValue = (typeof TacticCode)[keyof typeof TacticCode];
