import { say } from '../logger/say.js';
import type { Logger } from '../logger/createLogger.js';
import type { MessageKey } from '../logger/messages.js';
import { installKlaviyoStub, isOwnStub } from './installKlaviyoStub.js';
import { klaviyoWindow } from './KlaviyoGlobals.js';
import { findKlaviyoScript, klaviyoScriptUrl } from './klaviyoScriptUrl.js';

/** What the loader needs from the resolved config. */
export interface LoaderOptions {
  publicApiKey: string;
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
 * Puts klaviyo.js on the page once: installs Klaviyo's pre-load `klaviyo` object when absent, then
 * injects the script, or reuses one already there (a platform app, Klaviyo's snippet, a tag manager).
 * It does not decide whether Klaviyo works (a loaded script proves nothing: its tracking module may
 * be blocked); it only reports what certainly blocks it: the script's `error` event, or a veto by
 * `prepareScript`. Returns nothing; `onBlocked` gets the reason's message key.
 */
export function loadKlaviyo(
  options: LoaderOptions,
  win: Window,
  logger: Logger,
  onBlocked: (reason: MessageKey) => void,
): void {
  const doc = win.document;
  const found = klaviyoWindow(win).klaviyo;
  const real = !!found && !isOwnStub(found);
  installKlaviyoStub(win);
  if (findKlaviyoScript(doc) || real) {
    logger.info(say('reusing'));
    return;
  }
  const script = doc.createElement('script');
  script.async = true;
  script.src = klaviyoScriptUrl(options.publicApiKey);
  const nonce = options.nonce ?? pageNonce(doc);
  if (nonce) script.nonce = nonce;
  if (options.prepareScript) {
    let verdict: void | boolean;
    try {
      verdict = options.prepareScript(script);
    } catch (error) {
      logger.error(say('prepareThrew'), error);
      verdict = false;
    }
    if (verdict === false) {
      onBlocked('vetoed');
      return;
    }
  }
  // Before insertion: happy-dom and cached scripts fire synchronously.
  script.addEventListener('error', () => onBlocked('blocked'));
  const anchor = doc.getElementsByTagName('script')[0];
  if (anchor?.parentNode) anchor.parentNode.insertBefore(script, anchor);
  else (doc.head || doc.documentElement).appendChild(script);
}
