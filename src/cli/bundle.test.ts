import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Config } from '../core/io/config';
import { COMMANDS } from './commands';

// The launcher behind `npm run -s cli` (scripts/cli.mjs) and the bundle it builds (vite.cli.config.ts).
const dir = mkdtempSync(join(tmpdir(), 'partir-cli-bundle-'));
const bundleDir = join(dir, 'bundle');
const configFile = join(dir, 'tiny.json');
const tiny: Config = {
  version: 1,
  model: { zoo: 'mlp', params: { layers: 2, dModel: 16, dHidden: 32, batch: 4 } },
  mesh: { axes: [{ name: 'batch', size: 2 }, { name: 'model', size: 2 }] },
  hardware: { preset: 'tpu-v4' },
  tactics: 'BP = BatchParallel(axis="batch")\nMP = Megatron(axis="model")\nschedule = [BP, MP]\n',
};
writeFileSync(configFile, JSON.stringify(tiny));

const launch = (...args: string[]) =>
  spawnSync(process.execPath, ['scripts/cli.mjs', ...args], { encoding: 'utf8', env: { ...process.env, PARTIR_CLI_DIR: bundleDir } });

describe('the bundled CLI', () => {
  it('is built on first use, then reused, and prints what the sources compute', { timeout: 30_000 }, async () => {
    expect(existsSync(join(bundleDir, 'cli.mjs'))).toBe(false);
    const first = launch('partition', configFile, '--json');
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/building the CLI bundle/);
    expect(existsSync(join(bundleDir, 'cli.mjs'))).toBe(true);
    const expected = (await COMMANDS.partition.run([configFile])).json;
    expect(JSON.parse(first.stdout)).toEqual(JSON.parse(JSON.stringify(expected)));

    const second = launch('partition', configFile, '--json');
    expect(second.status).toBe(0);
    expect(second.stderr).toBe('');
    expect(second.stdout).toBe(first.stdout);
  });

  it('keeps the exit codes: 1 and one line on stderr for a user error', { timeout: 30_000 }, () => {
    const bad = launch('describe', join(dir, 'missing.json'));
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n').filter((l) => !/building the CLI bundle/.test(l))).toHaveLength(1);
    expect(bad.stderr).toMatch(/cannot read config file/);
  });
});
