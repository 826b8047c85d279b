import { UserError } from '../core/errors';
import { readLink } from '../core/io/link';
import { encodeConfig } from '../core/io/url';
import { checkInterpretable, verifySpmd } from '../core/interp/verify';
import { verifyPipelineConfig } from '../core/mpmd/verifyConfig';
import { ZOO } from '../core/models/zoo';
import { summarize } from '../core/models/summary';
import { buildProgram, runPipeline } from '../core/pipeline';
import { sumCollectives } from '../core/collectiveSums';
import type { Report } from '../core/report';
import { conflictGroupLine, conflictSummary } from '../core/conflictSummary';
import { compareCommand } from './compareCommand';
import { exportCommand } from './exportCommand';
import { importCommand } from './importCommand';
import { readConfigFile, readTextFile } from './io';
import { formatBytes, formatCount, formatFlops, formatPercent, formatSeconds } from '../core/units';
import { table } from './format';
import { pipelineText } from './pipelineText';

export interface CommandOutput {
  json: unknown;
  text: string;
  exitCode?: number;
  /** With exit code 1: why, in one line (the CLI prints it on stderr, also with --json). */
  error?: string;
}

interface Command {
  args: string;
  help: string;
  run(args: string[]): CommandOutput | Promise<CommandOutput>;
}

export const COMMANDS: Record<string, Command> = {
  models: {
    args: '',
    help: 'the model zoo with default params',
    run: () => {
      const json = ZOO.map((z) => ({ name: z.name, description: z.description, params: Object.fromEntries(z.params.map((p) => [p.name, p.default])) }));
      const text = json.map((z) => `${z.name}: ${z.description}\n  ${Object.entries(z.params).map(([k, v]) => `${k}=${v}`).join(' ')}`).join('\n');
      return { json, text };
    },
  },
  describe: {
    args: '<config.json>',
    help: 'parameters, ops, FLOPs by phase, bytes by category (the Report\'s model part)',
    run: ([file]) => {
      const model = summarize(buildProgram(readConfigFile(file)));
      const text = [
        `parameters  ${formatCount(model.parameters)} (${model.parameters})`,
        `ops         ${model.ops}`,
        `FLOPs       model ${formatFlops(model.flops.model)}  executed ${formatFlops(model.flops.executed)}`,
        table(['phase', 'FLOPs'], Object.entries(model.flops.byPhase).map(([k, v]) => [k, formatFlops(v)])),
        table(['category', 'bytes'], Object.entries(model.bytes).map(([k, v]) => [k, formatBytes(v)])),
      ].join('\n');
      return { json: model, text };
    },
  },
  partition: {
    args: '<config.json>',
    help: 'stages, conflicts, shardings, collectives',
    run: ([file]) => {
      const r = runPipeline(readConfigFile(file)).report;
      const json = { stages: r.stages, shardings: r.shardings, collectives: r.collectives.map(({ seconds: _s, ...c }) => c), diagnostics: r.diagnostics };
      return { json, text: [diagnosticsText(r), stagesText(r), collectivesText(r)].filter(Boolean).join('\n\n'), ...failure(r) };
    },
  },
  verify: {
    args: '<config.json>',
    help: 'runs the partitioned program on a simulated mesh and compares with the original',
    run: ([file]) => {
      const config = readConfigFile(file);
      const program = buildProgram(config);
      checkInterpretable(program);
      const result = runPipeline(config);
      const errors = result.report.diagnostics.filter((d) => d.severity !== 'warning');
      if (errors.length) throw new UserError('tactics', `tactics: ${fmtDiag(errors[0])}`);
      // a pipelined or micro-batched step is proven stage by stage against the whole step (src/core/mpmd)
      const res = result.report.pipeline ? verifyPipelineConfig(config) : verifySpmd(result.spmd);
      const json = { ok: res.ok, maxAbsError: res.maxAbsError, devices: res.devices };
      const text = `${res.ok ? 'ok' : 'MISMATCH'}: max abs error ${res.maxAbsError.toExponential(2)} over ${res.devices} devices${res.worst ? ` (worst: ${res.worst})` : ''}`;
      return { json, text, exitCode: res.ok ? 0 : 1, ...(res.ok ? {} : { error: `the partitioned program does not compute what the original computes (max abs error ${res.maxAbsError.toExponential(2)})` }) };
    },
  },
  simulate: {
    args: '<config.json>',
    help: 'the full Report: model, stages, collectives, memory per device, time, timeline',
    run: ([file]) => {
      const r = runPipeline(readConfigFile(file)).report;
      return { json: r, text: simulateText(r), ...failure(r) };
    },
  },
  url: {
    args: 'encode <config.json> | decode <url-or-fragment | @file>',
    help: 'the share-URL codec the explorer uses',
    run: ([sub, arg]) => {
      if (sub === 'encode') {
        const fragment = encodeConfig(readConfigFile(arg));
        return { json: { fragment, length: fragment.length }, text: `#${fragment}` };
      }
      if (sub === 'decode') {
        if (!arg) throw new UserError('usage', 'missing <url-or-fragment> argument');
        // `@file`: a link longer than a command-line argument may be (Linux: 128 KiB) is read from a file
        const res = readLink(arg.startsWith('@') ? readTextFile(arg.slice(1), 'link file').trim() : arg);
        if (!res.ok) throw new UserError('url', res.error);
        // a compare link holds two configurations; the others one
        const json = res.kind === 'compare' ? { a: res.config, b: res.b } : res.config;
        return { json, text: JSON.stringify(json, null, 2) };
      }
      throw new UserError('usage', 'url needs "encode <config.json>" or "decode <url-or-fragment>"');
    },
  },
  compare: compareCommand,
  import: importCommand,
  export: exportCommand,
};

