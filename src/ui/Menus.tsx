/** The examples menu (the paper's gallery) and the export menu, in the header. */
import { GALLERY } from '../core/models/gallery';
import { validateConfig } from '../core/io/validate';
import type { ExportKind } from '../worker/protocol';
import { DEFAULT_CONFIG } from './defaultConfig';
import { pipelineClient } from './runner';
import { appStore, replaceDoc, useApp } from './store';

export function ExamplesMenu() {
  return (
    <select data-testid="examples" aria-label="open an example" value=""
      title="Open an example: the default, or a model and strategy from the PartIR paper's evaluation"
      onChange={(e) => {
        const id = e.target.value;
        const config = id === 'default' ? DEFAULT_CONFIG : GALLERY.find((g) => g.id === id)?.config;
        if (!config) return;
        try {
          replaceDoc(validateConfig(config));
        } catch (err) {
          appStore.setState({ banner: `Could not open the example: ${err instanceof Error ? err.message : String(err)}` });
        }
      }}>
      <option value="" disabled>Examples…</option>
      <option value="default">Small transformer · BP+MP (default)</option>
      <optgroup label="PartIR paper (32-chip TPU v4 slice)">
        {GALLERY.map((g) => <option key={g.id} value={g.id}>{g.title}</option>)}
      </optgroup>
    </select>
  );
}

const EXPORTS: [ExportKind, string][] = [
  ['config', 'Config (JSON)'],
  ['trace', 'Timeline (Perfetto / Chrome trace)'],
  ['markdown', 'Summary (Markdown)'],
  ['jax', 'JAX shardings (Python)'],
  ['sdy', 'Shardy (MLIR)'],
];

function download(filename: string, mime: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function ExportMenu() {
  const hasReport = useApp((s) => s.report !== null);
  return (
    <select data-testid="export" aria-label="export" value="" disabled={!hasReport}
      title="Export the current result (from the last successful run)"
      onChange={(e) => {
        const kind = e.target.value as ExportKind;
        void pipelineClient().exportFile(kind).then((f) => {
          if ('error' in f) appStore.setState({ banner: `Export failed: ${f.error}` });
          else download(f.filename, f.mime, f.text);
        });
      }}>
      <option value="" disabled>Export…</option>
      {EXPORTS.map(([k, label]) => <option key={k} value={k}>{label}</option>)}
    </select>
  );
}
