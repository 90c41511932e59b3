/** Types of criticalPath.mjs. */
import type { RollupOutput } from 'rollup';

export function criticalPath(output: RollupOutput['output']): { critical: string; lazy: string };
