/**
 * Exports of a pipeline result: JAX code, the imported module with sdy shardings, a Perfetto
 * trace, a Markdown summary. `exportText` is the one entry the CLI and the worker call.
 */
import { UserError } from '../../errors';
import type { Config } from '../config';
import type { PipelineResult } from '../../pipeline';
import { exportJax } from './jax';
import { exportMarkdown } from './markdown';
import { exportSdy } from './sdy';
import { exportTraceText } from './trace';

export { exportJax, partitionSpec, jaxShardingEntries, type JaxShardingEntry } from './jax';
export { exportSdy, sdySharding, sdyMesh } from './sdy';
export { exportTrace, exportTraceText, matchCollectives, type ChromeTrace, type TraceEvent } from './trace';
export { exportMarkdown, mdTable } from './markdown';

export type ExportFormat = 'jax' | 'sdy' | 'trace' | 'markdown';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['jax', 'sdy', 'trace', 'markdown'];

/** File name suffix and MIME type per format, for downloads and `--out` defaults. */
export const EXPORT_FILES: Record<ExportFormat, { ext: string; mime: string; label: string }> = {
  jax: { ext: 'py', mime: 'text/x-python', label: 'JAX shardings (Python)' },
  sdy: { ext: 'mlir', mime: 'text/plain', label: 'StableHLO with sdy shardings' },
  trace: { ext: 'trace.json', mime: 'application/json', label: 'Perfetto / Chrome trace' },
  markdown: { ext: 'md', mime: 'text/markdown', label: 'Markdown summary' },
};

export function isExportFormat(s: string): s is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(s);
}

/** Formats that need the whole PipelineResult (program and shardings), not just the Report. */
export const NEEDS_RESULT: readonly ExportFormat[] = ['jax', 'sdy'];

/** The export as text. A bad format, or sdy for a zoo model, is a UserError. */
export function exportText(format: string, result: PipelineResult, config: Config): string {
  switch (format) {
    case 'jax': return exportJax(result, config);
    case 'sdy': return exportSdy(result, config);
    case 'trace': return exportTraceText(result.report, config);
    case 'markdown': return exportMarkdown(result.report, config);
    default:
      throw new UserError('export-format', `unknown export format "${format}" (expected one of ${EXPORT_FORMATS.join(', ')})`, { where: 'format' });
  }
}

/** The formats that need only the Report, for callers (the UI's main thread) that hold no PipelineResult. */
export function exportReportText(format: 'trace' | 'markdown', report: PipelineResult['report'], config: Config): string {
  return format === 'trace' ? exportTraceText(report, config) : exportMarkdown(report, config);
}
