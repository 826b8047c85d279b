/**
 * Monaco, bundled locally (never from a CDN: the app must work offline), lean: the core editor and its
 * features, no language services. Only the editor worker is needed; every label maps to it because
 * no language here asks for a service worker (see reference/stack.md §6.3).
 * Import this before anything renders an editor.
 */
import * as monaco from 'monaco-editor/editor';
import 'monaco-editor/features/register.all';
import { loader } from '@monaco-editor/react';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import { registerPartirLanguage } from './partirLanguage';

self.MonacoEnvironment = {
  getWorker: () => new EditorWorker(),
};

loader.config({ monaco });
registerPartirLanguage(monaco);

export { monaco };
