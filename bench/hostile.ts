/**
 * Hostile input, measured (issue 11): per class of input, how many inputs were tried, the worst time
 * and the worst memory. Each case runs in its own Node process, so that its peak memory (maxRSS) is its
 * own; "memory" is that peak minus the peak of a process that only loads the modules.
 *
 *   npm run bench:hostile            # every case
 *   npm run bench:hostile -- links   # the cases of one class
 *
 * Times are wall-clock on this machine (the machine's load is printed; a loaded machine runs slower).
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Deflate, strToU8 } from 'fflate';
import fc from 'fast-check';
import { isUserError } from '../src/core/errors';
import type { Config } from '../src/core/io/config';
import { readLink } from '../src/core/io/link';
import { URL_CODEC_PREFIX, toBase64Url } from '../src/core/io/url';
import { validateConfig } from '../src/core/io/validate';
import { importStableHlo } from '../src/core/io/stablehlo/import';
import { exportJax } from '../src/core/io/export/jax';
import { exportMarkdown } from '../src/core/io/export/markdown';
import { mlirString } from '../src/core/io/export/escape';
import { buildProgram, runPipeline } from '../src/core/pipeline';
import { resolveTactics } from '../src/core/tactics/resolve';

interface Case {
  cls: string;
  name: string;
  /** Inputs this case tries. */
  inputs: number;
  /** Untimed preparation (building a bomb, a 96-layer program); its result goes to `run`. */
  setup?: () => unknown;
  run: (prepared: unknown) => string;
}

const RESERVED = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

const config = (over: Partial<Config>): Config => ({
  version: 1,
  model: { zoo: 'transformer', params: { layers: 2, dModel: 64, heads: 4, dFF: 256, seq: 32, vocab: 256, batch: 8 } },
  mesh: { axes: [{ name: 'batch', size: 4 }, { name: 'model', size: 2 }] },
  hardware: { preset: 'tpu-v5p' },
  tactics: 'BP = BatchParallel(axis="batch")\nMP = Megatron(axis="model")\nschedule = [BP, MP]\n',
  options: { overlap: true },
  ...over,
});

/** What a call gave: "ok", "refused: <message>" for a UserError or an error result; anything else propagates. */
function outcome(f: () => unknown): string {
  try {
    const r = f();
    if (r && typeof r === 'object' && 'ok' in r && r.ok === false) {
      const e = r as { error?: string; diagnostics?: { message: string }[] };
      return `refused: ${e.error ?? e.diagnostics?.[0]?.message ?? ''}`;
    }
    if (r && typeof r === 'object' && 'report' in r) {
      const d = (r as { report: { diagnostics: { severity?: string; message: string }[] } }).report.diagnostics.find((x) => x.severity !== 'warning');
      if (d) return `refused: ${d.message}`;
    }
    return 'ok';
  } catch (e) {
    if (isUserError(e)) return `refused: ${e.message}`;
    throw e;
  }
}

/** A link whose JSON inflates to `bytes`, built by streaming so that setup never holds the inflated text. */
function bombLink(bytes: number): string {
  const chunks: Uint8Array[] = [];
  const d = new Deflate({ level: 9 }, (c) => chunks.push(c));
  d.push(strToU8('{"version":1,"tactics":"'));
  const block = new Uint8Array(8 * 1024 * 1024).fill(32);
  for (let left = bytes; left > 0; left -= block.length) d.push(left >= block.length ? block : block.subarray(0, left));
  d.push(strToU8('"}'), true);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return URL_CODEC_PREFIX + toBase64Url(out);
}

const hostileNames = (n: number): string[] => fc.sample(fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(fc.constantFrom('\r', '\n', '\u2028', '\0', '"', "'", '"""', '\\', '#', '`', '|', '<script>alert(1)</script>', ...RESERVED), { maxLength: 10 }).map((p) => p.join('')),
), { numRuns: n, seed: 11 });

const wrapModule = (body: string, type = 'tensor<f32>') =>
  `module @m {\n  func.func public @main(%arg0: ${type}) -> ${type} {\n${body}\n  }\n}\n`;

