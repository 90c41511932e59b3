import { STORAGE_PREFIX } from '../../config/defaults.js';
import type { JsonObject } from '../../mapping/types.js';
import { toJsonObject } from '../../mapping/toJsonValue.js';

const KEYS = {
  anonymousId: `${STORAGE_PREFIX}.anonymousId`,
  userId: `${STORAGE_PREFIX}.userId`,
  traits: `${STORAGE_PREFIX}.traits`,
};

/**
 * The visitor's identity, persisted the way RudderStack's SDK does it (anonymousId, userId and the
 * accumulated traits survive reloads), in localStorage with a memory fallback.
 */
export class IdentityStore {
  anonymousId: string;
  userId: string;
  traits: JsonObject;

  constructor(
    private readonly storage: Storage | undefined,
    private readonly uuid: () => string,
  ) {
    this.anonymousId = this.read(KEYS.anonymousId) || uuid();
    this.userId = this.read(KEYS.userId);
    let traits: JsonObject = {};
    try {
      traits = toJsonObject(JSON.parse(this.read(KEYS.traits) || '{}'), 'traits', []);
    } catch {
      traits = {};
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

  private read(key: string): string {
    try {
      return this.storage?.getItem(key) ?? '';
    } catch {
      return '';
    }
  }

  private save(): void {
    try {
      this.storage?.setItem(KEYS.anonymousId, this.anonymousId);
      if (this.userId) this.storage?.setItem(KEYS.userId, this.userId);
      else this.storage?.removeItem(KEYS.userId);
      if (Object.keys(this.traits).length) this.storage?.setItem(KEYS.traits, JSON.stringify(this.traits));
      else this.storage?.removeItem(KEYS.traits);
    } catch {
      // Storage refused: the identity lives in memory for this page.
    }
  }
}
