/** `vite preview` of the built app for the browser benchmarks: start it, wait until it answers, stop it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

export async function startPreview(port: number): Promise<ChildProcess> {
  const base = `http://127.0.0.1:${port}`;
  // detached: the preview gets its own process group, so stopPreview ends npx and vite together
  const server = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { stdio: 'ignore', detached: true });
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(base)).ok) return server;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`vite preview did not start on ${base}`);
}

export function stopPreview(server: ChildProcess): void {
  try {
    if (server.pid) process.kill(-server.pid);
  } catch {
    // The preview's process group has already exited: nothing left to stop.
  }
}

/**
 * Runs `body` against a preview of dist/ on `port` in a headless Chromium, then stops both whatever
 * `body` did, so a failed bench leaves no server behind.
 */
export async function withPreviewBrowser(port: number, body: (browser: Browser) => Promise<void>): Promise<void> {
  const server = await startPreview(port);
  try {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
    });
    try {
      await body(browser);
    } finally {
      await browser.close();
    }
  } finally {
    stopPreview(server);
  }
}

/** Runs a bench's entry: a failure prints one line and exits 1 (a bench is read by people, not parsed). */
export function runBench(main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  });
}
