// `npm run bench:vs-rudder`: our Klaviyo.min.js against RudderStack's own Klaviyo device-mode
// integration, side by side, on the same messages. Theirs is built from its public repository
// (rudderlabs/rudder-sdk-js at RUDDER_COMMIT) with its own toolchain, as their CDN's modern build:
// their rollup config, babel presets and plugins at the versions their package.json pins. Then:
//   - Node (happy-dom): ops/s per message and for the mix, medians of ROUNDS interleaved rounds;
//   - Chromium: evaluate, construct + init and 100 mixed calls, cold contexts, ours and theirs
//     alternating, medians and min–max of CHROMIUM_RUNS runs each.
// Both get the same `window.klaviyo`: a loaded klaviyo.js that knows the shopper and answers as its
// shipped code does (a track at once, an identify after its debounce and request), never more.
// BASELINE=<path to an earlier Klaviyo.min.js> adds it as "before"; ONLY=node or ONLY=chromium runs one half.
// Source: RUDDER_SDK_JS_DIR (a clone, or its .git directory), else a clone from GitHub; without either
// it prints a line saying so and exits 0. Reports; asserts nothing. docs/performance.md has the figures.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Window } from 'happy-dom';
import { customTrackFloor } from './customTrackFloor.mjs';

const RUDDER_COMMIT = 'eecb517e6';
const REPO = 'https://github.com/rudderlabs/rudder-sdk-js';
const CACHE = resolve('node_modules/.cache/bench-vs-rudder', RUDDER_COMMIT);
const OURS = resolve('dist/Klaviyo.min.js');
const ROUNDS = Number(process.env.ROUNDS ?? 21);
/** Rounds run first and not counted (the JIT settles). */
const WARM_UP_ROUNDS = 3;
/** Calls per timed round and implementation, each with a message of its own. */
const CALLS_PER_ROUND = 5_000;
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
  execFileSync(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 30,
  });

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
      skip(
        `cannot fetch ${REPO} (${String(error.stderr || error.message)
          .trim()
          .split('\n')
          .pop()}); set RUDDER_SDK_JS_DIR to a clone`,
      );
    }
  }
  const paths = [
    'package.json',
    'babel.config.json',
    'tsconfig.json',
    'tsconfig.build.json',
    'tsconfig.paths.json',
    'types',
  ];
  paths.push(
    'packages/analytics-js-integrations',
    'packages/analytics-js-legacy-utilities',
    'packages/analytics-js-common',
  );
  try {
    const tar = run('git', ['--git-dir', gitDir, 'archive', RUDDER_COMMIT, ...paths], CACHE);
    execFileSync('tar', ['-x', '-C', CACHE], { input: tar });
  } catch (error) {
    skip(
      `${RUDDER_COMMIT} is not in ${gitDir} (${String(error.stderr || error.message)
        .trim()
        .split('\n')
        .pop()})`,
    );
  }
  const theirs = JSON.parse(readFileSync(join(CACHE, 'package.json'), 'utf8'));
  const integrations = JSON.parse(readFileSync(join(CACHE, 'packages/analytics-js-integrations/package.json'), 'utf8'));
  const pinned = { ...theirs.dependencies, ...theirs.devDependencies, ...integrations.devDependencies };
  const deps = Object.fromEntries(TOOLCHAIN.map((name) => [name, pinned[name] ?? 'latest']));
  for (const [name, version] of Object.entries(integrations.dependencies))
    if (!name.startsWith('@rudderstack/')) deps[name] = version;
  writeFileSync(
    join(CACHE, 'package.json'),
    JSON.stringify({ ...theirs, dependencies: {}, devDependencies: deps, scripts: {} }),
  );
  console.log('bench:vs-rudder: installing their build toolchain (once per commit)…');
  try {
    run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock'], CACHE);
  } catch (error) {
    skip(
      `npm could not install their toolchain (${String(error.stderr || error.message)
        .trim()
        .split('\n')
        .pop()})`,
    );
  }
  run(
    join(CACHE, 'node_modules/.bin/rollup'),
    ['-c', '--environment', 'PROD_DEBUG,ENV:prod,UGLIFY'],
    join(CACHE, 'packages/analytics-js-integrations'),
    { BROWSERSLIST_ENV: 'modern', INTG_NAME: 'Klaviyo' },
  );
  return out;
}

/**
 * Installed in the page's own realm (happy-dom's window, or Chromium's page), as the RudderStack SDK
 * lives there: `window.__bench.messages(list, n)` makes fresh messages, each with its own messageId,
 * as the SDK hands them to a device-mode integration; `window.__bench.time(integration, messages)`
 * hands them over and returns the milliseconds taken.
 */
