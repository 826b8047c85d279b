/**
 * The tactic editor: Monaco (local bundle) bound to the document's `tactics` text. Loaded lazily (App.tsx):
 * Monaco is most of the app's JavaScript, and the summary and graph need none of it.
 */
import { useEffect, useRef } from 'react';
import Editor, { type OnMount } from '@monaco-editor/react';
import { monaco } from './monacoSetup';
import { LANGUAGE_ID, THEME } from './partirLanguage';
import { MARKER_OWNER, registerProviders, toMarker } from './providers';
import { appStore, setTactics, setTacticsB, useApp } from '../store';
import { comparePipelineClient, pipelineClient } from '../runner';
import { setEditorTextGetter } from './editorText';

/** B's editor model (compare view); hover and completion there answer from B's worker. */
const B_PATH = 'tactics-b.partir';
const clientFor = (uri?: string) => (uri?.includes(B_PATH) ? comparePipelineClient() ?? pipelineClient() : pipelineClient());

type CodeEditor = Parameters<OnMount>[0];


let providersRegistered = false;

/** The tactic text of A (the document) or, in the compare view, of B. */
export function TacticEditor({ side = 'a' }: { side?: 'a' | 'b' }) {
  const tactics = useApp((s) => (side === 'a' ? s.doc.tactics : (s.docB?.tactics ?? '')));
  const markers = useApp((s) => (side === 'a' ? s.markers : s.compare.markers));
  const editorRef = useRef<CodeEditor | null>(null);

  useEffect(() => {
    if (providersRegistered) return;
    providersRegistered = true;
    registerProviders(monaco, {
      complete: (text, line, column, uri) => {
        const s = appStore.getState();
        const doc = uri?.includes(B_PATH) && s.docB ? s.docB : s.doc;
        return clientFor(uri).complete(text, line, column, doc.mesh.axes.map((a) => a.name));
      },
      hoverAt: (text, line, column, uri) => clientFor(uri).hoverAt(text, line, column),
      tacticDocs: () => appStore.getState().tacticDocs,
    });
  }, []);

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (!model) return;
    const data = markers.map((d) => toMarker(monaco, d)).filter((m): m is NonNullable<typeof m> => m !== null);
    monaco.editor.setModelMarkers(model, MARKER_OWNER, data);
  }, [markers]);

  const onMount: OnMount = (editor) => {
    editorRef.current = editor;
    if (side === 'a') setEditorTextGetter(() => editor.getValue());
    const model = editor.getModel();
    if (model) {
      const s = appStore.getState();
      const data = (side === 'a' ? s.markers : s.compare.markers).map((d) => toMarker(monaco, d)).filter((m): m is NonNullable<typeof m> => m !== null);
      monaco.editor.setModelMarkers(model, MARKER_OWNER, data);
    }
  };

  return (
    <div className={side === 'a' ? 'editor-host' : 'editor-host editor-b'} data-testid={side === 'a' ? 'tactic-editor' : 'tactic-editor-b'}>
      <Editor
        height="100%"
        path={side === 'a' ? 'tactics-a.partir' : B_PATH}
        language={LANGUAGE_ID}
        theme={THEME}
        value={tactics}
        onChange={(v) => (side === 'a' ? setTactics(v ?? '') : setTacticsB(v ?? ''))}
        onMount={onMount}
        loading={<div className="muted pad">Loading editor…</div>}
        options={{
          minimap: { enabled: false },
          fontSize: 13,
          lineNumbersMinChars: 3,
          scrollBeyondLastLine: false,
          automaticLayout: true,
          autoClosingBrackets: 'never',
          autoClosingQuotes: 'never',
          autoSurround: 'never',
          tabSize: 4,
          wordWrap: 'on',
          renderLineHighlight: 'line',
          fixedOverflowWidgets: true,
          quickSuggestions: { other: true, comments: false, strings: true },
        }}
      />
    </div>
  );
}
