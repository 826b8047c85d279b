/**
 * Which core module provides each entry point the session needs. This is the one file to touch when a
 * core module lands or moves; everything else codes against `SessionDeps`.
 */
import * as pipeline from '../core/pipeline';
import { validateConfig } from '../core/io/validate';
import { UserError } from '../core/errors';
import { completionsAt, globAt, matchGlob, tacticCatalog } from '../core/tactics';
import { formatShardedType } from './layout';
import { ZOO } from '../core/models/zoo';
import type { SessionDeps } from './session';
import { exportTraceText } from '../core/io/export/trace';
import { exportMarkdown } from '../core/io/export/markdown';
import { exportJax } from '../core/io/export/jax';
import { exportSdy } from '../core/io/export/sdy';
import { importStableHlo } from '../core/io/stablehlo';
import { compareResults } from '../core/compare';

// `runPipeline` is a declared contract until the lead wires it; read it through the namespace so that
// a missing implementation is a clear error instead of a failed module load.
const pipelineModule = pipeline as Partial<typeof pipeline>;

export const coreDeps: SessionDeps = {
  validateConfig,
  runPipeline: (config, opts) => {
    if (typeof pipelineModule.runPipeline !== 'function') {
      throw new UserError('unavailable', 'the pipeline is not available in this build yet');
    }
    return pipelineModule.runPipeline(config, opts);
  },
  opLabel: (program, opId) => pipeline.opLabel(program, opId),
  globAt: (text, line, column) => globAt(text, line, column) ?? null,
  matchGlob,
  completionsAt: (text, line, column, ctx) => completionsAt(text, line, column, ctx).map((c) => ({ ...c })),
  tactics: () =>
    tacticCatalog.map((t) => ({
      name: t.name,
      description: t.description,
      args: t.args.map((a) => ({ name: a.name, type: a.typeLabel + (a.required ? '' : ' (optional)'), doc: a.doc })),
    })),
  zoo: () =>
    ZOO.map((z) => ({
      name: z.name,
      description: z.description,
      params: z.params.map((p) => ({
        name: p.name, kind: p.kind, default: p.default, values: p.values, min: p.min, integer: p.integer, description: p.description,
      })),
    })),
  formatShardedType: (type, sharding) => formatShardedType(type, sharding),
  compare: (a, b) => {
    const diff = compareResults(a, b);
    return { diff, valuesA: diff.shardings.idsA };
  },
  moduleInfo: (text) => {
    const r = importStableHlo(text);
    const error = r.diagnostics.find((d) => d.severity !== 'warning');
    const name = /^\s*module\s+@([\w.$-]+)/m.exec(text)?.[1];
    return {
      ops: r.program.ops.length,
      warnings: r.diagnostics.filter((d) => d.severity === 'warning').length,
      ...(name ? { name } : {}),
      ...(r.mesh ? { mesh: r.mesh.axes.map((a) => ({ name: a.name, size: a.size })) } : {}),
      ...(error || !r.ok ? { error: error ? { ...error } : { code: 'stablehlo-import', message: 'the module could not be imported' } } : {}),
    };
  },
  exporters: {
    config: (_r, config) => ({ filename: 'partir-config.json', mime: 'application/json', text: `${JSON.stringify(config, null, 2)}\n` }),
    trace: (r, config) => ({ filename: 'partir-trace.json', mime: 'application/json', text: exportTraceText(r.report, config) }),
    markdown: (r, config) => ({ filename: 'partir-summary.md', mime: 'text/markdown', text: exportMarkdown(r.report, config) }),
    jax: (r, config) => ({ filename: 'partir_shardings.py', mime: 'text/x-python', text: exportJax(r, config) }),
    sdy: (r, config) => ({ filename: 'partir.sdy.mlir', mime: 'text/plain', text: exportSdy(r, config) }),
  },
};
