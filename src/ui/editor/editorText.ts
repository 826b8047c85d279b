/**
 * The tactic editor's live text, without importing Monaco: the editor (a lazily loaded chunk) registers
 * its getter here once mounted, so the test hook stays in the small main bundle.
 */
import { appStore } from '../store';

let getter: (() => string) | null = null;

export function setEditorTextGetter(get: (() => string) | null): void {
  getter = get;
}

/** The editor's current text; the document's tactics before the editor has loaded. */
export const editorText = (): string => getter?.() ?? appStore.getState().doc.tactics;
