/**
 * Pipeline schedules: the ordered list of actions each device of the pipeline axis runs.
 * An action is a forward (F), a backward (B) or, for ZB-H1, a weight-gradient pass (W) of one model chunk on
 * one micro-batch. Model chunk c runs on device c mod p (interleaving gives device d the chunks d, d+p, …).
 *
 * - GPipe: all forwards, then all backwards (m micro-batches in flight on every stage).
 * - 1F1B (PipeDream-flush, Narayanan et al. 2021): device d runs p−d−1 warm-up forwards, then alternates one
 *   forward and one backward, then drains the backwards: at most p−d micro-batches in flight.
 * - interleaved (Megatron-LM): 1F1B over v chunks per device; forwards visit the chunks in groups of p
 *   micro-batches; warm-up (p−d−1)·2 + (v−1)·p. Needs m a multiple of p.
 * - ZB-H1 (Qi et al. 2023, "Zero Bubble Pipeline Parallelism"): the backward is split into the
 *   input-gradient half B (on the critical path) and the weight-gradient half W; W passes are deferred to
 *   fill the waits, with 1F1B's in-flight bound (see zbH1All).
 */
import type { PipelineScheduleKind } from './types';

export type Pass = 'F' | 'B' | 'W';

export interface Action {
  readonly pass: Pass;
  readonly chunk: number;
  readonly mb: number;
}

export const deviceOfChunk = (chunk: number, stages: number): number => chunk % stages;

/** Per device of the pipeline axis, its actions in order. */
export function pipelineActions(kind: PipelineScheduleKind, p: number, m: number, v = 1): Action[][] {
  if (kind === 'ZB-H1') return zbH1All(p, m);
  const out: Action[][] = [];
  for (let d = 0; d < p; d++) {
    switch (kind) {
      case 'GPipe': out.push(gpipe(d, m)); break;
      case '1F1B': out.push(oneFOneB(d, p, m)); break;
      case 'interleaved': out.push(interleaved(d, p, m, v)); break;
    }
  }
  return out;
}

function gpipe(d: number, m: number): Action[] {
  const a: Action[] = [];
  for (let i = 0; i < m; i++) a.push({ pass: 'F', chunk: d, mb: i });
  for (let i = 0; i < m; i++) a.push({ pass: 'B', chunk: d, mb: i });
  return a;
}

function oneFOneB(d: number, p: number, m: number): Action[] {
  const warm = Math.min(p - d - 1, m);
  const a: Action[] = [];
  for (let i = 0; i < warm; i++) a.push({ pass: 'F', chunk: d, mb: i });
  for (let i = 0; i < m - warm; i++) {
    a.push({ pass: 'F', chunk: d, mb: warm + i });
    a.push({ pass: 'B', chunk: d, mb: i });
  }
  for (let i = m - warm; i < m; i++) a.push({ pass: 'B', chunk: d, mb: i });
  return a;
}

function interleaved(d: number, p: number, m: number, v: number): Action[] {
  const total = m * v;
  // k-th forward (backward) of the device: micro-batches in groups of p, cycling over its chunks
  const fwd = (k: number): Action => {
    const local = Math.floor(k / p) % v;
    return { pass: 'F', chunk: local * p + d, mb: Math.floor(k / (p * v)) * p + (k % p) };
  };
  const bwd = (k: number): Action => {
    const local = v - 1 - (Math.floor(k / p) % v);
    return { pass: 'B', chunk: local * p + d, mb: Math.floor(k / (p * v)) * p + (k % p) };
  };
  const warm = m === p ? total : Math.min((p - d - 1) * 2 + (v - 1) * p, total);
  const a: Action[] = [];
  for (let k = 0; k < warm; k++) a.push(fwd(k));
  for (let k = 0; k < total - warm; k++) {
    a.push(fwd(warm + k));
    a.push(bwd(k));
  }
  for (let k = total - warm; k < total; k++) a.push(bwd(k));
  return a;
}

/**
 * ZB-H1's order, derived as its authors do by assuming equal forward, backward and weight-pass times: in
 * unit time steps every device runs, by priority, a backward that has arrived (the critical path), else a
 * forward if it keeps at most p−d micro-batches in flight (1F1B's memory), else a deferred weight pass.
 */
function zbH1All(p: number, m: number): Action[][] {
  const fEnd = Array.from({ length: p }, () => new Array<number>(m).fill(Infinity));
  const bEnd = Array.from({ length: p }, () => new Array<number>(m).fill(Infinity));
  const nextF = new Array<number>(p).fill(0), nextB = new Array<number>(p).fill(0), nextW = new Array<number>(p).fill(0);
  const out: Action[][] = Array.from({ length: p }, () => []);
  let left = 3 * m * p;
  for (let t = 0; left > 0; t++) {
    for (let d = 0; d < p; d++) {
      const b = nextB[d], f = nextF[d], w = nextW[d];
      let a: Action | undefined;
      if (b < f && fEnd[d][b] <= t && (d === p - 1 || bEnd[d + 1][b] <= t)) {
        a = { pass: 'B', chunk: d, mb: b };
        bEnd[d][b] = t + 1;
        nextB[d]++;
      } else if (f < m && f - b < p - d && (d === 0 || fEnd[d - 1][f] <= t)) {
        a = { pass: 'F', chunk: d, mb: f };
        fEnd[d][f] = t + 1;
        nextF[d]++;
      } else if (w < b) {
        a = { pass: 'W', chunk: d, mb: w };
        nextW[d]++;
      }
      if (a) {
        out[d].push(a);
        left--;
      }
    }
  }
  return out;
}

/** The bubble fraction the schedule's analysis gives, bubble / ideal time: (p−1)/(v·m) for (interleaved) 1F1B and GPipe. */
export function idealBubble(kind: PipelineScheduleKind, p: number, m: number, v = 1): number {
  return kind === 'interleaved' ? (p - 1) / (v * m) : (p - 1) / m;
}
