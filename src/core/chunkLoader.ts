import type { Logger } from '../logger/createLogger.js';
import { say } from '../logger/say.js';
import type { LoadLowerTiers, LowerTiersModule } from '../tiers/LowerTiers.js';
import { LIBRARY_VERSION } from '../version.js';

/** Runs `use` with the chunk once it is here, or with nothing when it cannot come. */
export type WithChunk = (use: (chunk?: LowerTiersModule) => void) => void;

/**
 * The lower tiers chunk, brought by `load` once, the first time something asks for it: each `use`
 * runs with it once it is here (at once if it already is, or if `load` has it at hand), or with
 * nothing when it cannot come: not loaded, or of another version (logged once, `tiersFailed`). What
 * a `use` throws is logged, never thrown to the host.
 */
export function chunkLoader(load: LoadLowerTiers, win: Window, logger: Logger): WithChunk {
  /** `undefined` before it is asked for; `null` when it cannot come. */
  let chunk: LowerTiersModule | null | undefined;
  /** The `use`s waiting while it is on its way. */
  const waiting: Array<(chunk?: LowerTiersModule) => void> = [];
  const run = (use: (chunk?: LowerTiersModule) => void) => {
    try {
      use(chunk ?? undefined);
    } catch (error) {
      logger.error(say('internal'), error);
    }
  };
  const settle = (module: LowerTiersModule | null, error?: unknown) => {
    if (module && module.LIBRARY_VERSION !== LIBRARY_VERSION) {
      return settle(null, new Error(`version ${module.LIBRARY_VERSION}`));
    }
    if (!module) logger.warn(say('tiersFailed', String(error)));
    chunk = module;
    waiting.splice(0).forEach(run);
  };
  return (use) => {
    if (chunk !== undefined) return run(use);
    if (waiting.push(use) > 1) return; // on its way
    try {
      const module = load(win);
      if ('then' in module) module.then(settle, (error: unknown) => settle(null, error));
      else settle(module);
    } catch (error) {
      settle(null, error);
    }
  };
}
