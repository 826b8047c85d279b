#!/usr/bin/env node
/**
 * `npm run -s cli`: runs the bundled CLI (dist-cli/cli.mjs, built by vite.cli.config.ts), building it
 * first when it is missing or older than a source it bundles, so a fresh clone and an edited checkout
 * both work. The build's output goes to stderr, never stdout, so `--json` still prints one document.
 * PARTIR_CLI_DIR overrides where the bundle lives (tests build into a temporary directory).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = process.env.PARTIR_CLI_DIR ?? join(root, 'dist-cli');
const bundle = join(outDir, 'cli.mjs');

const mtime = (path) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
};

/** The newest modification time of what the bundle is built from: the CLI's and core's sources and the build config. */
function newestSource() {
  let newest = Math.max(mtime(join(root, 'vite.cli.config.ts')), mtime(join(root, 'package-lock.json')));
  for (const dir of ['src/cli', 'src/core']) {
    for (const f of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (f.isFile() && /\.tsx?$/.test(f.name) && !/\.test\.tsx?$/.test(f.name)) {
        newest = Math.max(newest, mtime(join(f.parentPath ?? f.path, f.name)));
      }
    }
  }
  return newest;
}

function build() {
  process.stderr.write('building the CLI bundle (first use or sources changed)…\n');
  // Built beside the target and renamed into place, so concurrent calls never read a half-written file.
  const tmp = join(outDir, `.build-${process.pid}`);
  mkdirSync(outDir, { recursive: true });
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '-c', join(root, 'vite.cli.config.ts')], {
    cwd: root, stdio: ['ignore', 2, 2], env: { ...process.env, CLI_OUT_DIR: tmp },
  });
  if (r.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    process.stderr.write('internal error: building the CLI bundle failed (see above)\n');
    process.exit(2);
  }
  renameSync(join(tmp, 'cli.mjs'), bundle);
  rmSync(tmp, { recursive: true, force: true });
}

if (mtime(bundle) < newestSource()) build();
await import(pathToFileURL(bundle).href);