function installBench(window) {
  const SHOPPER = {
    email: 'ada@example.com',
    firstName: 'Ada',
    lastName: 'Lovelace',
    phone: '+14155550100',
    plan: 'gold',
  };
  const product = () => ({
    product_id: 'P-1',
    sku: 'SKU-1',
    name: 'Hat',
    price: 19.9,
    url: 'https://shop.example/p/1',
    image_url: 'https://cdn.example/p1.png',
    categories: ['Hats'],
  });
  let seq = 0;
  const base = (type) => ({
    type,
    anonymousId: 'anon-1',
    userId: 'u-1',
    messageId: `m-${++seq}`,
    originalTimestamp: '2026-12-07T10:00:00.000Z',
    context: { traits: { ...SHOPPER }, page: { url: 'https://shop.example/p/1' }, library: { name: 'bench' } },
  });
  const make = {
    identify: () => ({ ...base('identify'), traits: { ...SHOPPER } }),
    'track (custom)': () => ({
      ...base('track'),
      event: 'Wishlist Shared',
      properties: { list: 'summer', count: 3, revenue: 10 },
    }),
    'Product Viewed': () => ({ ...base('track'), event: 'Product Viewed', properties: product() }),
    'Product Added': () => ({ ...base('track'), event: 'Product Added', properties: { ...product(), quantity: 1 } }),
    'Checkout Started': () => ({
      ...base('track'),
      event: 'Checkout Started',
      properties: { order_id: 'O-1', value: 39.8, products: [{ ...product(), quantity: 2 }] },
    }),
    page: () => ({ ...base('page'), name: 'Home', properties: { url: 'https://shop.example/' } }),
  };
  window.__bench = {
    kinds: Object.keys(make),
    messages: (list, n) => Array.from({ length: n }, (_, i) => make[list[i % list.length]]()),
    time(integration, messages) {
      const start = window.performance.now();
      for (const message of messages) integration[message.type]({ message });
      return window.performance.now() - start;
    },
  };
}
/** 100 calls as a session makes them: per 10, an identify, a page, 3 custom tracks, 3 product views, an add and a checkout. */
const MIX = Array.from({ length: 10 }, () => [
  'identify',
  'page',
  'track (custom)',
  'Product Viewed',
  'track (custom)',
  'Product Viewed',
  'Product Added',
  'track (custom)',
  'Product Viewed',
  'Checkout Started',
]).flat();
const KINDS = ['identify', 'track (custom)', 'Product Viewed', 'Product Added', 'Checkout Started', 'page'];

/**
 * klaviyo.js as its shipped code answers a shopper it knows (its cookie names them), never more:
 * its cookies read as it loads; `isIdentified` true; a track answered at once, before its request, its properties changed in place
 * as klaviyo.js changes them; an identify with an identifier debounced 300 ms, merged, and answered
 * after its request (a later one in the window supersedes it: never answered); an empty identify at
 * once; `trackViewedItem` after its request. The work our code does in those late answers (calls that
 * waited behind an identify) is timed and counted with the calls (`window.__kl.answerMs`).
 */
function installKlaviyo(window) {
  const DEBOUNCE_MS = 300;
  const REQUEST_MS = 50;
  const kl = { pushes: 0, pending: 0, answerMs: 0 };
  let identify;
  // klaviyo.js reads its cookies as it loads (`__kla_off`, `__kla_id`): a page's first cookie read,
  // which costs a cold browser milliseconds, is behind it by the time any integration runs.
  void window.document.cookie;
  const later = (cb, ms) => {
    kl.pending++;
    return setTimeout(() => {
      kl.pending--;
      const start = window.performance.now();
      cb();
      kl.answerMs += window.performance.now() - start;
    }, ms);
  };
  window.__kl = kl;
  window.klaviyo = {
    push(command) {
      kl.pushes++;
      const [method, a, b, c] = command;
      if (method === 'track') {
        const properties = b && typeof b === 'object' ? b : {};
        delete properties.$event_id;
        delete properties.$value;
        delete properties.time;
        properties.$use_ip = true;
        properties.$is_session_activity = true;
        if (typeof c === 'function') c(true);
      } else if (method === 'identify') {
        const named = a && (a.$email || a.$phone_number || a.$id || a.$exchange_id || a.email || a.phone_number);
        if (!named) return typeof b === 'function' && b();
        if (identify) {
          clearTimeout(identify.timer); // superseded: its answer never comes
          kl.pending--;
        }
        identify = {};
        identify.timer = later(() => {
          identify = undefined;
          if (typeof b === 'function') b();
        }, DEBOUNCE_MS + REQUEST_MS);
      } else if (method === 'trackViewedItem') {
        if (typeof b === 'function') later(b, DEBOUNCE_MS + REQUEST_MS);
      } else if (method === 'isIdentified') {
        if (typeof a === 'function') a(true);
      } else if (typeof command[command.length - 1] === 'function') command[command.length - 1]();
    },
  };
}
const KLAVIYO_STUB = `(${installKlaviyo})(window)`;