export function usage(): string {
  const rows = Object.entries(COMMANDS).map(([n, c]) => `  ${`${n} ${c.args}`.padEnd(52)} ${c.help}`);
  return `usage: npm run -s cli -- <command> [args] [--json]\n\n${rows.join('\n')}\n`;
}

/** Exit code 1 and the first error, when the tactics have errors. */
function failure(r: Report): Pick<CommandOutput, 'exitCode' | 'error'> {
  const first = r.diagnostics.find((d) => d.severity !== 'warning');
  if (!first) return { exitCode: 0 };
  const more = r.diagnostics.filter((d) => d.severity !== 'warning').length - 1;
  return { exitCode: 1, error: `tactics ${fmtDiag(first)}${more > 0 ? ` (and ${more} more)` : ''}` };
}

function fmtDiag(d: Report['diagnostics'][number]): string {
  const at = d.range ? `${d.range.line}:${d.range.column}: ` : d.where ? `${d.where}: ` : '';
  return `${at}${d.message}`;
}

function diagnosticsText(r: Report): string {
  return r.diagnostics.map((d) => `${d.severity ?? 'error'}: tactics ${fmtDiag(d)}`).join('\n');
}

/** The stages, their conflicts counted as the UI's stages table does, then each stage's groups of conflicts. */
function stagesText(r: Report): string {
  const rows = table(['stage', 'tactic', 'axis', 'seeded', 'reached', 'conflicts'],
    r.stages.map((s, i) => [i + 1, s.tactic, s.axis, s.seeded.length, s.reached, conflictSummary(s)]));
  const groups = r.stages.flatMap((s, i) => (s.conflictGroups ?? []).map((g) => `  stage ${i + 1} ${s.tactic}: ${conflictGroupLine(g)}`));
  return groups.length ? `${rows}\nconflicts by kind:\n${groups.join('\n')}` : rows;
}

function collectivesText(r: Report): string {
  const rows = sumCollectives(r.collectives, ['kind', 'axes', 'phase'])
    .map((g) => [g.kind, g.axes.join(','), g.phase, g.count, formatBytes(g.bytes), formatSeconds(g.seconds)]);
  return rows.length ? table(['collective', 'axes', 'phase', 'count', 'bytes', 'time'], rows) : 'no collectives';
}

function simulateText(r: Report): string {
  const m = r.memory.perDevice[0];
  const lines = [
    diagnosticsText(r),
    `step time      ${formatSeconds(r.time.step)}  (compute ${formatSeconds(r.time.compute)}, communication ${formatSeconds(r.time.communication)}, exposed ${formatSeconds(r.time.exposedCommunication)})`,
    r.time.validation ? `validated      step time ${r.time.validation.text}; see ${r.time.validation.table}` : '',
    `MFU            ${formatPercent(r.time.mfu)}`,
    m ? `peak memory    ${formatBytes(m.peak)} of ${formatBytes(m.capacity)} per device${m.outOfMemory ? `  — OUT OF MEMORY: needs ${formatBytes(m.peak)}, the device has ${formatBytes(m.capacity)}` : ''}` : '',
    r.memory.validation ? `validated      peak memory ${r.memory.validation.text}; see ${r.memory.validation.table}` : '',
    m ? table(['at peak', 'bytes'], Object.entries(m.atPeak).map(([k, v]) => [k, formatBytes(v)])) : '',
    table(['axis', 'communication'], Object.entries(r.time.perAxis).map(([k, v]) => [k, formatSeconds(v)])),
    stagesText(r),
    r.pipeline ? pipelineText(r.pipeline) : '',
    collectivesText(r),
  ];
  return lines.filter(Boolean).join('\n\n');
}
