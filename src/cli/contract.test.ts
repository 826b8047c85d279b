/** The CLI contract on hostile input: exit 1 and one line on stderr for every user error, JSON with --json. */
import { deflateSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { tempFiles } from './tempFiles';
import type { Config } from '../core/io/config';
import { encodeComparison, toBase64Url } from '../core/io/url';
import { GALLERY } from '../core/models/gallery';
import { runCli, type CliResult } from './run';

const { file } = tempFiles('partir-contract-');

const tiny: Config = {
  version: 1,
  model: { zoo: 'mlp', params: {} },
  mesh: { axes: [{ name: 'batch', size: 2 }, { name: 'model', size: 2 }] },
  hardware: { preset: 'tpu-v5p' },
  tactics: 'BP = BatchParallel(axis="batch")\nschedule = [BP]\n',
  options: {},
};

/** A user error: exit 1, exactly one line on stderr, no stack; with --json one JSON document on stdout. */
function expectUserError(r: CliResult, message: RegExp, json: boolean): void {
  expect(r.code).toBe(1);
  expect(r.stderr.endsWith('\n')).toBe(true);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  if (json) expect(() => JSON.parse(r.stdout) as unknown).not.toThrow();
}

describe('the CLI contract', () => {
  it('a broken tactic with --json: the report on stdout, one line on stderr, exit 1', async () => {
    const f = file('broken.json', { ...tiny, tactics: 'BP = BatchParallel(axis="nope")\nschedule = [BP]\n' });
    for (const cmd of ['partition', 'simulate']) {
      const r = await runCli([cmd, f, '--json']);
      expectUserError(r, /^error: tactics 1:\d+: unknown mesh axis "nope"/, true);
      expect(JSON.parse(r.stdout)).toHaveProperty('diagnostics');
    }
  });

  it('--json with no command prints JSON, not usage text', async () => {
    const r = await runCli(['--json']);
    expectUserError(r, /^error: no command given/, true);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'usage' } });
    expectUserError(await runCli([]), /^error: no command given/, false);
    expect(JSON.parse((await runCli(['help', '--json'])).stdout)).toHaveProperty('commands');
  });

  it('an unknown command, even one named like a built-in key, is one line', async () => {
    for (const name of ['nope', 'constructor', '__proto__', 'toString']) expectUserError(await runCli([name, '--json']), new RegExp(`unknown command "${name}"`), true);
  });

  it('url decode reads the compare and gallery links the app makes', async () => {
    const b = { ...tiny, tactics: '' };
    const compare = await runCli(['url', 'decode', `http://localhost:5173/#${encodeComparison(tiny, b)}`, '--json']);
    expect(compare.code).toBe(0);
    expect(JSON.parse(compare.stdout)).toEqual({ a: tiny, b });
    const g = GALLERY[0];
    const example = await runCli(['url', 'decode', `#example=${g.id}`, '--json']);
    expect(example.code).toBe(0);
    expect(JSON.parse(example.stdout)).toEqual(g.config);
    expectUserError(await runCli(['url', 'decode', 'https://x/#example=%E0%A4%A']), /not valid percent-encoding/, false);
  });

  it('url decode refuses a DEFLATE bomb as too large', async () => {
    const bomb = `c1.${toBase64Url(deflateSync(strToU8(`{"version":1,"tactics":"${' '.repeat(32 * 1024 * 1024)}"}`), { level: 9 }))}`;
    expectUserError(await runCli(['url', 'decode', bomb, '--json']), /this link expands past the limit/, true);
    // a link too long for a command-line argument is read from a file
    expectUserError(await runCli(['url', 'decode', `@${file('bomb.txt', `https://x.test/#${bomb}\n`)}`]), /this link expands past the limit/, false);
  });

  it.each([
    ['a config nested 200,000 deep', () => `{"version":1,"model":${'['.repeat(200_000)}${']'.repeat(200_000)}}`, /model: must be an object/],
    ['a denormal bandwidth', () => ({ ...tiny, hardware: { preset: 'tpu-v5p', overrides: { iciBandwidth: 5e-324 } } }), /iciBandwidth: 5e-324 is outside the physical range/],
    ['a model past the input limit (layers=100000)', () => ({ ...tiny, model: { zoo: 'transformer', params: { layers: 100_000 } } }), /more than 20,000 inputs/],
    ['a model past the op limit (layers=300)', () => ({ ...tiny, model: { zoo: 'transformer', params: { layers: 300 } } }), /more than 100,000 ops/],
    ['tactics nested 5,000 deep', () => ({ ...tiny, tactics: `X = ${'['.repeat(5000)}${']'.repeat(5000)}\n` }), /^error: tactics 1:\d+: brackets nest deeper than 100/],
  ])('%s: exit 1 and one line', async (_name, content, message) => {
    const f = file('hostile.json', content());
    expectUserError(await runCli(['simulate', f, '--json']), message, true);
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])('an axis named %s with hardware.links runs (exit 0)', async (axis) => {
    const config = JSON.parse(JSON.stringify({ ...tiny, tactics: tiny.tactics.replace('"batch"', JSON.stringify(axis)) })
      .replace('"name":"batch"', `"name":${JSON.stringify(axis)}`)
      .replace('"hardware":{', `"hardware":{"links":{${JSON.stringify(axis)}:"ici"},`)) as unknown;
    const r = await runCli(['simulate', file('reserved.json', config), '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(Object.keys((JSON.parse(r.stdout) as { time: { perAxis: object } }).time.perAxis)).toEqual([axis, 'model']);
  });
});
