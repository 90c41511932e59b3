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
  let waiting: Array<(chunk?: LowerTiersModule) => void> | undefined;
  const run = (use: (chunk?: LowerTiersModule) => void) => {
    try {
      use(chunk ?? undefined);
    } catch (error) {
      logger.error(say('internal'), error);
    }
  };
  const settle = (module: LowerTiersModule | null) => {
    chunk = module;
    const all = waiting ?? [];
    waiting = undefined;
    all.forEach(run);
  };
  const arrived = (module: LowerTiersModule) => {
    if (module.LIBRARY_VERSION !== LIBRARY_VERSION) throw new Error(`version ${module.LIBRARY_VERSION}`);
    settle(module);
  };
  const failed = (error: unknown) => {
    logger.warn(say('tiersFailed', String(error)));
    settle(null);
  };
  return (use) => {
    if (chunk !== undefined) return run(use);
    if (waiting) return void waiting.push(use);
    waiting = [use];
    try {
      const module = load(win);
      if ('then' in module) module.then(arrived).catch(failed);
      else arrived(module);
    } catch (error) {
      failed(error);
    }
  };
}
