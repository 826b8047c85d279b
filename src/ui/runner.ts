/**
 * Recomputes derived state when the document changes: edits are debounced (~300 ms) and handed to the
 * worker client; replies land in the store. A failed run (bad config, tactic errors, a crashed worker)
 * leaves the last good report on screen, marked stale, next to the error.
 */
import type { Config } from '../core/io/config';
import type { CompareReply, RunReply } from '../worker/protocol';
import { appStore, type AppState, type CompareState } from './store';
import { PipelineClient, type Invoke } from './workerClient';

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

/** The compare state for B's reply: B's own result like applyReply, plus the diff against A. */
export function applyCompareReply(prev: CompareState, reply: CompareReply): CompareState {
  const b = reply.b;
  // A failed B keeps the last diff on screen (shown as stale), like A keeps its last report.
  const base = reply.diff
    ? { ...prev, progress: null, diff: reply.diff, highlight: [...reply.highlight], highlightValues: [...reply.highlightValues] }
    : { ...prev, progress: null };
  if (b.ok && !b.hasErrors) {
    if (reply.errorA) return { ...base, status: 'error', report: b.report, markers: b.markers, error: { ...reply.errorA, message: `A: ${reply.errorA.message}` } };
    return { ...base, status: 'ok', report: b.report, markers: b.markers, error: null };
  }
  if (b.ok) {
    const first = b.markers.find((m) => m.severity !== 'warning') ?? b.report.diagnostics.find((m) => m.severity !== 'warning');
    return { ...base, status: 'error', markers: b.markers, error: first ?? { code: 'error', message: "B's tactics have errors" } };
  }
  return { ...base, status: 'error', markers: b.markers, error: { ...b.error, internal: b.internal } };
}

const invokeCompare: Invoke<CompareReply> = (api, seq, payload, progress) => {
  const { a, b } = payload as { a: Config; b: Config };
  return api.compare(seq, b, a, progress);
};

let client: PipelineClient | null = null;
let compareClient: PipelineClient<CompareReply> | null = null;

/** B's worker (compare view): hover and completion in B's editor answer from it. Null when not comparing. */
export function comparePipelineClient(): PipelineClient<CompareReply> | null {
  return compareClient;
}

export function pipelineClient(): PipelineClient {
  if (!client) throw new Error('pipeline client not started');
  return client;
}

export function startRunner(): () => void {
  const c: PipelineClient = new PipelineClient({
    onStart: () => appStore.setState({ status: 'running', progress: null, auto: null }),
    onReply: (reply) => {
      appStore.setState((s) => applyReply(s, reply));
      performance.mark('report-applied');
      // The catalogue requests can be lost when a run supersedes another (the worker restarts).
      if (appStore.getState().zoo.length === 0) void c.zoo().then((zoo) => appStore.setState({ zoo }));
      if (appStore.getState().tacticDocs.length === 0) void c.tactics().then((tacticDocs) => appStore.setState({ tacticDocs }));
    },
    onProgress: (p) => appStore.setState(p.auto ? { progress: { stage: p.stage, fraction: p.fraction }, auto: p.auto } : { progress: { stage: p.stage, fraction: p.fraction } }),
    onCrash: (message) =>
      appStore.setState((s) => ({ status: 'error', progress: null, reportStale: s.report !== null, error: { code: 'worker', message, internal: true } })),
    onNotice: (message) => appStore.setState({ banner: message }),
  });
  client = c;
  void c.zoo().then((zoo) => appStore.setState({ zoo }));
  void c.tactics().then((tacticDocs) => appStore.setState({ tacticDocs }));

  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = (doc: Config, delay: number) => {
    clearTimeout(timer);
    appStore.setState({ status: 'pending' });
    timer = setTimeout(() => {
      // bench:ui measures "edit → charts" from here, the end of the debounce.
      performance.mark('debounce-end');
      c.run(doc);
    }, delay);
  };
  schedule(appStore.getState().doc, 0);

  let compareTimer: ReturnType<typeof setTimeout> | undefined;
  const scheduleCompare = (a: Config, b: Config, delay: number) => {
    clearTimeout(compareTimer);
    appStore.setState((s) => ({ compare: { ...s.compare, status: 'pending' } }));
    compareTimer = setTimeout(() => startCompareClient().run({ a, b }), delay);
  };
  const initial = appStore.getState();
  if (initial.docB) scheduleCompare(initial.doc, initial.docB, 0);

  const unsubscribe = appStore.subscribe((s, prev) => {
    if (s.doc !== prev.doc) schedule(s.doc, DEBOUNCE_MS);
    if (s.docB && (s.docB !== prev.docB || s.doc !== prev.doc)) scheduleCompare(s.doc, s.docB, prev.docB ? DEBOUNCE_MS : 0);
    if (!s.docB && prev.docB) {
      clearTimeout(compareTimer);
      compareClient?.cancel();
    }
  });
  return () => {
    clearTimeout(timer);
    clearTimeout(compareTimer);
    unsubscribe();
  };
}

function startCompareClient(): PipelineClient<CompareReply> {
  if (compareClient) return compareClient;
  compareClient = new PipelineClient<CompareReply>({
    onStart: () => appStore.setState((s) => ({ compare: { ...s.compare, status: 'running', progress: null } })),
    onReply: (reply) => appStore.setState((s) => (s.docB ? { compare: applyCompareReply(s.compare, reply) } : {})),
    onProgress: (p) => appStore.setState((s) => ({ compare: { ...s.compare, progress: { stage: p.stage, fraction: p.fraction } } })),
    onCrash: (message) =>
      appStore.setState((s) => ({ compare: { ...s.compare, status: 'error', progress: null, error: { code: 'worker', message, internal: true } } })),
    onNotice: (message) => appStore.setState({ banner: message }),
  }, invokeCompare, 'partir-compare');
  return compareClient;
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
