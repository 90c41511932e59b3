import type { JsonObject } from '../../mapping/types.js';
import { toJsonObject } from '../../mapping/toJsonValue.js';
import { STORAGE_PREFIX, type SafeStorage } from '../../util/safeStorage.js';

const KEYS = {
  anonymousId: `${STORAGE_PREFIX}.anonymousId`,
  userId: `${STORAGE_PREFIX}.userId`,
  traits: `${STORAGE_PREFIX}.traits`,
};

/**
 * The visitor's identity, persisted the way RudderStack's SDK does it (anonymousId, userId and the
 * accumulated traits survive reloads), in the package's safe storage (memory when localStorage fails).
 */
export class IdentityStore {
  anonymousId: string;
  userId: string;
  traits: JsonObject;

  constructor(
    private readonly storage: SafeStorage,
    private readonly uuid: () => string,
    /** Write to storage (false until consent with `requireConsent`: reading is fine, writing is not). */
    private persisting = true,
  ) {
    this.anonymousId = storage.get(KEYS.anonymousId) || uuid();
    this.userId = storage.get(KEYS.userId) ?? '';
    let traits: JsonObject = {};
    try {
      traits = toJsonObject(JSON.parse(storage.get(KEYS.traits) || '{}'), 'traits', []);
    } catch {
      // a corrupted value: start without traits
    }
    this.traits = traits;
    this.save();
  }

  /** identify: a new userId starts a new user (traits reset); traits accumulate. */
  identify(userId: string | undefined, traits: JsonObject): void {
    if (userId && userId !== this.userId) {
      if (this.userId) this.traits = {};
      this.userId = userId;
    }
    this.traits = { ...this.traits, ...traits };
    this.save();
  }

  /** Forget the user (and, when asked, the anonymousId too). */
  reset(anonymousId: boolean): void {
    this.userId = '';
    this.traits = {};
    if (anonymousId) this.anonymousId = this.uuid();
    this.save();
  }

  /** Consent given: write the identity from now on. */
  persist(): void {
    this.persisting = true;
    this.save();
  }

  /** Consent refused: write nothing more (the core removes what was stored). */
  stopPersisting(): void {
    this.persisting = false;
  }

  private save(): void {
    if (!this.persisting) return;
    this.storage.set(KEYS.anonymousId, this.anonymousId);
    if (this.userId) this.storage.set(KEYS.userId, this.userId);
    else this.storage.remove(KEYS.userId);
    if (Object.keys(this.traits).length) this.storage.set(KEYS.traits, JSON.stringify(this.traits));
    else this.storage.remove(KEYS.traits);
  }
}
