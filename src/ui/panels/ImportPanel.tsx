/**
 * Import a StableHLO module: paste it, drop or open a `.mlir` file, or pick one of the bundled examples
 * (`public/examples/`, fetched from this origin). The module is checked in the worker before it becomes
 * the document's model, so a bad paste shows its error with a line and column and costs nothing: the
 * text stays in the box to fix.
 */
import { useEffect, useRef, useState } from 'react';
import { caretOffset, describeError, tacticsForModule, withModule } from './moduleImport';
import { pipelineClient } from '../runner';
import { editDoc, useApp } from '../store';

export interface ModuleExample {
  file: string;
  title: string;
  mesh?: { axes: { name: string; size: number }[] };
  tactics?: string;
}

/** Same origin, relative to the app's base (works under any deploy path). */
const examplesBase = () => `${import.meta.env.BASE_URL}examples/`;

let examplesPromise: Promise<ModuleExample[]> | null = null;
export function loadModuleExamples(): Promise<ModuleExample[]> {
  examplesPromise ??= fetch(`${examplesBase()}index.json`)
    .then((r) => (r.ok ? (r.json() as Promise<ModuleExample[]>) : []))
    .catch(() => []);
  return examplesPromise;
}

/** The bundled examples, once fetched (none until then, or when the index cannot be read). */
function useModuleExamples(): ModuleExample[] {
  const [examples, setExamples] = useState<ModuleExample[]>([]);
  useEffect(() => {
    let live = true;
    void loadModuleExamples().then((e) => live && setExamples(e));
    return () => {
      live = false;
    };
  }, []);
  return examples;
}

export function ImportPanel({ onLoaded }: { onLoaded?: () => void }) {
  const current = useApp((s) => ('stablehlo' in s.doc.model ? s.doc.model.stablehlo : ''));
  const [draft, setDraft] = useState(current);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [over, setOver] = useState(false);
  const examples = useModuleExamples();
  const fileRef = useRef<HTMLInputElement>(null);
  const textRef = useRef<HTMLTextAreaElement>(null);

  /** Puts the caret on the error's line and column, so the user sees what to fix. */
  const showAt = (text: string, line: number, column: number) => {
    const el = textRef.current;
    if (!el || line < 1) return;
    const offset = caretOffset(text, line, column);
    el.focus();
    el.setSelectionRange(offset, Math.min(text.length, offset + 1));
  };

  // A module loaded from elsewhere (undo, a link) replaces the box's text.
  useEffect(() => setDraft(current), [current]);

  const load = async (text: string, example?: ModuleExample) => {
    if (text.trim() === '') {
      setError('the module is empty: paste StableHLO text or open a .mlir file');
      return;
    }
    setBusy(true);
    const info = await pipelineClient().moduleInfo(text);
    setBusy(false);
    if (info.error) {
      setError(describeError(info.error));
      if (info.error.range && text === textRef.current?.value) showAt(text, info.error.range.line, info.error.range.column);
      return;
    }
    setError(null);
    const mesh = example?.mesh?.axes ?? info.mesh;
    editDoc((d) => withModule(d, text, mesh, example?.tactics ?? tacticsForModule(d, mesh)));
    onLoaded?.();
  };

  const openFile = async (file: File) => {
    const text = await file.text();
    setDraft(text);
    await load(text);
  };

  const openExample = async (e: ModuleExample) => {
    setBusy(true);
    try {
      const r = await fetch(`${examplesBase()}${e.file}`);
      if (!r.ok) throw new Error(`${e.file}: HTTP ${r.status}`);
      const text = await r.text();
      setDraft(text);
      await load(text, e);
    } catch (err) {
      setError(`could not open the example: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div
      className={over ? 'import-panel drop' : 'import-panel'}
      data-testid="import-panel"
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        const file = e.dataTransfer.files[0];
        setOver(false);
        if (!file) return;
        e.preventDefault();
        void openFile(file);
      }}
    >
      <ExampleButtons examples={examples} busy={busy} onOpen={(e) => void openExample(e)} />
      <textarea
        ref={textRef}
        data-testid="import-text"
        aria-label="StableHLO module text"
        spellCheck={false}
        placeholder={'Paste a StableHLO module (jax.jit(f).lower(...).as_text()), or drop a .mlir file here'}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
      />
      <div className="import-actions">
        <button data-testid="import-load" disabled={busy || draft.trim() === '' || draft === current} onClick={() => void load(draft)}>
          {busy ? 'Checking…' : current ? 'Re-import' : 'Import'}
        </button>
        <button data-testid="import-open" onClick={() => fileRef.current?.click()} disabled={busy}>Open .mlir…</button>
        <input ref={fileRef} type="file" accept=".mlir,.txt,text/plain" hidden data-testid="import-file"
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) void openFile(f);
          }} />
      </div>
      {error && <div className="import-error" role="alert" data-testid="import-error">{error}</div>}
    </div>
  );
}

function ExampleButtons({ examples, busy, onOpen }: { examples: ModuleExample[]; busy: boolean; onOpen: (e: ModuleExample) => void }) {
  if (examples.length === 0) return null;
  return (
    <div className="import-examples">
      <span className="muted small">examples</span>
      {examples.map((e) => (
        <button key={e.file} className="linkish" data-testid={`module-example-${e.file}`} title={e.title} disabled={busy}
          onClick={() => onOpen(e)}>{e.file.replace(/\.mlir$/, '')}</button>
      ))}
    </div>
  );
}
