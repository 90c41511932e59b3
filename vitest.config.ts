import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    environment: 'happy-dom',
    environmentOptions: {
      happyDOM: {
        url: 'https://shop.example.com/products/1',
        // happy-dom never fetches <script src>; by default it fires `error` synchronously on insertion.
        // Loader tests flip `handleDisabledFileLoadingAsSuccess` to get `load` instead.
        settings: { handleDisabledFileLoadingAsSuccess: false },
      },
    },
    restoreMocks: true,
    // Console output of passing tests is noise (the tests assert log lines through recording sinks).
    silent: 'passed-only',
    // happy-dom reports every <script src> it refuses to fetch; that refusal is the test setup, not news.
    onConsoleLog: (log) => !log.includes('JavaScript file loading is disabled'),
    unstubGlobals: true,
  },
});
