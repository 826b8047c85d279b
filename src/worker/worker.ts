/**
 * The pipeline worker: runs config → report off the main thread and answers follow-up requests from
 * the cached result (see session.ts). Only DTOs cross comlink; failures come back as values.
 */
import * as Comlink from 'comlink';
import { Session } from './session';
import { coreDeps } from './wiring';
import { layoutFor } from './graphLayout';
import type { ExportKind } from './protocol';

const session = new Session(coreDeps);

const api = {
  run(seq: number, config: unknown, onProgress?: (stage: string, fraction: number) => void) {
    // Progress goes out through a comlink proxy; a throttle keeps a busy pipeline from flooding the port.
    let lastSent = 0;
    const report = onProgress
      ? (stage: string, fraction: number) => {
          const now = Date.now();
          if (now - lastSent < 50 && fraction < 1) return;
          lastSent = now;
          void onProgress(stage, fraction);
        }
      : undefined;
    try {
      return session.run(seq, config, report);
    } finally {
      // Each run gets its own progress proxy (a MessagePort): close it once the run is over.
      if (onProgress) (onProgress as unknown as Comlink.Remote<() => void>)[Comlink.releaseProxy]();
    }
  },
  hoverAt: (text: string, line: number, column: number) => session.hoverAt(text, line, column),
  complete: (text: string, line: number, column: number, axes: string[]) => session.complete(text, line, column, axes),
  nodeDetails: (id: string) => session.nodeDetails(id),
  opName: (opId: number) => session.opName(opId),
  findOp: (label: string) => session.findOp(label),
  exportFile: (kind: ExportKind) => session.exportFile(kind),
  zoo: () => session.zoo(),
  tactics: () => session.tactics(),
  layout: (expanded: string[], stage: number | null) => layoutFor(session, expanded, stage),
};

export type WorkerApi = typeof api;

Comlink.expose(api);
