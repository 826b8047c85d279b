/**
 * Recomputes derived state when the document changes: edits are debounced (~300 ms) and handed to the
 * worker client; replies land in the store. A failed run (bad config, tactic errors, a crashed worker)
 * leaves the last good report on screen, marked stale, next to the error.
 */
import type { Config } from '../core/io/config';
import type { RunReply } from '../worker/protocol';
import { appStore, type AppState } from './store';
import { PipelineClient } from './workerClient';

export const DEBOUNCE_MS = 300;

/** The store patch for a reply; pure, so it is unit-tested without a worker. */
export function applyReply(s: Pick<AppState, 'report'>, reply: RunReply): Partial<AppState> {
  if (reply.ok && !reply.hasErrors) {
    return {
      status: 'ok', progress: null, report: reply.report, reportStale: false, error: null, markers: reply.markers,
      paths: reply.paths, stageNames: reply.stageNames, millis: reply.millis,
    };
  }
  if (reply.ok) {
    const first = reply.markers.find((m) => m.severity !== 'warning') ?? reply.report.diagnostics.find((m) => m.severity !== 'warning');
    return {
      status: 'error', progress: null, reportStale: s.report !== null, markers: reply.markers, paths: reply.paths,
      error: first ?? { code: 'error', message: 'the tactics have errors' },
    };
  }
  return {
    status: 'error', progress: null, reportStale: s.report !== null, markers: reply.markers,
    error: { ...reply.error, internal: reply.internal },
  };
}

let client: PipelineClient | null = null;

export function pipelineClient(): PipelineClient {
  if (!client) throw new Error('pipeline client not started');
  return client;
}

export function startRunner(): () => void {
  const c: PipelineClient = new PipelineClient({
    onStart: () => appStore.setState({ status: 'running', progress: null }),
    onReply: (reply) => {
      appStore.setState((s) => applyReply(s, reply));
      // The catalogue requests can be lost when a run supersedes another (the worker restarts).
      if (appStore.getState().zoo.length === 0) void c.zoo().then((zoo) => appStore.setState({ zoo }));
      if (appStore.getState().tacticDocs.length === 0) void c.tactics().then((tacticDocs) => appStore.setState({ tacticDocs }));
    },
    onProgress: (p) => appStore.setState({ progress: { stage: p.stage, fraction: p.fraction } }),
    onCrash: (message) =>
      appStore.setState((s) => ({ status: 'error', progress: null, reportStale: s.report !== null, error: { code: 'worker', message, internal: true } })),
  });
  client = c;
  void c.zoo().then((zoo) => appStore.setState({ zoo }));
  void c.tactics().then((tacticDocs) => appStore.setState({ tacticDocs }));

  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = (doc: Config, delay: number) => {
    clearTimeout(timer);
    appStore.setState({ status: 'pending' });
    timer = setTimeout(() => c.run(doc), delay);
  };
  schedule(appStore.getState().doc, 0);
  const unsubscribe = appStore.subscribe((s, prev) => {
    if (s.doc !== prev.doc) schedule(s.doc, DEBOUNCE_MS);
  });
  return () => {
    clearTimeout(timer);
    unsubscribe();
  };
}

/** Stops the run in flight; the last good result stays on screen. */
export function cancelRun(): void {
  client?.cancel();
  appStore.setState((s) => ({ status: 'cancelled', progress: null, reportStale: s.report !== null }));
}

/** Runs the current document again (after a cancel). */
export function rerun(): void {
  client?.run(appStore.getState().doc);
}
