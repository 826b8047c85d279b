/** The export formats, with their file suffix and MIME type (for downloads and `--out` names). */

export type ExportFormat = 'jax' | 'sdy' | 'trace' | 'markdown';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['jax', 'sdy', 'trace', 'markdown'];

export const EXPORT_FILES: Record<ExportFormat, { ext: string; mime: string; label: string }> = {
  jax: { ext: 'py', mime: 'text/x-python', label: 'JAX shardings (Python)' },
  sdy: { ext: 'sdy.mlir', mime: 'text/plain', label: 'StableHLO with sdy shardings (MLIR)' },
  trace: { ext: 'trace.json', mime: 'application/json', label: 'Perfetto / Chrome trace (JSON)' },
  markdown: { ext: 'md', mime: 'text/markdown', label: 'Markdown summary' },
};

export function isExportFormat(s: string): s is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(s);
}

/** Formats that need the whole PipelineResult (program and shardings), not just the Report. */
export const NEEDS_RESULT: readonly ExportFormat[] = ['jax', 'sdy'];
