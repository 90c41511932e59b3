import type { Retry, Settle } from './Pool.js';

/** What Klaviyo did with a request's work (the endpoint's answer is built from it). */
export interface Delivery {
  /** Upserts, events and subscriptions Klaviyo took (or had taken already: a remembered upsert). */
  taken: number;
  /** Work Klaviyo refused for good, by message, with Klaviyo's reason. */
  refused: Array<{ messageId: string; reason: string }>;
  /** The first retryable failure, by priority (429 over 503 over 504 over 502): the browser must retry. */
  retry?: { status: 429 | 502 | 503 | 504; retryAfterS?: number; reason: string };
  /** The messages with work that failed retryably (a batch's sender retries only those). */
  failed: string[];
}

const RETRY_PRIORITY: Record<number, number> = { 429: 4, 503: 3, 504: 2, 502: 1 };

/**
 * One request's answer, built while its work waits in the pools: each piece of work gets a
 * {@link Settle}; `done` resolves once every piece is settled (the engine's deadlines settle the late
 * ones), with what Klaviyo took, refused, and the retry the browser must make.
 */
export class RequestAnswer {
  readonly delivery: Delivery = { taken: 0, refused: [], failed: [] };
  /** Resolves with {@link delivery} once every piece is settled. */
  readonly done: Promise<Delivery>;
  private readonly open = new Set<Settle>();
  private adding = true;
  private timers: Array<ReturnType<typeof setTimeout>> = [];
  private resolve!: (delivery: Delivery) => void;

  constructor() {
    this.done = new Promise<Delivery>((resolve) => (this.resolve = resolve));
  }

  /** A retryable failure: the answer keeps the one of highest priority. */
  fail({ status, retryAfterS, reason }: Retry): void {
    const { retry } = this.delivery;
    if (!retry || RETRY_PRIORITY[status] > RETRY_PRIORITY[retry.status])
      this.delivery.retry = { status, reason, ...(retryAfterS ? { retryAfterS } : {}) };
  }

  /** The whole request fails before any of its work is pooled: every message is to be retried. */
  failAll(outcome: Retry, messageIds: string[]): Delivery {
    this.fail(outcome);
    this.delivery.failed = messageIds;
    return this.delivery;
  }

  /** The settle of one piece of work, for the messages it carries (a piece is settled once). */
  piece(messageIds: string[]): Settle {
    const settle: Settle = (outcome) => {
      if (!this.open.delete(settle)) return;
      if (outcome.kind === 'taken') this.delivery.taken += 1;
      else if (outcome.kind === 'refused')
        for (const messageId of messageIds) this.delivery.refused.push({ messageId, reason: outcome.reason });
      else {
        this.fail(outcome);
        for (const messageId of messageIds)
          if (!this.delivery.failed.includes(messageId)) this.delivery.failed.push(messageId);
      }
      if (!this.open.size && !this.adding) this.finish();
    };
    this.open.add(settle);
    return settle;
  }

  /** The pieces not settled yet. */
  unsettled(): Settle[] {
    return [...this.open];
  }

  /**
   * Every piece was made: the answer is done now if all are settled already, else `deadlines` run at
   * their times until it is. Returns whether pieces wait.
   */
  added(deadlines: Array<[ms: number, run: () => void]>): boolean {
    this.adding = false;
    if (!this.open.size) {
      this.finish();
      return false;
    }
    this.timers = deadlines.map(([ms, run]) => setTimeout(run, ms));
    return true;
  }

  private finish(): void {
    this.timers.forEach(clearTimeout);
    this.resolve(this.delivery);
  }
}
