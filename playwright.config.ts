import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

// PW_PORT lets several checkouts run their e2e side by side.
const PORT = Number(process.env.PW_PORT ?? 4173);
// Debian's chromium on these machines; elsewhere Playwright's own browser.
const debianChromium = '/usr/bin/chromium';

export default defineConfig({
  testDir: './e2e',
  timeout: 90_000,
  workers: 1,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    launchOptions: existsSync(debianChromium)
      ? {
          executablePath: debianChromium,
          args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
            '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
        }
      : {},
  },
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
