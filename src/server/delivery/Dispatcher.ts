import type { DeliveryStore } from './DeliveryStore.js';
import { DISPATCH_RATES, type JobPath } from './klaviyoLimits.js';

/** Jobs of one endpoint under way at once (the limiter sets the pace; this bounds the sockets). */
const JOBS_IN_FLIGHT_MAX = 4;
/** The longest one wait for a token or a pause lasts before the dispatcher looks again. */
const WAIT_SLICE_MS = 1_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The dispatch loop of one Klaviyo endpoint (docs/cloud-endpoint.md, "Pooled delivery"): while work
 * waits, it asks the store for a token of the endpoint's rate (shared by every instance), waits out a
 * 429 pause, and only when granted builds a job from everything pooled by then, so jobs fill as load
 * grows and the account's limit holds however many instances send. A store that fails (Redis down)
 * stops the loop and is reported; the next work starts it again.
 */
export class Dispatcher {
  private running = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly path: JobPath,
    private readonly store: DeliveryStore,
    /** Whether work waits for this endpoint. */
    private readonly waiting: () => boolean,
    /** Build and send the next job from what waits, removing it; `undefined` when nothing can go now. */
    private readonly sendNext: () => Promise<void> | undefined,
    /** The store failed: answer what waits (retryable) and stop. */
    private readonly storeFailed: (error: unknown) => void,
  ) {}

  /** Work arrived (or may go now): run the loop unless it runs. */
  wake(): void {
    if (!this.running) void this.run();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting()) {
        const paused = await this.store.pausedFor(this.path);
        if (paused > 0) {
          await sleep(Math.min(paused, WAIT_SLICE_MS));
          continue;
        }
        const wait = await this.store.take(this.path, DISPATCH_RATES[this.path]);
        if (wait > 0) {
          await sleep(Math.min(wait, WAIT_SLICE_MS));
          continue;
        }
        const sent = this.sendNext();
        if (!sent) break;
        const job = sent.finally(() => this.inFlight.delete(job));
        this.inFlight.add(job);
        if (this.inFlight.size >= JOBS_IN_FLIGHT_MAX) await Promise.race(this.inFlight);
      }
    } catch (error) {
      this.storeFailed(error);
    } finally {
      this.running = false;
    }
  }
}
