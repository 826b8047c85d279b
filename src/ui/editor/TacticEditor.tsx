/** The tactic editor: Monaco (local bundle) bound to the document's `tactics` text. */
import { useEffect, useRef } from 'react';
import Editor, { type OnMount } from '@monaco-editor/react';
import { monaco } from './monacoSetup';
import { LANGUAGE_ID, THEME } from './partirLanguage';
import { MARKER_OWNER, registerProviders, toMarker } from './providers';
import { appStore, setTactics, useApp } from '../store';
import { pipelineClient } from '../runner';

type CodeEditor = Parameters<OnMount>[0];

let activeEditor: CodeEditor | null = null;
/** The editor's current text (for tests and for drag-and-drop insertion). */
export const editorText = (): string => activeEditor?.getValue() ?? appStore.getState().doc.tactics;

export function TacticEditor() {
  const tactics = useApp((s) => s.doc.tactics);
  const markers = useApp((s) => s.markers);
  const editorRef = useRef<CodeEditor | null>(null);

  useEffect(() => {
    registerProviders(monaco, {
      complete: (text, line, column) =>
        pipelineClient().complete(text, line, column, appStore.getState().doc.mesh.axes.map((a) => a.name)),
      hoverAt: (text, line, column) => pipelineClient().hoverAt(text, line, column),
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
    activeEditor = editor;
    const model = editor.getModel();
    if (model) {
      const data = appStore.getState().markers.map((d) => toMarker(monaco, d)).filter((m): m is NonNullable<typeof m> => m !== null);
      monaco.editor.setModelMarkers(model, MARKER_OWNER, data);
    }
  };

  return (
    <div className="editor-host" data-testid="tactic-editor">
      <Editor
        height="100%"
        language={LANGUAGE_ID}
        theme={THEME}
        value={tactics}
        onChange={(v) => setTactics(v ?? '')}
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
