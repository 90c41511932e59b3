// `npm run bench:vs-rudder`: our Klaviyo.min.js against RudderStack's own Klaviyo device-mode
// integration, side by side, on the same messages. Theirs is built from its public repository
// (rudderlabs/rudder-sdk-js at RUDDER_COMMIT) with its own toolchain, as their CDN's modern build:
// their rollup config, babel presets and plugins at the versions their package.json pins. Then:
//   - Node (happy-dom): ops/s per message and for the mix, medians of ROUNDS interleaved rounds;
//   - Chromium: evaluate, construct + init and 100 mixed calls, cold contexts, ours and theirs
//     alternating, medians and min–max of CHROMIUM_RUNS runs each.
// Both get the same `window.klaviyo`: a loaded klaviyo.js that knows the shopper and answers at once.
// Source: RUDDER_SDK_JS_DIR (a clone, or its .git directory), else a clone from GitHub; without either
// it prints a line saying so and exits 0. Reports; asserts nothing. docs/performance.md has the figures.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Window } from 'happy-dom';

const RUDDER_COMMIT = 'eecb517e6';
const REPO = 'https://github.com/rudderlabs/rudder-sdk-js';
const CACHE = resolve('node_modules/.cache/bench-vs-rudder', RUDDER_COMMIT);
const OURS = resolve('dist/Klaviyo.min.js');
const ROUNDS = Number(process.env.ROUNDS ?? 9);
const ROUND_MS = 250;
const CHROMIUM_RUNS = Number(process.env.CHROMIUM_RUNS ?? 9);
const DESKTOP_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
/** What their build needs from their package.json (names; the versions are theirs). */
const TOOLCHAIN = [
  '@babel/core',
  '@babel/preset-env',
  '@babel/preset-typescript',
  '@babel/plugin-transform-object-assign',
  'babel-plugin-transform-object-hasown',
  'core-js',
  '@rollup/plugin-alias',
  '@rollup/plugin-babel',
  '@rollup/plugin-commonjs',
  '@rollup/plugin-json',
  '@rollup/plugin-node-resolve',
  '@rollup/plugin-replace',
  '@rollup/plugin-terser',
  'dotenv',
  'rollup',
  'rollup-plugin-filesize',
  'rollup-plugin-polyfill-node',
  'rollup-plugin-typescript2',
  'rollup-plugin-visualizer',
  'typescript',
  'tslib',
  '@types/node',
];

const skip = (why) => {
  console.log(`bench:vs-rudder: skipped: ${why}`);
  process.exit(0);
};
const run = (cmd, args, cwd, env = {}) =>
  execFileSync(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });

