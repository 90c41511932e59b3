import type { DispatchRate } from './klaviyoLimits.js';

/**
 * What the instances of one endpoint share about one Klaviyo account (docs/cloud-endpoint.md,
 * "Several instances"): the dispatch limiter, the pause a 429 sets, and the last profile upsert Klaviyo
 * took per profile. In-process by default ({@link createMemoryStore}); through Redis for several
 * instances (`createRedisStore` from `klaviyo-device-mode/server`). Implement it over another store
 * (a REST Redis on an edge platform) by these five methods. A method that rejects (the store is down)
 * makes the endpoint answer a retryable status; nothing is lost.
 */
export interface DeliveryStore {
  /**
   * Take one dispatch token of `name` at `rate`: resolves 0 when granted, else how many milliseconds
   * to wait before asking again (nothing is taken then).
   */
  take(name: string, rate: DispatchRate): Promise<number>;
  /** How long dispatch to `name` stays paused by Klaviyo's 429, in ms (0: not paused). */
  pausedFor(name: string): Promise<number>;
  /** Pause dispatch to `name` for `ms`, for every instance (a longer pause already set stays). */
  pause(name: string, ms: number): Promise<void>;
  /** The last upsert Klaviyo took for each profile (a digest), in order; `undefined` where unknown. */
  lastUpserts(profiles: string[]): Promise<Array<string | undefined>>;
  /** Remember the upserts Klaviyo took: profile → digest. */
  rememberUpserts(entries: Array<[profile: string, digest: string]>): Promise<void>;
}

/** Microseconds per millisecond: the limiter counts whole microseconds (see {@link gcra}). */
const US_PER_MS = 1_000;

/**
 * The time between two tokens at `rate`, in whole microseconds, rounded up (never faster than the
 * rate). In milliseconds it is rarely whole (60,000 / 146 = 410.96…), and sums of such fractions are
 * rounded: the last token of a burst taken at one instant came out a hair over and was refused.
 */
export function intervalMicros(rate: DispatchRate): number {
  return Math.ceil((60_000 * US_PER_MS) / rate.perMinute);
}

/**
 * GCRA (the generic cell rate algorithm): with `tat` the theoretical arrival time kept for the
 * limiter, a token is granted when `max(tat, now) + interval - now ≤ burst × interval`, and `tat`
 * moves to `max(tat, now) + interval`. At most `burst + L / interval` tokens pass in any interval L.
 * `now` in ms; `tat` and the interval in whole microseconds, so the sums are exact (a burst at one
 * instant is granted whole). Returns the new `tat` when granted, else the wait in ms. The Redis store
 * runs the same arithmetic in a script, on Redis's clock.
 */
export function gcra(tat: number, now: number, rate: DispatchRate): { tat: number } | { wait: number } {
  const interval = intervalMicros(rate);
  const at = Math.round(now * US_PER_MS);
  const next = Math.max(tat, at) + interval;
  const over = next - at - rate.burst * interval;
  return over > 0 ? { wait: Math.ceil(over / US_PER_MS) } : { tat: next };
}

/** Profiles whose last upsert an in-process store remembers (least recently used first out). */
const MEMORY_UPSERT_PROFILES = 10_000;

/** The in-process store: for one instance, or instances that each have their own Klaviyo account. */
export function createMemoryStore(now: () => number = Date.now): DeliveryStore {
  const tats = new Map<string, number>();
  const pauses = new Map<string, number>();
  const upserts = new Map<string, string>();
  return {
    take(name, rate) {
      const result = gcra(tats.get(name) ?? 0, now(), rate);
      if ('wait' in result) return Promise.resolve(result.wait);
      tats.set(name, result.tat);
      return Promise.resolve(0);
    },
    pausedFor: (name) => Promise.resolve(Math.max(0, (pauses.get(name) ?? 0) - now())),
    pause(name, ms) {
      pauses.set(name, Math.max(now() + ms, pauses.get(name) ?? 0));
      return Promise.resolve();
    },
    lastUpserts(profiles) {
      return Promise.resolve(
        profiles.map((p) => {
          const digest = upserts.get(p);
          if (digest !== undefined) {
            upserts.delete(p); // most recently used last
            upserts.set(p, digest);
          }
          return digest;
        }),
      );
    },
    rememberUpserts(entries) {
      for (const [profile, digest] of entries) {
        upserts.delete(profile);
        upserts.set(profile, digest);
        if (upserts.size > MEMORY_UPSERT_PROFILES) upserts.delete(upserts.keys().next().value as string);
      }
      return Promise.resolve();
    },
  };
}
