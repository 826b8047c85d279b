/**
 * Fuzzing with hostile input (issue 11): long and deep inputs, names that are keys of
 * Object.prototype, control characters, `\r`, U+2028, HTML. Every entry point that takes text from
 * someone else (a link, a config, tactic text, a module) must answer with a value or a UserError —
 * never another exception (a RangeError from the stack, a TypeError from a reserved name). Sized to
 * run in well under a minute; `npm run bench:hostile` measures the same classes at full size.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isUserError } from './errors';
import type { Config } from './io/config';
import { readLink } from './io/link';
import { encodeComparison, encodeConfig } from './io/url';
import { validateConfig } from './io/validate';
import { importStableHlo } from './io/stablehlo/import';
import { exportJax } from './io/export/jax';
import { exportMarkdown } from './io/export/markdown';
import { runPipeline } from './pipeline';
import { compileGlob } from './tactics/glob';
import { parseTactics } from './tactics/parser';
import { resolveTactics } from './tactics/resolve';
import { tinyTransformer } from './tactics/__fixtures__/programs';

/** Runs `f`; a UserError is an answer, anything else thrown fails the property. */
function answers<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (isUserError(e)) return undefined;
    throw e;
  }
}

const RESERVED = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', '__defineGetter__', 'isPrototypeOf'];

/** Characters that end lines, strings, comments or markup somewhere. */
const nasty = fc.constantFrom('\r', '\n', '\u2028', '\u2029', '\u0085', '\0', '\x1b', '"', "'", '\\', '`', '<script>', '</', '&', '|', '#', '*', '${', '\ud800', '😀');

/** A string mixing any code unit, nasty characters and reserved names, sometimes very long. */
const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.array(fc.oneof(nasty, fc.constantFrom(...RESERVED), fc.string({ maxLength: 4 })), { maxLength: 30 }).map((p) => p.join('')),
  fc.tuple(fc.constantFrom('a', '*', '[', '(', '{', '"', '\r', '_'), fc.integer({ min: 1000, max: 60_000 })).map(([c, n]) => c.repeat(n)),
);

/** Deeply nested text: `depth` openers, maybe closed. */
const deep = (openers: string[], closers: string[]) => fc.tuple(fc.integer({ min: 0, max: openers.length - 1 }), fc.integer({ min: 50, max: 30_000 }), fc.boolean())
  .map(([k, n, closed]) => openers[k].repeat(n) + (closed ? closers[k].repeat(n) : ''));

const T = tinyTransformer();
const MESH = { axes: [{ name: 'batch', size: 4 }, { name: 'model', size: 2 }] };

const tinyConfig = (over: Partial<Config> = {}): Config => ({
  version: 1,
  model: { zoo: 'mlp', params: { layers: 2, batch: 8, dModel: 8, dHidden: 16 } },
  mesh: { axes: [{ name: 'batch', size: 2 }, { name: 'model', size: 2 }] },
  hardware: { preset: 'tpu-v5p' },
  tactics: 'BP = BatchParallel(axis="batch")\nschedule = [BP]\n',
  options: {},
  ...over,
});

describe('fuzz: tactic text', () => {
  it('deep, long and control-character text parses and resolves to diagnostics, never a throw', () => {
    const text = fc.oneof(
      hostileText,
      deep(['[', 'f(', '{"a": ', '(['], [']', ')', '}', '])']).map((d) => `X = ${d}\nschedule = [X]\n`),
      fc.tuple(hostileText, hostileText).map(([a, b]) => `${a} = BatchParallel(axis="${b}")\nschedule = [${a}]\n`),
      fc.integer({ min: 1, max: 3000 }).map((n) => Array.from({ length: n }, (_, i) => `T${i} = BatchParallel(axis="batch")`).join('\n')),
    );
    fc.assert(fc.property(text, (t) => {
      const p = parseTactics(t);
      for (const d of p.diagnostics) expect(d.range?.line ?? 1).toBeGreaterThanOrEqual(1);
      const r = resolveTactics(t, T, MESH);
      expect(Array.isArray(r.diagnostics)).toBe(true);
    }), { numRuns: 150 });
  });

  it('globs of many stars against deep paths: decided, without backtracking', () => {
    const glob = fc.array(fc.constantFrom('*', '**', '?', 'a', '/', 'layer_', '*a', 'x'), { maxLength: 400 }).map((p) => p.join(''));
    const path = fc.array(fc.constantFrom('a', 'aa', 'layer_1', 'x', 'b'), { minLength: 1, maxLength: 200 }).map((p) => p.join('/'));
    fc.assert(fc.property(glob, path, (g, p) => {
      expect(typeof compileGlob(g)(p)).toBe('boolean');
    }), { numRuns: 300 });
  });
});

