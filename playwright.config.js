// Browser tests of the page (tests/browser/*.spec.js) in the Debian Chromium, headless.
// The server is scripts/serve.mjs on 127.0.0.1, port $BP_TEST_PORT (scripts/test.sh picks a free
// one) or 8123. It is never reused: a server left running from another checkout would otherwise
// be tested in place of this tree.
import { defineConfig } from '@playwright/test';
import { CHROMIUM_PATH, CHROMIUM_ARGS } from './scripts/chromium.mjs';

const port = Number(process.env.BP_TEST_PORT) || 8123;
// $BP_TEST_OUTPUT: where results and traces go (test-results/ by default), so two runs side by
// side can keep theirs apart.
const outputDir = process.env.BP_TEST_OUTPUT || 'test-results';

export default defineConfig({
  testDir: './tests/browser',
  testMatch: '**/*.spec.js',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir,
  use: {
    baseURL: `http://127.0.0.1:${port}/`,
    viewport: { width: 1400, height: 1000 },
    browserName: 'chromium',
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    },
  },
  webServer: {
    command: `node scripts/serve.mjs --port ${port}`,
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: false,
    timeout: 30_000,
  },
});
