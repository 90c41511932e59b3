import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

/** Debian's Chromium when present (no browser can be downloaded here), else Playwright's own. */
const DEBIAN_CHROMIUM = '/usr/bin/chromium';
const PORT = Number(process.env.E2E_PORT ?? 4173);
/**
 * An ordinary desktop Chrome: headless Chromium's default user agent ("HeadlessChrome") is a bot to
 * klaviyo.js, which then tracks nothing (and so does our integration, by the same rule).
 */
export const DESKTOP_USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  timeout: 30_000,
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    userAgent: DESKTOP_USER_AGENT,
    trace: 'off',
    launchOptions: {
      executablePath: existsSync(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : undefined,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
  },
  projects: [
    { name: 'e2e', testIgnore: '**/perf.spec.ts' },
    // The main-thread measurement runs alone, after everything else, so other tests do not skew it.
    { name: 'perf', testMatch: '**/perf.spec.ts', dependencies: ['e2e'] },
  ],
  webServer: {
    command: `node demo/server.mjs`,
    env: { PORT: String(PORT) },
    url: `http://127.0.0.1:${PORT}/e2e/pages/blank.html`,
    reuseExistingServer: !process.env.CI,
    timeout: 20_000,
  },
});
