import type { LoadLowerTiers } from '../tiers/LowerTiers.js';

/**
 * Brings the lower tiers by dynamic import: an app's bundler makes them a chunk of their own. The
 * browser files (`Klaviyo.min.js`, the IIFE) are built with {@link loadLowerTiersScript} instead.
 */
export const loadLowerTiers: LoadLowerTiers = () => import('../tiers/createLowerTiers.js');
