/**
 * `window.__partir`: a small, stable handle for end-to-end tests (and the console). Tests set the tactic
 * text through it rather than typing, because Monaco rewrites typed multi-line text (auto-indent).
 */
import type { Config } from '../core/io/config';
import { editorText } from './editor/TacticEditor';
import { appStore, replaceDoc, setTactics, type AppState } from './store';

export interface PartirTestHook {
  setTactics(text: string): void;
  setDoc(doc: Config): void;
  editorText(): string;
  state(): Pick<AppState, 'doc' | 'status' | 'error' | 'markers' | 'reportStale' | 'paths'> & { hasReport: boolean };
}

declare global {
  interface Window {
    __partir?: PartirTestHook;
  }
}

export function installTestHook(): void {
  window.__partir = {
    setTactics,
    setDoc: replaceDoc,
    editorText,
    state: () => {
      const s = appStore.getState();
      return { doc: s.doc, status: s.status, error: s.error, markers: s.markers, reportStale: s.reportStale, paths: s.paths, hasReport: s.report !== null };
    },
  };
}
