import type { AlgorithmDef } from '../algos/types';

/** Replay capacity of an offline run continued online (CORL's finetune scripts keep every online transition: 1e6 there; the lab's runs are shorter). */
export const FINETUNE_BUFFER_CAPACITY = 200_000;

/** Offline algorithms whose update reads something only the dataset has (ReBRAC: the data's next action). */
const NEEDS_DATASET_ONLY_FIELDS: Record<string, string> = { rebrac: "the data's next action (its critic penalty)" };

/**
 * Throws a message naming the problem when an offline run cannot continue online: no environment to act in, a
 * sequence model, or an update that needs fields online transitions lack.
 */
export function checkFinetunable(algorithm: AlgorithmDef, envId: string | null, datasetName: string): void {
  if (!envId) throw new Error(`interaction: dataset "${datasetName}" has no environment to interact with, so ${algorithm.name} cannot continue online`);
  if (algorithm.batchKind === 'sequences') throw new Error(`interaction: ${algorithm.name} trains on sequences of the dataset and cannot continue online`);
  if (!algorithm.usesNextState) throw new Error(`interaction: ${algorithm.name} does not learn from rewards (no TD target), so online fine-tuning would only imitate its own actions`);
  const needs = NEEDS_DATASET_ONLY_FIELDS[algorithm.id];
  if (needs) throw new Error(`interaction: ${algorithm.name} needs ${needs}, which online transitions do not have`);
}