/** Wait until klaviyo.js has given every late answer; the milliseconds our code spent in them since `from`. */
async function lateAnswers(win, from) {
  for (let waited = 0; win.__kl.pending && waited < 2_000; waited += 10) await new Promise((r) => setTimeout(r, 10));
  return win.__kl.answerMs - from;
}

/**
 * One integration with a happy-dom window of its own, its code run in Node's main context with
 * `window`, `document` and the rest bound to that window (code evaluated inside happy-dom's own VM
 * context pays for every global lookup, which a browser does not).
 */
function nodeIntegration(code) {
  const win = new Window({
    url: 'https://shop.example/',
    settings: { disableJavaScriptFileLoading: true, disableCSSFileLoading: true, navigator: { userAgent: DESKTOP_UA } },
  });
  const scope = ['window', 'self', 'document', 'navigator', 'location', 'localStorage', 'sessionStorage'];
  const bind = (source) =>
    new Function(...scope, `${source}\n;return typeof Klaviyo_RS === 'undefined' ? undefined : Klaviyo_RS;`);
  const run = (source) =>
    bind(source)(win, win, win.document, win.navigator, win.location, win.localStorage, win.sessionStorage);
  run(KLAVIYO_STUB);
  run(`(${installBench})(window)`);
  const K = run(code);
  const integration = new K.Klaviyo({ publicApiKey: 'AbC123' }, { logLevel: 'ERROR' }, {});
  integration.init();
  return { win, integration };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString('en-US');
/** `a / b` to two places, or a dash when `b` is not a positive figure. */
const ratio = (a, b) => (b > 0 ? (a / b).toFixed(2) : '—');

/** The implementations compared: ours, theirs, and with BASELINE=<a Klaviyo.min.js> an earlier build of ours ("before"). */
async function node(codes) {
  const impls = Object.fromEntries(Object.entries(codes).map(([who, code]) => [who, nodeIntegration(code)]));
  const names = Object.keys(impls);
  impls.floor = nodeIntegration(`var Klaviyo_RS = (${customTrackFloor})();`);
  await new Promise((r) => setTimeout(r, 50)); // start-up work at idle
  const cases = { ...Object.fromEntries(KINDS.map((k) => [k, [k]])), 'the mix (100 calls)': MIX };
  const rows = [];
  for (const [name, list] of Object.entries(cases)) {
    // The floor (scripts/customTrackFloor.mjs) is a lower bound for the custom track only.
    const timed = name === 'track (custom)' ? [...names, 'floor'] : names;
    const rates = Object.fromEntries(timed.map((who) => [who, []]));
    for (let round = -WARM_UP_ROUNDS; round < ROUNDS; round++) {
      for (const who of round % 2 ? [...timed].reverse() : timed) {
        // Fresh messages for every call, made before the clock starts, as the SDK hands each its own
        // (theirs changes a custom track's properties in place).
        const { win, integration } = impls[who];
        const messages = win.__bench.messages(list, CALLS_PER_ROUND);
        const answered = win.__kl.answerMs;
        const ms = win.__bench.time(integration, messages) + (await lateAnswers(win, answered));
        if (round >= 0) rates[who].push((messages.length / ms) * 1000);
      }
    }
    const row = { case: name };
    for (const who of timed)
      row[`${who} ops/s (min–max)`] =
        `${fmt(median(rates[who]))} (${fmt(Math.min(...rates[who]))}–${fmt(Math.max(...rates[who]))})`;
    for (const who of timed)
      if (who !== 'theirs') row[`${who} / theirs`] = ratio(median(rates[who]), median(rates.theirs));
    rows.push(row);
  }
  const pushes = {};
  for (const who of names) {
    const impl = impls[who];
    const before = impl.win.__kl.pushes;
    impl.win.__bench.time(impl.integration, impl.win.__bench.messages(MIX, MIX.length));
    await lateAnswers(impl.win, 0);
    pushes[who] = impl.win.__kl.pushes - before;
  }
  console.log(
    `\nNode ${process.version}, happy-dom: calls per second, median of ${ROUNDS} interleaved rounds of ${CALLS_PER_ROUND.toLocaleString('en-US')} calls`,
  );
  console.table(rows);
  console.log(`klaviyo.push commands per 100 mixed calls: ${names.map((who) => `${who} ${pushes[who]}`).join(', ')}`);
}

async function chromium(codes) {
  const names = Object.keys(codes);
  let playwright;
  try {
    playwright = await import('@playwright/test');
  } catch {
    return console.log('Chromium: skipped (@playwright/test is not installed)');
  }
  const executablePath = existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
  const browser = await playwright.chromium.launch({ executablePath });
  const figures = Object.fromEntries(names.map((who) => [who, []]));
  try {
    for (let i = 0; i < CHROMIUM_RUNS; i++) {
      for (const who of i % 2 ? [...names].reverse() : names) {
        const context = await browser.newContext({ userAgent: DESKTOP_UA });
        await context.route('**/*', (route) =>
          route.request().url().startsWith('https://shop.example/')
            ? route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>shop</title>' })
            : route.fulfill({ contentType: 'text/javascript', body: '' }),
        );
        const page = await context.newPage();
        await page.goto('https://shop.example/');
        await page.evaluate(KLAVIYO_STUB);
        await page.evaluate(`(${installBench})(window)`);
        const code = codes[who];
        figures[who].push(
          await page
            .evaluate(
              ({ code, mix }) => {
                const window = globalThis;
                const messages = window.__bench.messages(mix, mix.length);
                const t0 = performance.now();
                (0, eval)(code);
                const t1 = performance.now();
                const integration = new window.Klaviyo_RS.Klaviyo(
                  { publicApiKey: 'AbC123' },
                  { logLevel: 'ERROR' },
                  {},
                );
                integration.init();
                const t2 = performance.now();
                window.__bench.time(integration, messages);
                const t3 = performance.now();
                return { evaluate: t1 - t0, init: t2 - t1, calls: t3 - t2, answered: window.__kl.answerMs };
              },
              { code, mix: MIX },
            )
            .then(async (f) => {
              // What our code does in klaviyo.js's late answers (calls that waited behind an identify) counts too.
              await page.waitForFunction(() => !globalThis.__kl.pending, undefined, { timeout: 5_000 });
              const late = (await page.evaluate(() => globalThis.__kl.answerMs)) - f.answered;
              const calls = f.calls + late;
              return { evaluate: f.evaluate, init: f.init, calls, late, total: f.evaluate + f.init + calls };
            }),
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
    const ms = (s) => `${s.m.toFixed(1)} (${s.lo.toFixed(1)}–${s.hi.toFixed(1)})`;
    // Each run's ratio to theirs in the same round (run next to it), then the median and quartiles of
    // those: a slow drift of the machine between rounds cancels out within a pair.
    const paired = (who) => {
      const xs = figures[who]
        .map((f, i) => f[key] / figures.theirs[i][key])
        .filter(Number.isFinite)
        .sort((a, b) => a - b);
      if (!xs.length) return '—';
      const at = (q) => xs[Math.floor(q * (xs.length - 1))].toFixed(2);
      return `${at(0.5)} (${at(0.25)}–${at(0.75)})`;
    };
    const out = { figure: key };
    for (const who of names) out[`${who} ms`] = ms(stat(who));
    if (key === 'late') return out; // theirs does (next to) nothing there: no ratio
    out['ours / theirs'] = ratio(stat('ours').m, stat('theirs').m);
    out['paired'] = paired('ours');
    if (figures.before) {
      out['before / theirs'] = ratio(stat('before').m, stat('theirs').m);
      out['paired '] = paired('before');
    }
    return out;
  };
  console.log(
    `\nChromium ${browser.version()}: ms, median (min–max) of ${CHROMIUM_RUNS} cold contexts each, alternating;` +
      ' "paired": the median (quartiles) of each run\'s ratio to theirs in the same round',
  );
  // late: of the calls, what ran in klaviyo.js's late answers.
  console.table(['evaluate', 'init', 'calls', 'late', 'total'].map(row));
}

if (!existsSync(OURS)) skip('dist/Klaviyo.min.js is missing: run npm run build first');
const theirsPath = buildTheirs();
const ours = readFileSync(OURS, 'utf8');
const theirs = readFileSync(theirsPath, 'utf8');
const codes = { ours, theirs };
if (process.env.BASELINE) codes.before = readFileSync(process.env.BASELINE, 'utf8');
console.log(`bench:vs-rudder: ours ${OURS} (${ours.length} B) against theirs at ${RUDDER_COMMIT} (${theirs.length} B)`);
if (process.env.ONLY !== 'chromium') await node(codes);
if (process.env.ONLY !== 'node') await chromium(codes);