const CASES: Case[] = [
  {
    cls: 'export injection', name: 'hostile module/leaf/tactic names through the JAX and Markdown exports', inputs: 200,
    setup: () => ({ result: runPipeline(config({})), names: hostileNames(200) }),
    run: (p) => {
      const { result, names } = p as { result: ReturnType<typeof runPipeline>; names: string[] };
      for (const name of names) {
        const planted = { ...result, program: { ...result.program, name }, report: { ...result.report, model: { ...result.report.model, name }, stages: result.report.stages.map((s) => ({ ...s, tactic: name })) } };
        if (!/^[\x20-\x7e\n]*$/.test(exportJax(planted, config({})))) throw new Error('JAX export holds a character outside printable ASCII');
        if (/[<>\r\u2028]/.test(exportMarkdown(planted.report, config({})))) throw new Error('Markdown export holds markup or a line break from a name');
      }
      return 'ok';
    },
  },
  {
    cls: 'export injection', name: 'MLIR string escapes of 10,000 hostile names', inputs: 10_000,
    setup: () => hostileNames(10_000),
    run: (names) => { for (const n of names as string[]) mlirString(n); return 'ok'; },
  },
  { cls: 'DEFLATE bombs', name: 'link inflating to 64 MiB', inputs: 1, setup: () => bombLink(64 * 2 ** 20), run: (l) => outcome(() => readLink(l as string)) },
  { cls: 'DEFLATE bombs', name: 'link inflating to 1.36 GiB (the issue\'s 1.9 M-character link)', inputs: 1, setup: () => bombLink(1.36 * 2 ** 30), run: (l) => `${outcome(() => readLink(l as string))} (the link has ${(l as string).length.toLocaleString('en-US')} characters)` },
  {
    cls: 'DEFLATE bombs', name: '1,000 random fragments and #example= values', inputs: 1000,
    setup: () => fc.sample(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: fc.constantFrom('%', 'E', '0', 'A', 'z'), maxLength: 20 }).map((s) => `#example=${s}`)), { numRuns: 1000, seed: 11 }),
    run: (xs) => { for (const x of xs as string[]) readLink(x); return 'ok'; },
  },
  { cls: 'DEFLATE bombs', name: '#example=%E0%A4%A', inputs: 1, run: () => outcome(() => readLink('#example=%E0%A4%A')) },
  {
    cls: 'catastrophic globs', name: '40 stars, 2-layer transformer', inputs: 1,
    setup: () => buildProgram(config({})),
    run: (p) => outcome(() => resolveTactics(`T = ManualPartition(inputs={"params/${'*'.repeat(40)}x": 0}, axis="batch")\nschedule = [T]\n`, p as ReturnType<typeof buildProgram>, config({}).mesh)),
  },
  {
    cls: 'catastrophic globs', name: '1,000 stars (and 1,000 "*a"), 96-layer transformer', inputs: 2,
    setup: () => buildProgram(config({ model: { zoo: 'transformer', params: { layers: 96 } } })),
    run: (p) => {
      const prog = p as ReturnType<typeof buildProgram>;
      const a = outcome(() => resolveTactics(`T = ManualPartition(inputs={"params/${'*'.repeat(1000)}/w_in": 0}, axis="batch")\nschedule = [T]\n`, prog, config({}).mesh));
      const b = outcome(() => resolveTactics(`T = ManualPartition(inputs={"params/${'*a'.repeat(1000)}*/w_in": 0}, axis="batch")\nschedule = [T]\n`, prog, config({}).mesh));
      return `${a}; ${b}`;
    },
  },
  ...RESERVED.flatMap((axis) => [false, true].map((links): Case => ({
    cls: 'reserved names', name: `axis "${axis}"${links ? ' with hardware.links' : ''}: validate + pipeline`, inputs: 1,
    run: () => outcome(() => {
      const json = JSON.stringify(config({ mesh: { axes: [{ name: axis, size: 4 }, { name: 'model', size: 2 }] }, tactics: `BP = BatchParallel(axis=${JSON.stringify(axis)})\nschedule = [BP]\n` }))
        .replace('"hardware":{', links ? `"hardware":{"links":{${JSON.stringify(axis)}:"ici","model":"ici"},` : '"hardware":{');
      const r = runPipeline(validateConfig(JSON.parse(json) as unknown));
      if (Object.keys(r.report.time.perAxis)[0] !== axis) throw new Error(`axis ${axis} missing from per-axis time`);
      return r;
    }),
  }))),
  { cls: 'reserved names', name: '"__proto__" in model.params', inputs: 1, run: () => outcome(() => runPipeline(validateConfig(JSON.parse(JSON.stringify(config({})).replace('"params":{', '"params":{"__proto__":1,')) as unknown))) },
  { cls: 'deep input', name: '5,000 nested brackets in tactic text', inputs: 1, run: () => outcome(() => runPipeline(config({ tactics: `X = ${'['.repeat(5000)}${']'.repeat(5000)}\n` }))) },
  { cls: 'deep input', name: 'config nested 200,000 deep', inputs: 1, setup: () => `{"version":1,"model":${'['.repeat(200_000)}${']'.repeat(200_000)}}`, run: (t) => outcome(() => validateConfig(JSON.parse(t as string) as unknown)) },
  {
    cls: 'deep input', name: '120,000-element dense constant', inputs: 1,
    setup: () => wrapModule(`    %0 = stablehlo.constant dense<[${Array.from({ length: 120_000 }, (_, i) => i % 7).join(', ')}]> : tensor<120000xf32>\n    %1 = stablehlo.add %arg0, %0 : tensor<120000xf32>\n    return %1 : tensor<120000xf32>`, 'tensor<120000xf32>'),
    run: (t) => outcome(() => importStableHlo(t as string)),
  },
  { cls: 'deep input', name: '20,000 nested regions', inputs: 1, setup: () => wrapModule(`    %0 = "stablehlo.foo"(%arg0) (${'({'.repeat(20_000)}${'})'.repeat(20_000)}) : (tensor<f32>) -> tensor<f32>\n    return %0 : tensor<f32>`), run: (t) => outcome(() => importStableHlo(t as string)) },
  { cls: 'deep input', name: '20,000 nested callsite locations', inputs: 1, setup: () => wrapModule(`    return %arg0 : tensor<f32> loc(${'callsite('.repeat(20_000)}"a"${' at "b")'.repeat(20_000)})`), run: (t) => outcome(() => importStableHlo(t as string)) },
  { cls: 'size bounds', name: 'transformer layers=96 (GPT-3 depth), BP+MP: allowed', inputs: 1, run: () => outcome(() => runPipeline(config({ model: { zoo: 'transformer', params: { layers: 96 } } }))) },
  { cls: 'size bounds', name: 'transformer layers=5000', inputs: 1, run: () => outcome(() => runPipeline(config({ model: { zoo: 'transformer', params: { layers: 5000 } } }))) },
  { cls: 'size bounds', name: 'transformer layers=100000', inputs: 1, run: () => outcome(() => runPipeline(config({ model: { zoo: 'transformer', params: { layers: 100_000 } } }))) },
  { cls: 'size bounds', name: 'transformer layers=300 (past the op limit)', inputs: 1, run: () => outcome(() => runPipeline(config({ model: { zoo: 'transformer', params: { layers: 300 } } }))) },
  { cls: 'size bounds', name: '45,000-character undefined tactic name next to a defined one', inputs: 1, run: () => outcome(() => runPipeline(config({ tactics: `${'Q'.repeat(45_000)}A = BatchParallel(axis="batch")\nschedule = [${'Q'.repeat(45_000)}B]\n` }))) },
  { cls: 'size bounds', name: '200,000-character tactic name (past the text limit)', inputs: 1, run: () => outcome(() => runPipeline(config({ tactics: `schedule = [${'Q'.repeat(200_000)}]\n` }))) },
  { cls: 'size bounds', name: '25,000 tactic definitions', inputs: 1, run: () => outcome(() => runPipeline(config({ tactics: Array.from({ length: 25_000 }, (_, i) => `T${i}=BatchParallel(axis="batch")`).join('\n') }))) },
  { cls: 'size bounds', name: '1,000 definitions (within the text and statement limits), no schedule', inputs: 1, run: () => outcome(() => runPipeline(config({ tactics: Array.from({ length: 1000 }, (_, i) => `T${i}=BatchParallel(axis="batch")`).join('\n') }))) },
  { cls: 'size bounds', name: 'iciBandwidth 5e-324', inputs: 1, run: () => outcome(() => runPipeline(config({ hardware: { preset: 'tpu-v5p', overrides: { iciBandwidth: 5e-324 } } }))) },
];

