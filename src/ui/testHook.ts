/**
 * `window.__partir`: a small, stable handle for end-to-end tests (and the console). Tests set the tactic
 * text through it rather than typing, because Monaco rewrites typed multi-line text (auto-indent).
 */
import type { Config } from '../core/io/config';
import { editorText } from './editor/editorText';
import { appStore, replaceDoc, setTactics, setTacticsB, type AppState } from './store';

export interface PartirTestHook {
  setTactics(text: string): void;
  /** B's tactics in the compare view. */
  setTacticsB(text: string): void;
  setDoc(doc: Config): void;
  editorText(): string;
  state(): Pick<AppState, 'doc' | 'docB' | 'status' | 'error' | 'markers' | 'reportStale' | 'paths' | 'compare'> & { hasReport: boolean; auto: AppState['auto'] };
}

declare global {
  interface Window {
    __partir?: PartirTestHook;
  }
}

export function installTestHook(): void {
  window.__partir = {
    setTactics,
    setTacticsB,
    setDoc: replaceDoc,
    editorText,
    state: () => {
      const s = appStore.getState();
      return {
        doc: s.doc, docB: s.docB, status: s.status, error: s.error, markers: s.markers, reportStale: s.reportStale, paths: s.paths,
        compare: s.compare, hasReport: s.report !== null, auto: s.auto,
      };
    },
  };
}
