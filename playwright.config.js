// Browser tests of the page (tests/browser/*.spec.js) in the Debian Chromium, headless.
// The server is scripts/serve.mjs on 127.0.0.1:8123 (reused if one is already running there).
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: './tests/browser',
  testMatch: '**/*.spec.js',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: 'http://127.0.0.1:8123/',
    viewport: { width: 1400, height: 1000 },
    browserName: 'chromium',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  webServer: {
    command: 'node scripts/serve.mjs --port 8123',
    url: 'http://127.0.0.1:8123/',
    reuseExistingServer: true,
    timeout: 30_000,
  },
});