const self = fileURLToPath(import.meta.url);

function runOne(index: number): void {
  const c = CASES[index];
  const prepared = c.setup?.();
  const t0 = performance.now();
  let result: string;
  try {
    result = c.run(prepared);
  } catch (e) {
    result = `CRASH: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
  }
  const ms = performance.now() - t0;
  process.stdout.write(`${JSON.stringify({ ms, maxRssMiB: process.resourceUsage().maxRSS / 1024, result })}\n`);
}

function child(args: string[]): { ms: number; maxRssMiB: number; result: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, ...args], { encoding: 'utf8', maxBuffer: 1 << 24, timeout: 600_000 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as { ms: number; maxRssMiB: number; result: string };
  } catch {
    return { ms: NaN, maxRssMiB: NaN, result: `CRASH: exit ${r.status}${r.signal ? ` (${r.signal})` : ''}: ${r.stderr.trim().split('\n').slice(-1)[0] ?? ''}` };
  }
}

const fmtMs = (ms: number) => (ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`);
const short = (s: string) => (s.length > 110 ? `${s.slice(0, 107)}...` : s).replace(/\s+/g, ' ');

function main(): void {
  const [flag, arg] = process.argv.slice(2);
  if (flag === '--case') return runOne(Number(arg));
  if (flag === '--baseline') {
    process.stdout.write(`${JSON.stringify({ ms: 0, maxRssMiB: process.resourceUsage().maxRSS / 1024, result: 'ok' })}\n`);
    return;
  }
  const only = flag;
  const base = child(['--baseline']).maxRssMiB;
  console.log(`hostile input benchmark — Node ${process.version}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}; memory = peak RSS minus ${base.toFixed(0)} MiB of a process that only loads the modules`);
  const byClass = new Map<string, { inputs: number; worstMs: number; worstMs_case: string; worstMiB: number; worstMiB_case: string; crashes: number }>();
  CASES.forEach((c, i) => {
    if (only && !c.cls.startsWith(only)) return;
    const r = child(['--case', String(i)]);
    const mem = Math.max(0, r.maxRssMiB - base);
    console.log(`  [${c.cls}] ${c.name}: ${fmtMs(r.ms)}, ${mem.toFixed(0)} MiB — ${short(r.result)}`);
    const s = byClass.get(c.cls) ?? { inputs: 0, worstMs: 0, worstMs_case: '', worstMiB: 0, worstMiB_case: '', crashes: 0 };
    s.inputs += c.inputs;
    if (!(r.ms <= s.worstMs)) { s.worstMs = r.ms; s.worstMs_case = c.name; }
    if (mem > s.worstMiB) { s.worstMiB = mem; s.worstMiB_case = c.name; }
    if (r.result.startsWith('CRASH')) s.crashes++;
    byClass.set(c.cls, s);
  });
  console.log('\nclass                 inputs  worst time            worst memory  crashes');
  for (const [cls, s] of byClass) {
    console.log(`${cls.padEnd(20)} ${String(s.inputs).padStart(7)}  ${fmtMs(s.worstMs).padEnd(10)} ${`${s.worstMiB.toFixed(0)} MiB`.padStart(12)}  ${s.crashes}   (time: ${s.worstMs_case}; memory: ${s.worstMiB_case})`);
  }
}

main();
