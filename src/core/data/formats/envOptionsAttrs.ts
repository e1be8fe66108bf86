import type { DatasetEnvOptions } from '../dataset';
import { DatasetFormatError } from './validate';

/**
 * A dataset's custom map (DatasetInfo.envOptions) as scalar file metadata: the lab writes these as D4RL root
 * attributes, and any import whose metadata holds them (D4RL attributes, Minari metadata.json) gets the map back.
 * The reference score names are Minari's (metadata.json ref_min_score / ref_max_score).
 */
const LAYOUT = 'env_layout';
const REF_MIN = 'ref_min_score';
const REF_MAX = 'ref_max_score';
const REF_SOURCE = 'ref_scores_source';

/** The metadata entries that store `options` (none without a layout). */
export function envOptionsAttrs(options: DatasetEnvOptions | undefined): Record<string, string | number> {
  if (options?.layout === undefined) return {};
  const ref = options.referenceScores;
  return { [LAYOUT]: options.layout, ...(ref ? { [REF_MIN]: ref.min, [REF_MAX]: ref.max, [REF_SOURCE]: ref.source } : {}) };
}

/**
 * The custom map stored in imported metadata, and the metadata without those entries (so a dataset moved to
 * another environment cannot carry a stale map into its next export). Reference scores count only with a layout.
 */
export function takeEnvOptions(metadata: Record<string, string | number> | undefined): { envOptions: DatasetEnvOptions | undefined; rest: Record<string, string | number> | undefined } {
  const layout = metadata?.[LAYOUT];
  if (!metadata || layout === undefined) return { envOptions: undefined, rest: metadata };
  if (typeof layout !== 'string') throw new DatasetFormatError(`the ${LAYOUT} attribute must be a text map, got the number ${layout}`);
  const { [LAYOUT]: _layout, [REF_MIN]: min, [REF_MAX]: max, [REF_SOURCE]: source, ...rest } = metadata;
  const envOptions: DatasetEnvOptions = { layout };
  if (typeof min === 'number' && typeof max === 'number') envOptions.referenceScores = { min, max, source: typeof source === 'string' ? source : 'stored with the dataset' };
  return { envOptions, rest };
}
