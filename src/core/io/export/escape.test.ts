/**
 * Hostile names through every export. A name comes from someone else's link or module; whatever it
 * holds (quotes, backslashes, `\r`, U+2028, NUL, HTML), the export must say the same thing as with a
 * plain name: the same Python code with the name inside a literal, the same Markdown lines and cells,
 * MLIR strings that read back as the name.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Config } from '../config';
import { lex } from '../stablehlo/lexer';
import { runPipeline, type PipelineResult } from '../../pipeline';
import { exportJax } from './jax';
import { exportMarkdown } from './markdown';
import { sdyMesh, sdySharding } from './sdy';
import { mdCode, mdText, mlirString, pyKeyString, pyString, pyText } from './escape';
import { BP_MP_Z3, tinyTransformerConfig } from './fixtures';

/** Names built to break things: quotes, escapes, every kind of line break, markup, reserved keys. */
export const hostileName = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.array(
      fc.constantFrom('\r', '\n', '\r\n', '\u2028', '\u2029', '\u0085', '\v', '\f', '\0', '\x1b', '"', "'", '"""', '\\', '\\x41',
        '#', '`', '|', '*', '_', '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '&amp;', '${x}', '__proto__',
        'constructor', 'toString', 'import os; os.system("x")', '\ud83d\ude00', '\ud800', 'é', 'a', ' '),
      { maxLength: 12 },
    ).map((parts) => parts.join('')),
  );

// ------------------------------------------------------------ a reader for Python's lexical rules

/** Python's escapes in a non-raw string literal (the ones the exporter writes, and the simple ones). */
function pyDecode(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') { out += c; continue; }
    const n = body[++i];
    const hexOf = (len: number) => {
      const h = body.slice(i + 1, i + 1 + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(h)) throw new Error(`bad \\${n} escape`);
      i += len;
      return parseInt(h, 16);
    };
    if (n === 'n') out += '\n';
    else if (n === 'r') out += '\r';
    else if (n === 't') out += '\t';
    else if (n === 'x') out += String.fromCharCode(hexOf(2));
    else if (n === 'u') out += String.fromCharCode(hexOf(4));
    else if (n === 'U') out += String.fromCodePoint(hexOf(8));
    else if (n === '\\' || n === "'" || n === '"') out += n;
    else throw new Error(`escape \\${n} the exporter never writes`);
  }
  return out;
}

/**
 * Splits Python source the way Python's tokenizer does for strings and comments (line breaks are
 * `\r`, `\n` and `\r\n`): returns the code with every string literal replaced by `S` and comments
 * removed, and the decoded literals. Throws where Python would raise a SyntaxError (a line break
 * inside a one-quote string, an unterminated string, a NUL).
 */
function pySkeleton(src: string): { code: string; literals: string[] } {
  let code = '';
  const literals: string[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '\0') throw new Error('NUL in source');
    if (c === '#') {
      while (i < src.length && src[i] !== '\n' && src[i] !== '\r') i++;
    } else if (c === '"' || c === "'") {
      const triple = src.startsWith(c.repeat(3), i);
      const q = triple ? c.repeat(3) : c;
      let j = i + q.length;
      let body = '';
      for (;;) {
        if (j >= src.length) throw new Error(`unterminated string at ${i}`);
        if (src.startsWith(q, j)) break;
        if (!triple && (src[j] === '\n' || src[j] === '\r')) throw new Error(`line break inside a string at ${j}`);
        if (src[j] === '\\') { body += src.slice(j, j + 2); j += 2; continue; }
        body += src[j++];
      }
      literals.push(pyDecode(body));
      code += 'S';
      i = j + q.length;
    } else {
      code += c === '\r' ? '\n' : c;
      i++;
    }
  }
  return { code, literals };
}

// ------------------------------------------------------------ names planted in a pipeline result

interface Planted {
  moduleName: string;
  leaf: string;
  tactic: string;
}

/**
 * A copy of `base` whose module name, the last path segment of the first input and of an
 * intermediate, and first stage's tactic name are `names` (`/` is a path separator, so it is left out
 * of path segments).
 */
