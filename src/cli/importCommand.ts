/**
 * `import <file.mlir> [--json]`: reads StableHLO text as JAX prints it and shows what the explorer
 * makes of it (inputs with their paths and seed shardings, outputs, ops by phase, opaque ops,
 * warnings). Exit 1 when the module cannot be imported.
 */
import type { Diagnostic } from '../core/errors';
import { fmtType } from '../core/ir/shape';
import { importStableHlo } from '../core/io/stablehlo/import';
import type { ImportedSharding } from '../core/io/stablehlo/sharding';
import { summarize } from '../core/models/summary';
import type { CommandOutput } from './commands';
import { formatCount, formatFlops } from '../core/units';
import { table } from './format';
import { readTextFile } from './io';

const shardingText = (s: ImportedSharding): string =>
  `[${s.dims.map((axes) => `{${axes.join(',')}}`).join(', ')}]${s.partial.length ? ` unreduced={${s.partial.join(',')}}` : ''}${s.replicated.length ? ` replicated={${s.replicated.join(',')}}` : ''}`;

const diagText = (d: Diagnostic): string => `${d.severity ?? 'error'}: ${d.range ? `${d.range.line}:${d.range.column}: ` : ''}${d.message}`;

export const importCommand: { args: string; help: string; run(args: string[]): CommandOutput } = {
  args: '<file.mlir>',
  help: 'imports StableHLO text (jax.jit(f).lower(...).as_text()): inputs, seeds, ops, opaque ops',
  run: ([file]) => {
    const text = readTextFile(file, 'file.mlir');
    const r = importStableHlo(text);
    if (!r.ok) {
      const first = r.diagnostics.find((d) => d.severity !== 'warning') ?? r.diagnostics[0];
      return { json: { ok: false, diagnostics: r.diagnostics }, text: r.diagnostics.map(diagText).join('\n'), exitCode: 1, error: `${file}: ${first ? diagText(first).replace(/^error: /, '') : 'the module cannot be imported'}` };
    }
    const p = r.program;
    const seedOf = new Map(r.seeds.map((s) => [s.value, s.sharding]));
    const inputs = p.inputs.map((v) => ({
      name: p.values[v].name ?? `%${v}`, type: fmtType(p.values[v].type), role: p.values[v].role ?? 'other',
      ...(seedOf.has(v) ? { sharding: shardingText(seedOf.get(v) as ImportedSharding) } : {}),
    }));
    const outputs = p.outputs.map((o) => ({ name: o.name, type: fmtType(p.values[o.value].type) }));
    const phases: Record<string, number> = {};
    for (const op of p.ops) phases[op.phase] = (phases[op.phase] ?? 0) + 1;
    const summary = summarize(p);
    const json = {
      ok: true, name: p.name, mesh: r.mesh ?? null, parameters: summary.parameters, flops: summary.flops.model,
      ops: p.ops.length, phases, inputs, outputs,
      opaque: r.opaque.map((o) => ({ op: o.op, name: o.name, scope: p.ops[o.op].scope })), diagnostics: r.diagnostics,
    };
    const lines = [
      `module ${p.name}: ${p.inputs.length} inputs, ${p.outputs.length} outputs, ${p.ops.length} ops (${Object.entries(phases).map(([k, n]) => `${k} ${n}`).join(', ')})`,
      `parameters ${formatCount(summary.parameters)}, FLOPs ${formatFlops(summary.flops.model)}${r.mesh ? `, mesh ${r.mesh.axes.map((a) => `${a.name}=${a.size}`).join(' × ')}` : ''}`,
      table(['input', 'type', 'role', 'sharding'], inputs.map((i) => [i.name, i.type, i.role, i.sharding ?? ''])),
      table(['output', 'type'], outputs.map((o) => [o.name, o.type])),
      ...(r.opaque.length ? [`opaque ops: ${[...new Set(r.opaque.map((o) => o.name))].join(', ')}`] : []),
      ...r.diagnostics.map(diagText),
    ];
    return { json, text: lines.join('\n') };
  },
};
