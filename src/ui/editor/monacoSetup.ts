/**
 * Monaco, bundled locally (never from a CDN: the app must work offline), lean: the core editor and only
 * the features the tactic editor uses, no language services. None of those features starts Monaco's
 * editor worker today; it stays configured (every label maps to it, no language here asks for a service
 * worker) so that a feature added later that needs it gets it from the bundle rather than the main thread.
 * Import this before anything renders an editor.
 */
import * as monaco from 'monaco-editor/editor';
// The features the tactic editor uses (docs/tooling.md, "The editor bundle"); register.all would add
// ~60 more (diff editor, code lens, inlay hints, inline completions, sticky scroll, …).
import 'monaco-editor/features/codicon/register';
import 'monaco-editor/features/hover/register';
import 'monaco-editor/features/suggest/register';
// the completion widget itself: register.all gets it only through inline completions
import 'monaco-editor/editor/contrib/suggest/browser/suggestController';
import 'monaco-editor/features/bracketMatching/register';
import 'monaco-editor/features/comment/register';
import 'monaco-editor/features/clipboard/register';
import 'monaco-editor/features/contextmenu/register';
import 'monaco-editor/features/cursorUndo/register';
import 'monaco-editor/features/find/register';
import 'monaco-editor/features/multicursor/register';
import 'monaco-editor/features/linesOperations/register';
import 'monaco-editor/features/wordOperations/register';
import 'monaco-editor/features/wordHighlighter/register';
import { loader } from '@monaco-editor/react';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import { registerPartirLanguage } from './partirLanguage';

self.MonacoEnvironment = {
  getWorker: () => new EditorWorker(),
};

loader.config({ monaco });
registerPartirLanguage(monaco);

export { monaco };
