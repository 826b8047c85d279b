/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  base: './',
  plugins: [react()],
  worker: { format: 'es' },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // A few times the slowest test's run on a loaded 2-core machine; slower tests set their own, beside them.
    testTimeout: 30_000,
  },
});
