/** `vite preview` of the built app for the browser benchmarks: start it, wait until it answers, stop it. */
import { spawn, type ChildProcess } from 'node:child_process';

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
