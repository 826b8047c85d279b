/**
 * The CLI as one bundled ES module (`dist-cli/cli.mjs`), so a call costs a Node start plus the pipeline
 * instead of transpiling every source through tsx. `scripts/cli.mjs` runs it and rebuilds it when a
 * source is newer (docs/tooling.md).
 */
import { defineConfig } from 'vite';

export default defineConfig({
  // the CLI needs none of the app's public/ assets
  publicDir: false,
  logLevel: 'warn',
  ssr: { noExternal: true, target: 'node' },
  build: {
    ssr: 'src/cli/main.ts',
    outDir: process.env.CLI_OUT_DIR ?? 'dist-cli',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: false,
    rollupOptions: { output: { entryFileNames: 'cli.mjs', format: 'es' } },
  },
});
