/**
 * `export --format jax|sdy|trace|markdown <config.json> [--out file]`: the text on stdout, or in a
 * file with --out; with --json one document `{ format, text }` (plus `out` when written to a file).
 */
import { writeFileSync } from 'node:fs';
import { UserError } from '../core/errors';
import { EXPORT_FORMATS, exportText, isExportFormat } from '../core/io/export';
import { runPipeline } from '../core/pipeline';
import type { CommandOutput } from './commands';
import { readConfigFile } from './io';

interface ExportArgs {
  format: string;
  file?: string;
  out?: string;
}

function parseArgs(args: readonly string[]): ExportArgs {
  let format: string | undefined;
  let out: string | undefined;
  let file: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const flag = /^--(format|out)(?:=(.*))?$/.exec(a);
    if (flag) {
      const value = flag[2] ?? args[++i];
      if (value === undefined || value === '') throw new UserError('usage', `--${flag[1]} needs a value`);
      if (flag[1] === 'format') format = value;
      else out = value;
    } else if (a.startsWith('--')) {
      throw new UserError('usage', `export: unknown option "${a}" (expected --format, --out, --json)`);
    } else if (file === undefined) {
      file = a;
    } else {
      throw new UserError('usage', `export: unexpected argument "${a}"`);
    }
  }
  if (format === undefined) throw new UserError('usage', `export needs --format ${EXPORT_FORMATS.join('|')}`);
  return { format, file, out };
}

export const exportCommand = {
  args: `--format ${EXPORT_FORMATS.join('|')} <config.json> [--out file]`,
  help: 'JAX shardings, the imported module with sdy shardings, a Perfetto trace, or a Markdown summary',
  run(args: string[]): CommandOutput {
    const { format, file, out } = parseArgs(args);
    // a bad format is reported before the (slow) pipeline runs
    if (!isExportFormat(format)) {
      throw new UserError('export-format', `unknown export format "${format}" (expected one of ${EXPORT_FORMATS.join(', ')})`, { where: 'format' });
    }
    const config = readConfigFile(file);
    if (format === 'sdy' && !('stablehlo' in config.model)) {
      throw new UserError('export-sdy', `sdy export needs an imported StableHLO module (model.stablehlo); the zoo model "${config.model.zoo}" has no module text to annotate — export --format jax instead`, { where: 'model' });
    }
    const text = exportText(format, runPipeline(config), config);
    if (out === undefined) return { json: { format, text }, text: text.replace(/\n$/, '') };
    try {
      writeFileSync(out, text);
    } catch {
      throw new UserError('file', `cannot write "${out}"`, { where: out });
    }
    return { json: { format, text, out }, text: `wrote ${out} (${text.length} characters, ${format})` };
  },
};