function plant(base: PipelineResult, names: Planted): PipelineResult {
  const p = base.program;
  const leaf = names.leaf.replace(/\//g, '');
  const values = p.values.map((v) => ({ ...v }));
  const rename = (id: number) => {
    const n = values[id].name;
    if (n !== undefined) values[id].name = `${n.slice(0, n.lastIndexOf('/') + 1)}${leaf}`;
  };
  rename(p.inputs[0]);
  const seeded = base.partition.stages.flatMap((s) => s.seeded.map((x) => x.value)).find((v) => p.values[v].def >= 0 && p.values[v].name !== undefined);
  if (seeded !== undefined) rename(seeded);
  const stages = base.partition.stages.map((s, k) => (k === 0 ? { ...s, tactic: names.tactic } : s));
  const reportStages = base.report.stages.map((s, k) => (k === 0 ? { ...s, tactic: names.tactic } : s));
  return {
    ...base,
    program: { ...p, name: names.moduleName, values },
    partition: { ...base.partition, stages },
    report: { ...base.report, model: { ...base.report.model, name: names.moduleName }, stages: reportStages },
  };
}

const config: Config = tinyTransformerConfig(BP_MP_Z3);
const base = runPipeline(config);
const plain: Planted = { moduleName: 'm', leaf: 'w', tactic: 'T' };

describe('escape rules', () => {
  it('Python literals read back as the name and hold only printable ASCII', () => {
    fc.assert(fc.property(hostileName(), (s) => {
      for (const lit of [pyString(s), pyKeyString(s)]) {
        expect(lit).toMatch(/^[\x20-\x7e]*$/);
        const { code, literals } = pySkeleton(lit);
        expect(code).toBe('S');
        // a lone surrogate reads back as itself; fromCodePoint joins a \U escape back into a pair
        expect(literals[0]).toBe(s);
      }
    }), { numRuns: 500 });
  });

  it('Python comment text cannot end the line or a docstring', () => {
    fc.assert(fc.property(hostileName(), (s) => {
      const t = pyText(s);
      expect(t).toMatch(/^[\x20-\x7e]*$/);
      expect(t).not.toContain('"""');
      expect(pySkeleton(`# ${t}\nx = 1\n`).code).toBe('\nx = 1\n');
      expect(pySkeleton(`"""${t}"""`).literals).toEqual([s]);
    }), { numRuns: 500 });
  });

  it('MLIR strings lex back as the name', () => {
    fc.assert(fc.property(hostileName(), (s) => {
      const lit = mlirString(s);
      expect(lit).toMatch(/^[\x20-\x7e]*$/);
      const toks = lex(lit);
      expect(toks.map((t) => t.kind)).toEqual(['str', 'eof']);
      // a lone surrogate has no UTF-8 form: it comes back as U+FFFD, as in MLIR
      expect(toks[0].text).toBe(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
    }), { numRuns: 500 });
  });

  it('Markdown text has no markup, no HTML and no line break', () => {
    fc.assert(fc.property(hostileName(), (s) => {
      expect(mdText(s)).not.toMatch(/[<>\r\n\u2028\u2029\u0085\0]/);
      // inside a code span HTML is shown, not rendered: only line breaks must go, and the fence must hold
      const code = mdCode(s);
      expect(code).not.toMatch(/[\r\n\u2028\u2029\u0085\0]/);
      const fence = /^`+/.exec(code)![0];
      expect(code.slice(fence.length, -fence.length)).not.toContain(fence);
      // every `|` and backtick is escaped, so a table cell stays one cell
      expect(mdText(s).replace(/\\./g, '')).not.toMatch(/[|`*_[\]~#\\]/);
    }), { numRuns: 500 });
  });
});

describe('exports with hostile names', () => {
  const plainJax = pySkeleton(exportJax(plant(base, plain), config));
  const plainMd = exportMarkdown(plant(base, plain).report, config);

  it('JAX: the same code as with plain names, each name only inside a literal that reads back as it', () => {
    fc.assert(fc.property(hostileName(), hostileName(), hostileName(), (moduleName, leaf, tactic) => {
      const text = exportJax(plant(base, { moduleName, leaf, tactic }), config);
      // printable ASCII and \n: Python sees exactly the lines the exporter wrote
      expect(text).toMatch(/^[\x20-\x7e\n]*$/);
      const { code, literals } = pySkeleton(text);
      expect(code).toBe(plainJax.code);
      expect(literals).toContain(leaf.replace(/\//g, ''));
    }), { numRuns: 60 });
  });

  it('Markdown: the same lines and table cells as with plain names, and no HTML', () => {
    const cells = (md: string) => md.split('\n').map((l) => l.replace(/\\./g, '').split('|').length);
    fc.assert(fc.property(hostileName(), hostileName(), (moduleName, tactic) => {
      const md = exportMarkdown(plant(base, { moduleName, leaf: 'w', tactic }).report, config);
      expect(md).not.toMatch(/[<>\r\u2028\u2029\0]/);
      expect(cells(md)).toEqual(cells(plainMd));
    }), { numRuns: 100 });
  });

  it('sdy: mesh and sharding attributes lex back to the axis names', () => {
    fc.assert(fc.property(fc.uniqueArray(hostileName().filter((s) => !/[\ud800-\udfff]/.test(s) || /^(?:[^\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])*$/.test(s)), { minLength: 1, maxLength: 3 }), (names) => {
      const mesh = { axes: names.map((name) => ({ name, size: 2 })) };
      const text = `${sdyMesh(mesh)} ${sdySharding({ dims: [names], partial: [] }, mesh)}`;
      expect(text).toMatch(/^[\x20-\x7e]*$/);
      const strs = lex(text).filter((t) => t.kind === 'str').map((t) => t.text);
      expect(strs).toEqual([...names, ...names]);
    }), { numRuns: 200 });
  });
});

describe('the StableHLO lexer refuses control characters in names', () => {
  it.each([['\r', 'U+000D'], ['\u2028', 'U+2028'], ['\0', 'U+0000']])('%j in @"…" is a syntax error naming the character and its place', (ch, code) => {
    expect(() => lex(`module @"m${ch}import os" {\n}`)).toThrow(new RegExp(`^1:11: .*${code.replace('+', '\\+')}`));
  });
});
