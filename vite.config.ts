/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  base: './',
  plugins: [react()],
  worker: { format: 'es' },
  test: {
    // A few times the slowest test's run on a loaded 2-core machine; slower tests set their own, beside them.
    testTimeout: 30_000,
    projects: [
      // core, worker, CLI and the UI's plain modules: Node, as they run in the worker and the CLI
      { extends: true, test: { name: 'node', include: ['src/**/*.test.ts'], environment: 'node' } },
      // React components: rendered into happy-dom's document
      { extends: true, test: { name: 'dom', include: ['src/ui/**/*.test.tsx'], environment: 'happy-dom' } },
    ],
  },
});
