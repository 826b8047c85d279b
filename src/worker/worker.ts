/**
 * The pipeline worker: runs config → report off the main thread and answers follow-up requests from
 * the cached result (see session.ts). Only DTOs cross comlink; failures come back as values.
 */
import * as Comlink from 'comlink';
import { Session } from './session';
import { coreDeps } from './wiring';
import { layoutFor } from './graphLayout';
import type { AutoProgressDto, ExportKind } from './protocol';

const session = new Session(coreDeps);

type ProgressSink = (stage: string, fraction: number, auto?: AutoProgressDto) => void;

/** Progress goes out through a comlink proxy; a throttle keeps a busy pipeline from flooding the port. */
function throttled(onProgress: ProgressSink | undefined) {
  if (!onProgress) return { stage: undefined, auto: undefined };
  let lastSent = 0;
  let lastStage = { stage: 'build', fraction: 0 };
  return {
    stage: (stage: string, fraction: number) => {
      lastStage = { stage, fraction };
      const now = Date.now();
      if (now - lastSent < 50 && fraction < 1) return;
      lastSent = now;
      void onProgress(stage, fraction);
    },
    // Every search step is sent: each is a whole simulation apart, and each may carry a new best.
    auto: (p: AutoProgressDto) => {
      lastSent = Date.now();
      void onProgress(`searching ${p.tactic}`, lastStage.fraction, p);
    },
  };
}

/** Each run gets its own progress proxy (a MessagePort): close it once the run is over. */
function release(onProgress: ProgressSink | undefined) {
  if (onProgress) (onProgress as unknown as Comlink.Remote<() => void>)[Comlink.releaseProxy]();
}

const api = {
  run(seq: number, config: unknown, onProgress?: ProgressSink) {
    const sinks = throttled(onProgress);
    try {
      return session.run(seq, config, sinks.stage, sinks.auto);
    } finally {
      release(onProgress);
    }
  },
  /** Runs B (this worker's own result) against A and diffs them. */
  compare(seq: number, configB: unknown, configA: unknown, onProgress?: ProgressSink) {
    const sinks = throttled(onProgress);
    try {
      return session.compare(seq, configB, configA, sinks.stage);
    } finally {
      release(onProgress);
    }
  },
  moduleInfo: (text: string) => session.moduleInfo(text),
  hoverAt: (text: string, line: number, column: number) => session.hoverAt(text, line, column),
  complete: (text: string, line: number, column: number, axes: string[]) => session.complete(text, line, column, axes),
  nodeDetails: (id: string) => session.nodeDetails(id),
  opName: (opId: number) => session.opName(opId),
  findOp: (label: string) => session.findOp(label),
  search: (query: string, limit?: number) => session.search(query, limit),
  exportFile: (kind: ExportKind) => session.exportFile(kind),
  zoo: () => session.zoo(),
  tactics: () => session.tactics(),
  layout: (expanded: string[], stage: number | null, highlightValues?: number[]) => layoutFor(session, expanded, stage, highlightValues),
};

export type WorkerApi = typeof api;

Comlink.expose(api);
