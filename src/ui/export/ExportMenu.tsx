/**
 * The Export menu: text exports (config, Perfetto trace, Markdown, JAX, sdy MLIR) and images of
 * the graph and charts (SVG, PNG). JAX and sdy need the program and its shardings, which live in
 * the worker, so they come through `exportFile`; trace and Markdown need only the Report and are
 * made here when no `exportFile` is given.
 */
import { useState } from 'react';
import type { Config } from '../../core/io/config';
import { EXPORT_FILES } from '../../core/io/export/formats';
import { exportMarkdown } from '../../core/io/export/markdown';
import { exportTraceText } from '../../core/io/export/trace';
import type { Report } from '../../core/report';
import type { ExportFile, ExportKind } from '../../worker/protocol';
import { canvasToPng, downloadBlob, downloadText, exportFileName, svgText, svgToPng } from './download';

/** Where an image comes from: an <svg> element, an SVG document string, or a canvas (canvas-drawn graphs). */
export type ImageSource = SVGSVGElement | string | HTMLCanvasElement | null;

export interface ExportImage {
  /** `graph`, `charts`, …: used in the file name. */
  id: string;
  label: string;
  /** Called when the user picks the image; null when the view is not on screen. */
  get: () => ImageSource;
}

export interface ExportMenuProps {
  config: Config;
  /** The last good report; the menu is disabled without one. */
  report: Report | null;
  /** Text exports computed by the worker from the last PipelineResult (required for `jax` and `sdy`). */
  exportFile?: (kind: ExportKind) => Promise<ExportFile | { error: string }>;
  images?: readonly ExportImage[];
  /** Where a failed export is reported (a banner); defaults to `console.error`. */
  onError?: (message: string) => void;
  /** The file name stem; defaults to the model and the mesh. */
  fileStem?: string;
}

const TEXT_KINDS: readonly ExportKind[] = ['config', 'trace', 'markdown', 'jax', 'sdy'];

const TEXT_LABELS: Record<ExportKind, string> = {
  config: 'Config (JSON)',
  trace: `Timeline: ${EXPORT_FILES.trace.label}`,
  markdown: `Summary: ${EXPORT_FILES.markdown.label}`,
  jax: EXPORT_FILES.jax.label,
  sdy: EXPORT_FILES.sdy.label,
};

export function defaultStem(config: Config): string {
  const model = 'zoo' in config.model ? config.model.zoo : 'module';
  return `partir-${model}-${config.mesh.axes.map((a) => `${a.name}${a.size}`).join('x')}`;
}

/** The text and file name of a text export made on this thread (no worker). */
export function localExport(kind: ExportKind, config: Config, report: Report, stem: string): ExportFile | null {
  switch (kind) {
    case 'config': return { filename: exportFileName(stem, 'config.json'), mime: 'application/json', text: `${JSON.stringify(config, null, 2)}\n` };
    case 'trace': return { filename: exportFileName(stem, EXPORT_FILES.trace.ext), mime: EXPORT_FILES.trace.mime, text: exportTraceText(report, config) };
    case 'markdown': return { filename: exportFileName(stem, EXPORT_FILES.markdown.ext), mime: EXPORT_FILES.markdown.mime, text: exportMarkdown(report, config) };
    default: return null;
  }
}

export function ExportMenu({ config, report, exportFile, images = [], onError, fileStem }: ExportMenuProps) {
  const [busy, setBusy] = useState(false);
  const stem = fileStem ?? defaultStem(config);
  const fail = onError ?? ((m: string) => console.error(m));
  const isModule = 'stablehlo' in config.model;

  const run = async (choice: string) => {
    if (!report) return;
    setBusy(true);
    try {
      const [what, kind] = choice.split(':');
      if (what === 'text') {
        const k = kind as ExportKind;
        const f = exportFile ? await exportFile(k) : localExport(k, config, report, stem);
        if (!f) throw new Error(`${TEXT_LABELS[k]} needs the worker`);
        if ('error' in f) throw new Error(f.error);
        downloadText(f.text, f.filename, f.mime);
        return;
      }
      const [id, format] = kind.split('.');
      const image = images.find((i) => i.id === id);
      const src = image?.get() ?? null;
      if (!src) throw new Error(`the ${image?.label ?? id} is not on screen`);
      const name = exportFileName(`${stem}-${id}`, format);
      if (typeof src !== 'string' && 'getContext' in src) {
        if (format === 'svg') throw new Error(`the ${image!.label} is drawn on a canvas: export it as PNG`);
        downloadBlob(await canvasToPng(src), name);
      } else if (format === 'svg') {
        downloadText(svgText(src), name, 'image/svg+xml');
      } else {
        downloadBlob(await svgToPng(src, 2), name);
      }
    } catch (e) {
      fail(`Export failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <select data-testid="export-menu" aria-label="export" value="" disabled={!report || busy}
      title={report ? 'Export the current result (from the last successful run)' : 'Nothing to export yet'}
      onChange={(e) => void run(e.target.value)}>
      <option value="" disabled>{busy ? 'Exporting…' : 'Export…'}</option>
      <optgroup label="Files">
        {TEXT_KINDS.map((k) => {
          const unavailable = k === 'sdy' && !isModule ? 'needs an imported StableHLO module'
            : (k === 'jax' || k === 'sdy') && !exportFile ? 'needs the worker' : '';
          return (
            <option key={k} value={`text:${k}`} disabled={unavailable !== ''} title={unavailable || undefined}>
              {TEXT_LABELS[k]}{unavailable ? ` (${unavailable})` : ''}
            </option>
          );
        })}
      </optgroup>
      {images.length > 0 && (
        <optgroup label="Images">
          {images.flatMap((i) => [
            <option key={`${i.id}.svg`} value={`image:${i.id}.svg`}>{i.label} (SVG)</option>,
            <option key={`${i.id}.png`} value={`image:${i.id}.png`}>{i.label} (PNG)</option>,
          ])}
        </optgroup>
      )}
    </select>
  );
}
