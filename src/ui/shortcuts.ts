/**
 * App-level undo/redo keys. Inside the editor and form fields their own undo applies (Monaco keeps a
 * per-keystroke history), so only keys pressed elsewhere reach the document history.
 */
import { redo, undo } from './store';

export function isTextTarget(el: EventTarget | null): boolean {
  if (!(el instanceof Element)) return false;
  return el.closest('.monaco-editor, input, textarea, select, [contenteditable="true"]') !== null;
}

export function installShortcuts(): () => void {
  const onKey = (e: KeyboardEvent) => {
    if (!(e.ctrlKey || e.metaKey) || e.altKey || isTextTarget(e.target)) return;
    const k = e.key.toLowerCase();
    if (k === 'z' && !e.shiftKey) undo();
    else if ((k === 'z' && e.shiftKey) || k === 'y') redo();
    else return;
    e.preventDefault();
  };
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}