/** Their Klaviyo.min.js, built once per commit into the cache. */
function buildTheirs() {
  const out = join(CACHE, 'packages/analytics-js-integrations/dist/cdn/modern/js-integrations/Klaviyo.min.js');
  if (existsSync(out)) return out;
  mkdirSync(CACHE, { recursive: true });
  let gitDir = process.env.RUDDER_SDK_JS_DIR;
  if (gitDir && existsSync(join(gitDir, '.git'))) gitDir = join(gitDir, '.git');
  if (!gitDir) {
    gitDir = join(CACHE, 'repo.git');
    try {
      if (!existsSync(gitDir)) run('git', ['clone', '--bare', '--filter=blob:none', REPO, gitDir], CACHE);
    } catch (error) {
      skip(`cannot fetch ${REPO} (${String(error.stderr ?? error).trim().split('\n').pop()}); set RUDDER_SDK_JS_DIR to a clone`);
    }
  }
  const paths = ['package.json', 'babel.config.json', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.paths.json', 'types'];
  paths.push('packages/analytics-js-integrations', 'packages/analytics-js-legacy-utilities', 'packages/analytics-js-common');
  try {
    const tar = run('git', ['--git-dir', gitDir, 'archive', RUDDER_COMMIT, ...paths], CACHE);
    execFileSync('tar', ['-x', '-C', CACHE], { input: tar });
  } catch (error) {
    skip(`${RUDDER_COMMIT} is not in ${gitDir} (${String(error.stderr ?? error).trim().split('\n').pop()})`);
  }
  const theirs = JSON.parse(readFileSync(join(CACHE, 'package.json'), 'utf8'));
  const integrations = JSON.parse(readFileSync(join(CACHE, 'packages/analytics-js-integrations/package.json'), 'utf8'));
  const pinned = { ...theirs.dependencies, ...theirs.devDependencies, ...integrations.devDependencies };
  const deps = Object.fromEntries(TOOLCHAIN.map((name) => [name, pinned[name] ?? 'latest']));
  for (const [name, version] of Object.entries(integrations.dependencies))
    if (!name.startsWith('@rudderstack/')) deps[name] = version;
  writeFileSync(join(CACHE, 'package.json'), JSON.stringify({ ...theirs, dependencies: {}, devDependencies: deps, scripts: {} }));
  console.log('bench:vs-rudder: installing their build toolchain (once per commit)…');
  try {
    run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock'], CACHE);
  } catch (error) {
    skip(`npm could not install their toolchain (${String(error.stderr ?? error).trim().split('\n').pop()})`);
  }
  run(
    join(CACHE, 'node_modules/.bin/rollup'),
    ['-c', '--environment', 'PROD_DEBUG,ENV:prod,UGLIFY'],
    join(CACHE, 'packages/analytics-js-integrations'),
    { BROWSERSLIST_ENV: 'modern', INTG_NAME: 'Klaviyo' },
  );
  return out;
}

// The same messages for both, as the RudderStack SDK hands them to a device-mode integration.
const context = (traits) => ({ traits, page: { url: 'https://shop.example/p/1' }, library: { name: 'bench' } });
const SHOPPER = { email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace', phone: '+14155550100', plan: 'gold' };
let seq = 0;
const base = () => ({
  anonymousId: 'anon-1',
  userId: 'u-1',
  messageId: `m-${++seq}`,
  originalTimestamp: '2026-12-07T10:00:00.000Z',
  context: context(SHOPPER),
});
const product = { product_id: 'P-1', sku: 'SKU-1', name: 'Hat', price: 19.9, url: 'https://shop.example/p/1', image_url: 'https://cdn.example/p1.png', categories: ['Hats'] };
const MESSAGES = {
  identify: () => ({ ...base(), type: 'identify', traits: SHOPPER }),
  'track (custom)': () => ({ ...base(), type: 'track', event: 'Wishlist Shared', properties: { list: 'summer', count: 3, revenue: 10 } }),
  'Product Viewed': () => ({ ...base(), type: 'track', event: 'Product Viewed', properties: { ...product } }),
  'Product Added': () => ({ ...base(), type: 'track', event: 'Product Added', properties: { ...product, quantity: 1 } }),
  'Checkout Started': () => ({
    ...base(),
    type: 'track',
    event: 'Checkout Started',
    properties: { order_id: 'O-1', value: 39.8, products: [{ ...product, quantity: 2 }] },
  }),
  page: () => ({ ...base(), type: 'page', name: 'Home', properties: { url: 'https://shop.example/' } }),
};
/** 100 calls as a session makes them: per 10, an identify, a page, 3 custom tracks, 3 product views, an add and a checkout. */
const MIX = Array.from({ length: 10 }, () => [
  'identify', 'page', 'track (custom)', 'Product Viewed', 'track (custom)', 'Product Viewed',
  'Product Added', 'track (custom)', 'Product Viewed', 'Checkout Started',
]).flat();
const METHOD = (m) => m.type;

/** A klaviyo.js that is loaded, knows the shopper and answers each command at once; counts pushes. */
const KLAVIYO_STUB = `window.__pushes = 0; window.klaviyo = { push: function (c) { window.__pushes++; var cb = c[c.length - 1]; if (typeof cb === 'function') cb(c[0] === 'isIdentified' ? true : c[0] === 'track' ? true : undefined); } };`;

/** One integration in a fresh happy-dom window: `call(message)` hands it a message. */
function nodeIntegration(code) {
  const win = new Window({
    url: 'https://shop.example/',
    settings: { disableJavaScriptFileLoading: true, disableCSSFileLoading: true, navigator: { userAgent: DESKTOP_UA } },
  });
  win.eval(KLAVIYO_STUB);
  win.eval(code);
  const integration = new win.Klaviyo_RS.Klaviyo({ publicApiKey: 'AbC123' }, { logLevel: 'ERROR' }, {});
  integration.init();
  return {
    win,
    call: (message) => integration[METHOD(message)]({ message }),
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString('en-US');

async function node(ours, theirs) {
  const impls = { ours: nodeIntegration(ours), theirs: nodeIntegration(theirs) };
  await new Promise((r) => setTimeout(r, 50)); // start-up work at idle
  const cases = { ...Object.fromEntries(Object.keys(MESSAGES).map((k) => [k, [k]])), 'the mix (100 calls)': MIX };
  const rows = [];
  for (const [name, list] of Object.entries(cases)) {
    const rates = { ours: [], theirs: [] };
    const messages = list.map((k) => MESSAGES[k]());
    for (let round = 0; round < ROUNDS; round++) {
      for (const who of round % 2 ? ['theirs', 'ours'] : ['ours', 'theirs']) {
        const { call } = impls[who];
        let calls = 0;
        const start = performance.now();
        let now = start;
        while (now - start < ROUND_MS) {
          for (let i = 0; i < 50; i++) for (const m of messages) call(m);
          calls += 50 * messages.length;
          now = performance.now();
        }
        rates[who].push((calls / (now - start)) * 1000);
        await new Promise((r) => setTimeout(r, 0)); // let timers (acknowledgement, idle work) run
      }
    }
    const o = median(rates.ours);
    const t = median(rates.theirs);
    rows.push({
      case: name,
      'ours ops/s (min–max)': `${fmt(o)} (${fmt(Math.min(...rates.ours))}–${fmt(Math.max(...rates.ours))})`,
      'theirs ops/s (min–max)': `${fmt(t)} (${fmt(Math.min(...rates.theirs))}–${fmt(Math.max(...rates.theirs))})`,
      'ours / theirs': (o / t).toFixed(2),
    });
  }
  const pushes = {};
  for (const [who, impl] of Object.entries(impls)) {
    const before = impl.win.__pushes;
    for (const k of MIX) impl.call(MESSAGES[k]());
    pushes[who] = impl.win.__pushes - before;
  }
  console.log(`\nNode ${process.version}, happy-dom: calls per second, median of ${ROUNDS} interleaved rounds of ${ROUND_MS} ms`);
  console.table(rows);
  console.log(`klaviyo.push commands per 100 mixed calls: ours ${pushes.ours}, theirs ${pushes.theirs}`);
}

async function chromium(ours, theirs) {
  let playwright;
  try {
    playwright = await import('@playwright/test');
  } catch {
    return console.log('Chromium: skipped (@playwright/test is not installed)');
  }
  const executablePath = existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
  const browser = await playwright.chromium.launch({ executablePath });
  const messages = MIX.map((k) => MESSAGES[k]());
  const figures = { ours: [], theirs: [] };
  try {
    for (let i = 0; i < CHROMIUM_RUNS; i++) {
      for (const who of i % 2 ? ['theirs', 'ours'] : ['ours', 'theirs']) {
        const context = await browser.newContext({ userAgent: DESKTOP_UA });
        await context.route('**/*', (route) =>
          route.request().url().startsWith('https://shop.example/')
            ? route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>shop</title>' })
            : route.fulfill({ contentType: 'text/javascript', body: '' }),
        );
        const page = await context.newPage();
        await page.goto('https://shop.example/');
        await page.evaluate(KLAVIYO_STUB);
        const code = who === 'ours' ? ours : theirs;
        figures[who].push(
          await page.evaluate(
            ({ code, messages }) => {
              const t0 = performance.now();
              (0, eval)(code);
              const t1 = performance.now();
              const integration = new window.Klaviyo_RS.Klaviyo({ publicApiKey: 'AbC123' }, { logLevel: 'ERROR' }, {});
              integration.init();
              const t2 = performance.now();
              for (const message of messages) integration[message.type]({ message });
              const t3 = performance.now();
              return { evaluate: t1 - t0, init: t2 - t1, calls: t3 - t2, total: t3 - t0 };
            },
            { code, messages },
          ),
        );
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  const row = (key) => {
    const stat = (who) => {
      const xs = figures[who].map((f) => f[key]);
      return { m: median(xs), lo: Math.min(...xs), hi: Math.max(...xs) };
    };
    const o = stat('ours');
    const t = stat('theirs');
    const ms = (s) => `${s.m.toFixed(1)} (${s.lo.toFixed(1)}–${s.hi.toFixed(1)})`;
    return { figure: key, 'ours ms': ms(o), 'theirs ms': ms(t), 'ours / theirs': (o.m / t.m).toFixed(2) };
  };
  console.log(`\nChromium ${browser.version()}: ms, median (min–max) of ${CHROMIUM_RUNS} cold contexts each, alternating`);
  console.table(['evaluate', 'init', 'calls', 'total'].map(row));
}

if (!existsSync(OURS)) skip('dist/Klaviyo.min.js is missing: run npm run build first');
const theirsPath = buildTheirs();
const ours = readFileSync(OURS, 'utf8');
const theirs = readFileSync(theirsPath, 'utf8');
console.log(`bench:vs-rudder: ours ${OURS} (${ours.length} B) against theirs at ${RUDDER_COMMIT} (${theirs.length} B)`);
await node(ours, theirs);
await chromium(ours, theirs);
