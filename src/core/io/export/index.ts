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
import { EXPORT_FORMATS } from './formats';

export { exportJax, partitionSpec, jaxShardingEntries, type JaxShardingEntry } from './jax';
export { exportSdy, sdySharding, sdyMesh } from './sdy';
export { exportTrace, exportTraceText, matchCollectives, type ChromeTrace, type TraceEvent } from './trace';
export { exportMarkdown, mdTable } from './markdown';
export { EXPORT_FORMATS, EXPORT_FILES, NEEDS_RESULT, isExportFormat, type ExportFormat } from './formats';

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