describe('fuzz: links', () => {
  it('any fragment, #example= value or whole URL gives a config or a message', () => {
    const input = fc.oneof(
      hostileText,
      hostileText.map((s) => `#example=${s}`),
      fc.string({ unit: fc.constantFrom('%', 'E', '0', 'A', '4', 'g'), maxLength: 30 }).map((s) => `https://x.test/#example=${s}`),
      fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), maxLength: 400 }).map((s) => `c1.${s}`),
      fc.tuple(hostileText, hostileText).map(([a, b]) => `c1.${a}&b=${b}`),
    );
    fc.assert(fc.property(input, (s) => {
      const r = readLink(s);
      if (!r.ok) {
        expect(r.error.length).toBeGreaterThan(0);
        expect(r.error.length).toBeLessThan(400);
      }
    }), { numRuns: 500 });
  });

  it('a config with hostile tactic text and reserved axis names survives the link round trip', () => {
    const axis = fc.oneof(fc.constantFrom(...RESERVED.filter((n) => /^[A-Za-z_]\w*$/.test(n))), fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/));
    fc.assert(fc.property(hostileText, axis, (tactics, name) => {
      const c = tinyConfig({ tactics, mesh: { axes: [{ name, size: 2 }] }, hardware: { preset: 'tpu-v5p', links: { [name]: 'ici' } } });
      const r = readLink(`#${encodeComparison(c, c)}`);
      expect(r).toEqual({ ok: true, kind: 'compare', config: c, b: c });
      expect(readLink(encodeConfig(c))).toMatchObject({ ok: true, config: c });
    }), { numRuns: 150 });
  });
});

describe('fuzz: configs', () => {
  it('deep, huge and reserved-key JSON validates or is refused with a UserError', () => {
    const key = fc.oneof(fc.constantFrom(...RESERVED), hostileText);
    const json = fc.oneof(
      deep(['[', '{"a":'], [']', '}']).map((d) => `{"version":1,"model":${d}}`),
      fc.tuple(key, fc.oneof(fc.integer(), hostileText.map((s) => JSON.stringify(s)), deep(['['], [']']))).map(([k, v]) => `{"version":1,"model":{"zoo":"mlp","params":{${JSON.stringify(k)}:${v}}},"mesh":{"axes":[{"name":"b","size":2}]}}`),
      fc.tuple(key, fc.double()).map(([k, v]) => `{"version":1,"model":{"zoo":"mlp"},"mesh":{"axes":[{"name":"b","size":2}]},"hardware":{"preset":"tpu-v5p","overrides":{${JSON.stringify(k)}:${Number.isFinite(v) ? v : 1}}}}`),
      fc.tuple(key, key).map(([a, b]) => `{"version":1,"model":{"zoo":"mlp"},"mesh":{"axes":[{"name":${JSON.stringify(a)},"size":2}]},"hardware":{"preset":"tpu-v5p","links":{${JSON.stringify(b)}:"ici"}}}`),
    );
    fc.assert(fc.property(json, (text) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return; // unclosed brackets: not JSON, which the callers report as such
      }
      answers(() => validateConfig(parsed));
    }), { numRuns: 300 });
  });

  it('reserved axis names run through the pipeline and the exports like any name', () => {
    const names = fc.uniqueArray(fc.constantFrom(...RESERVED.filter((n) => /^[A-Za-z_]\w*$/.test(n)), 'batch', 'model'), { minLength: 1, maxLength: 3 });
    fc.assert(fc.property(names, fc.boolean(), (axes, links) => {
      const config = validateConfig(JSON.parse(JSON.stringify(tinyConfig({
        mesh: { axes: axes.map((name) => ({ name, size: 2 })) },
        hardware: links ? { preset: 'tpu-v5p', links: Object.fromEntries(axes.map((a) => [a, 'ici'])) } : { preset: 'tpu-v5p' },
        tactics: `BP = BatchParallel(axis=${JSON.stringify(axes[0])})\nschedule = [BP]\n`,
      }))) as unknown);
      const result = runPipeline(config);
      expect(Object.keys(result.report.time.perAxis)).toEqual(axes);
      expect(Number.isFinite(result.report.time.step)).toBe(true);
      expect(exportJax(result, config)).toMatch(/^[\x20-\x7e\n]*$/);
      expect(exportMarkdown(result.report, config)).not.toMatch(/[<>\r\u2028]/);
    }), { numRuns: 25 });
  });
});

describe('fuzz: StableHLO modules', () => {
  const wrap = (name: string, body: string) =>
    `module @${name} {\n  func.func public @main(%arg0: tensor<4xf32>) -> tensor<4xf32> {\n${body}\n    return %arg0 : tensor<4xf32>\n  }\n}\n`;
  it('hostile names, deep nesting and long constants import or give diagnostics with a place', () => {
    const name = hostileText.map((s) => `"${s.replace(/"/g, '')}"`);
    const body = fc.oneof(
      deep(['({', '[', '(', '{', '<', 'loc(callsite('], ['})', ']', ')', '}', '>', ' at "b"))']).map((d) => `    %0 = "stablehlo.foo"(%arg0) ${d} : (tensor<4xf32>) -> tensor<4xf32>`),
      fc.integer({ min: 1, max: 30_000 }).map((n) => `    %0 = stablehlo.constant dense<[${Array(n).fill('1.0').join(', ')}]> : tensor<${n}xf32>`),
      hostileText.map((s) => `    %0 = stablehlo.add %arg0, %arg0 : tensor<4xf32> loc(${JSON.stringify(s)})`),
    );
    fc.assert(fc.property(name, body, (n, b) => {
      const r = importStableHlo(wrap(n, b));
      if (!r.ok) for (const d of r.diagnostics) expect(d.message.length).toBeGreaterThan(0);
    }), { numRuns: 80 });
  });
});
