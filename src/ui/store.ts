/**
 * The app store (zustand, vanilla so that URL sync and the runner work without React).
 * The document — the Config, exactly what the URL holds — is kept apart from what is derived from it
 * (report, status, markers): undo/redo and sharing touch only the document.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { Diagnostic } from '../core/errors';
import type { Config } from '../core/io/config';
import type { Report } from '../core/report';
import type { AutoProgressDto, CompareDto, ZooEntryDto, TacticDoc } from '../worker/protocol';
import { DEFAULT_CONFIG } from './defaultConfig';

export type RunStatus = 'idle' | 'pending' | 'running' | 'ok' | 'error' | 'cancelled';

export interface DocumentSlice {
  doc: Config;
  past: Config[];
  future: Config[];
  /**
   * Configuration B of the compare view (null: not comparing). It rides in the URL next to A, but is
   * outside A's undo history: B's editor keeps its own per-keystroke undo.
   */
  docB: Config | null;
  /** Consecutive edits with the same key (typing in the editor, dragging a number) merge into one undo step. */
  lastEditKey: string | null;
  lastEditAt: number;
}

/** B's run and its diff against A (compare view). */
export interface CompareState {
  status: RunStatus;
  progress: { stage: string; fraction: number } | null;
  report: Report | null;
  error: (Diagnostic & { internal?: boolean }) | null;
  markers: Diagnostic[];
  diff: CompareDto | null;
  /** Graph node ids of A whose sharding differs in B (groups that hold them included). */
  highlight: string[];
  highlightValues: number[];
}

export const EMPTY_COMPARE: CompareState = {
  status: 'idle', progress: null, report: null, error: null, markers: [], diff: null, highlight: [], highlightValues: [],
};

export interface DerivedSlice {
  status: RunStatus;
  progress: { stage: string; fraction: number } | null;
  /** The last good report; kept on screen while the current document has errors. */
  report: Report | null;
  /** True when `report` was computed from an earlier document than the current one. */
  reportStale: boolean;
  /** What stops the current document from running (invalid config, pipeline error). */
  error: (Diagnostic & { internal?: boolean }) | null;
  markers: Diagnostic[];
  paths: string[];
  stageNames: string[];
  millis: number;
  /** A problem the user should see without it blocking anything (the link the app was opened with, a failed follow-up request to the worker), shown as a banner until dismissed. */
  banner: string | null;
  zoo: ZooEntryDto[];
  tacticDocs: TacticDoc[];
  /** A running AutomaticPartition's progress and best strategy so far (kept after a cancel, to adopt it). */
  auto: AutoProgressDto | null;
  compare: CompareState;
}

export interface ViewSlice {
  selected: string | null;
  stage: number | null;
  expanded: string[];
}

export type AppState = DocumentSlice & DerivedSlice & ViewSlice;

const HISTORY_LIMIT = 200;
const MERGE_WINDOW_MS = 1500;

export function initialState(doc: Config = DEFAULT_CONFIG): AppState {
  return {
    doc, docB: null, past: [], future: [], lastEditKey: null, lastEditAt: 0,
    status: 'idle', progress: null, report: null, reportStale: false, error: null, markers: [], paths: [],
    stageNames: [], millis: 0, banner: null, zoo: [], tacticDocs: [], auto: null, compare: EMPTY_COMPARE,
    selected: null, stage: null, expanded: [],
  };
}

export const appStore = createStore<AppState>()(() => initialState());

export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(appStore, selector);
}

/**
 * Applies an edit to the document and records it for undo. Edits with the same `key` within a short
 * window merge into one undo step, so typing a word is one step rather than one per keystroke.
 */
export function editDoc(update: (doc: Config) => Config, key: string | null = null, now = Date.now()): void {
  const s = appStore.getState();
  const next = update(s.doc);
  if (next === s.doc) return;
  const merge = key !== null && key === s.lastEditKey && now - s.lastEditAt < MERGE_WINDOW_MS && s.past.length > 0;
  const past = merge ? s.past : [...s.past, s.doc].slice(-HISTORY_LIMIT);
  appStore.setState({ doc: next, past, future: [], lastEditKey: key, lastEditAt: now });
}

/** Replaces the document from outside (a pasted link): undoable, never merged. */
export function replaceDoc(doc: Config): void {
  editDoc(() => doc, null);
}

export function undo(): void {
  const s = appStore.getState();
  const prev = s.past[s.past.length - 1];
  if (!prev) return;
  appStore.setState({ doc: prev, past: s.past.slice(0, -1), future: [s.doc, ...s.future], lastEditKey: null });
}

export function redo(): void {
  const s = appStore.getState();
  const next = s.future[0];
  if (!next) return;
  appStore.setState({ doc: next, past: [...s.past, s.doc], future: s.future.slice(1), lastEditKey: null });
}

export const setTactics = (text: string): void => editDoc((d) => (d.tactics === text ? d : { ...d, tactics: text }), 'tactics');

/** Opens the compare view with B as a copy of A (or the B a link brought). */
export function startCompare(b?: Config): void {
  const s = appStore.getState();
  appStore.setState({ docB: b ?? s.doc, compare: { ...EMPTY_COMPARE, status: 'pending' } });
}

export function stopCompare(): void {
  appStore.setState({ docB: null, compare: EMPTY_COMPARE });
}

export function editDocB(update: (doc: Config) => Config): void {
  const s = appStore.getState();
  if (!s.docB) return;
  const next = update(s.docB);
  if (next !== s.docB) appStore.setState({ docB: next });
}

export const setTacticsB = (text: string): void => editDocB((d) => (d.tactics === text ? d : { ...d, tactics: text }));
