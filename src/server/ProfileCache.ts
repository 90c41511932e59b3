/**
 * The last profile upsert Klaviyo took, per profile, so an identical one is skipped: a browser that
 * retries a batch, or identifies on every page, costs no request. Bounded: the least recently used
 * profile is forgotten first (it is then simply sent again). Per profile, unlike one process-wide "last
 * identity", so interleaved shoppers do not defeat it.
 */
export class ProfileCache {
  private readonly last = new Map<string, string>();

  constructor(private readonly capacity: number) {}

  /** True when `body` is what Klaviyo last took for `profile`. */
  has(profile: string, body: string): boolean {
    const known = this.last.get(profile);
    if (known === undefined) return false;
    this.last.delete(profile); // refresh its place: most recently used last
    this.last.set(profile, known);
    return known === body;
  }

  /** Remember that Klaviyo took `body` for `profile`. */
  set(profile: string, body: string): void {
    this.last.delete(profile);
    this.last.set(profile, body);
    if (this.last.size > this.capacity) this.last.delete(this.last.keys().next().value as string);
  }

  get size(): number {
    return this.last.size;
  }
}
