import { say } from '../logger/say.js';
import type { Logger } from '../logger/createLogger.js';
import { installKlaviyoStub, isOwnStub } from './installKlaviyoStub.js';
import { klaviyoWindow } from './KlaviyoGlobals.js';
import { findKlaviyoScript, klaviyoScriptUrl } from './klaviyoScriptUrl.js';

/** `idle` before {@link KlaviyoLoader.start}; then `loading → ready | failed`. */
export type LoadStatus = 'idle' | 'loading' | 'ready' | 'failed';

/** What the loader needs from the resolved config. */
export interface LoaderOptions {
  publicApiKey: string;
  loadTimeoutMs: number;
  nonce: string | undefined;
  prepareScript: ((script: HTMLScriptElement) => void | boolean) | undefined;
}

/**
 * The nonce of the page's scripts, read through the `.nonce` property: browsers hide the content
 * attribute (`getAttribute('nonce')` returns '') once the page has loaded.
 */
export function pageNonce(doc: Document): string | undefined {
  const current = doc.currentScript as HTMLScriptElement | null;
  return current?.nonce || doc.querySelector<HTMLScriptElement>('script[nonce]')?.nonce || undefined;
}

/**
 * Installs the pre-load `klaviyo` stub when absent, puts klaviyo.js on the page once and tracks it: `loading → ready` on the script's `load`,
 * `loading → failed` on `error` (ad blocker, CSP, network), on the timeout, or when `prepareScript`
 * vetoes it. A klaviyo.js already on the page is reused, never injected twice. A script that loads
 * after the timeout moves `failed → ready`.
 */
export class KlaviyoLoader {
  status: LoadStatus = 'idle';
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The failure was the timeout: a late `load` still moves the status to `ready`. */
  private timedOut = false;
  private readonly listeners: Array<(status: LoadStatus) => void> = [];

  constructor(
    private readonly options: LoaderOptions,
    private readonly win: Window,
    private readonly logger: Logger,
  ) {}

  /** Call `listener` on every status change. */
  onChange(listener: (status: LoadStatus) => void): void {
    this.listeners.push(listener);
  }

  /** Start loading (once). */
  start(): void {
    if (this.status !== 'idle') return;
    this.status = 'loading';
    const doc = this.win.document;
    const existing = findKlaviyoScript(doc);
    const found = klaviyoWindow(this.win).klaviyo;
    const live = this.isLive() || (!!existing && doc.readyState === 'complete' && !!found && !isOwnStub(found));
    installKlaviyoStub(this.win);
    if (existing || live) {
      this.logger.info(say('reusing'));
      if (live) this.settle('ready');
      else if (existing) this.watch(existing);
      return;
    }
    const script = doc.createElement('script');
    script.async = true;
    script.src = klaviyoScriptUrl(this.options.publicApiKey);
    const nonce = this.options.nonce ?? pageNonce(doc);
    if (nonce) script.nonce = nonce;
    if (this.options.prepareScript) {
      let verdict: void | boolean;
      try {
        verdict = this.options.prepareScript(script);
      } catch (error) {
        this.logger.error(say('prepareThrew'), error);
        verdict = false;
      }
      if (verdict === false) {
        this.settle('failed', say('vetoed'));
        return;
      }
    }
    this.watch(script);
    const anchor = doc.getElementsByTagName('script')[0];
    if (anchor?.parentNode) anchor.parentNode.insertBefore(script, anchor);
    else (doc.head || doc.documentElement).appendChild(script);
  }

  /** The real klaviyo object is installed: not a stub, and no stub queue left unconsumed. */
  private isLive(): boolean {
    const k = klaviyoWindow(this.win);
    return !!k.klaviyo && !isOwnStub(k.klaviyo) && k._klOnsite !== undefined && !Array.isArray(k._klOnsite);
  }

  /** Attach load/error handlers (before insertion: happy-dom and cached scripts fire synchronously). */
  private watch(script: HTMLScriptElement): void {
    script.addEventListener('load', () => this.settle('ready'));
    script.addEventListener('error', () => this.settle('failed', say('blocked')));
    this.timer = setTimeout(
      () => this.settle('failed', say('timedOut', this.options.loadTimeoutMs), true),
      this.options.loadTimeoutMs,
    );
  }

  private settle(status: 'ready' | 'failed', reason = '', timedOut = false): void {
    const late = status === 'ready' && this.timedOut;
    if (this.status !== 'loading' && !late) return;
    clearTimeout(this.timer);
    this.status = status;
    this.timedOut = timedOut;
    if (status === 'failed') this.logger.warn(reason);
    else this.logger.info(say(late ? 'lateLoad' : 'loaded'));
    for (const listener of this.listeners) listener(status);
  }
}
