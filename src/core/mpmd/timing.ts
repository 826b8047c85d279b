/**
 * When each action of a pipeline schedule runs: every device runs its actions in order, and an action starts
 * once its device is free and the values it reads have arrived (the producing action's end, plus the
 * point-to-point transfer when it ran on another device). Pure over durations, so the schedules' bubbles can
 * be checked against their analysis with synthetic costs.
 */
import { UserError } from '../errors';
import { deviceOfChunk, type Action, type Pass } from './schedules';

export interface TimedAction extends Action {
  readonly device: number;
  readonly start: number;
  readonly end: number;
}

export interface TimingModel {
  readonly stages: number;
  /** Seconds of an action (B includes W when the schedule does not split it off). */
  duration(a: Action): number;
  /** The (pass, chunk) groups whose results `a` reads, same micro-batch. */
  deps(a: Action): readonly { pass: Pass; chunk: number }[];
  /** Seconds to move what group `from` sends to `toDevice` (0 on the same device). */
  transfer(from: { pass: Pass; chunk: number }, toDevice: number): number;
  /** When each device may start its first action (after what it runs once before). */
  readonly startAt?: readonly number[];
}

const key = (pass: Pass, chunk: number, mb: number): string => `${pass}${chunk}@${mb}`;

/** Per device, its actions with their start and end times, in the order they ran. */
export function timeActions(actions: readonly (readonly Action[])[], model: TimingModel): TimedAction[][] {
  const p = actions.length;
  const ends = new Map<string, number>();
  const out: TimedAction[][] = Array.from({ length: p }, () => []);
  const free = Array.from({ length: p }, (_, d) => model.startAt?.[d] ?? 0);
  const next = new Array<number>(p).fill(0);
  let remaining = actions.reduce((n, l) => n + l.length, 0);
  while (remaining > 0) {
    let progress = false;
    for (let d = 0; d < p; d++) {
      // run every action of device d whose inputs are known, in order
      for (;;) {
        const a = actions[d][next[d]];
        if (!a) break;
        let ready = free[d];
        let known = true;
        for (const dep of model.deps(a)) {
          const e = ends.get(key(dep.pass, dep.chunk, a.mb));
          if (e === undefined) {
            known = false;
            break;
          }
          const from = deviceOfChunk(dep.chunk, model.stages);
          ready = Math.max(ready, e + (from === d ? 0 : model.transfer(dep, d)));
        }
        if (!known) break;
        const end = ready + model.duration(a);
        out[d].push({ ...a, device: d, start: ready, end });
        ends.set(key(a.pass, a.chunk, a.mb), end);
        // an unsplit backward also stands for its weight-gradient half
        if (a.pass === 'B') ends.set(key('W', a.chunk, a.mb), ends.get(key('W', a.chunk, a.mb)) ?? end);
        free[d] = end;
        next[d]++;
        remaining--;
        progress = true;
      }
    }
    if (!progress) {
      const waiting = actions.map((l, d) => (l[next[d]] ? `device ${d} at ${l[next[d]].pass}${l[next[d]].chunk}/mb${l[next[d]].mb}` : '')).filter(Boolean);
      throw new UserError('pipeline', `the schedule deadlocks: ${waiting.join('; ')}`);
    }
  }
  return out;
}
