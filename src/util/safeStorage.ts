/** Prefix of every storage key this package writes. */
export const STORAGE_PREFIX = 'kdm';

/** The little of `Storage` the package needs. */
export interface SafeStorage {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
  keys(): string[];
  /** False once it fell back to memory: nothing survives a reload and there is no cross-tab sharing. */
  readonly persistent: boolean;
}

/**
 * localStorage, falling back to memory for good on the first security or quota error (Safari private
 * mode, storage disabled, quota exceeded). `onFallback` is told why, once; nothing already stored is
 * lost (what localStorage held is carried into memory). Never throws.
 */
export function createSafeStorage(
  getStorage: () => Storage | null | undefined,
  onFallback: (why: string) => void,
): SafeStorage {
  const memory = new Map<string, string>();
  let local: Storage | undefined;
  try {
    local = getStorage() ?? undefined;
    // A read, not a write: nothing is written before it is asked for (consent). Storage that refuses
    // writes is found at the first write, and falls back then.
    if (local) void local.length;
  } catch {
    local = undefined;
  }
  const fallBack = (why: string) => {
    if (!local) return;
    try {
      for (let i = 0; i < local.length; i++) {
        const key = local.key(i);
        const value = key === null ? null : local.getItem(key);
        if (key !== null && value !== null && !memory.has(key)) memory.set(key, value);
      }
    } catch {
      // unreadable: keep what memory has
    }
    local = undefined;
    onFallback(why);
  };
  if (!local) onFallback('is not available');

  return {
    get persistent() {
      return !!local;
    },
    get(key) {
      if (local) {
        try {
          return local.getItem(key);
        } catch {
          fallBack('cannot be read');
        }
      }
      return memory.get(key) ?? null;
    },
    set(key, value) {
      if (local) {
        try {
          local.setItem(key, value);
          return;
        } catch {
          fallBack('is full or refused the write');
        }
      }
      memory.set(key, value);
    },
    remove(key) {
      memory.delete(key);
      if (local) {
        try {
          local.removeItem(key);
        } catch {
          fallBack('cannot be written');
        }
      }
    },
    keys() {
      if (local) {
        try {
          const keys: string[] = [];
          for (let i = 0; i < local.length; i++) {
            const key = local.key(i);
            if (key !== null) keys.push(key);
          }
          return keys;
        } catch {
          fallBack('cannot be read');
        }
      }
      return [...memory.keys()];
    },
  };
}

/**
 * Remove every key this package wrote (`kdm.*`: identity, queues, tab heartbeats, claims, pauses)
 * from `storage`. Never throws.
 */
export function removeStoredData(getStorage: () => Storage | null | undefined): void {
  try {
    const storage = getStorage();
    if (!storage) return;
    const ours: string[] = [];
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key?.startsWith(`${STORAGE_PREFIX}.`)) ours.push(key);
    }
    for (const key of ours) storage.removeItem(key);
  } catch {
    // storage unusable: nothing of ours can be in it
  }
}
