import { getEnvSpec, listEnvs } from '../envs/registry';
import type { Dataset, DatasetInfo } from './dataset';
import { checkEnvOptions } from './datasetEnv';
import { parseDatasetFile } from './formats/index';
import { checkAgainstEnv, DatasetFormatError, matchEnvironment } from './formats/validate';

/**
 * Which environment an imported dataset belongs to: 'auto' matches by dimensions and metadata (preferring
 * `prefer`, the page's current environment, among equal fits), 'none' keeps it without one, or a chosen id.
 */
export type EnvChoice = { kind: 'auto'; prefer?: string } | { kind: 'none' } | { kind: 'env'; envId: string };

/** How the environment was decided, for the page to say. */
export type EnvDecision = 'named' | 'family' | 'current' | 'only-fit' | 'chosen' | 'ambiguous' | 'no-fit' | 'none';

export interface ImportRequest {
  fileName: string;
  env: EnvChoice;
  /** Minari's data/metadata.json text, when the user dropped it together with main_data.hdf5. */
  metadataJson?: string;
}

export interface ImportResult {
  dataset: Dataset;
  decision: EnvDecision;
  /** Registered environments whose spaces fit the data, best first (for the page's environment choice). */
  fits: string[];
}

export type ImportStage = 'reading' | 'parsing' | 'checking' | 'done';
export interface ImportProgress {
  stage: ImportStage;
  /** Overall fraction 0..1 (reading 0-0.3, parsing 0.3-0.9, checking 0.9-1). */
  fraction: number;
}
export type ImportProgressListener = (p: ImportProgress) => void;

/** Reads a Blob (a dropped File) into one byte array, reporting the fraction read. */
export async function readBytes(source: Uint8Array | Blob, onFraction?: (f: number) => void): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  const out = new Uint8Array(source.size);
  const reader = source.stream().getReader();
  let at = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (at + value.length > out.length) throw new DatasetFormatError(`the file grew while it was read (more than ${out.length} bytes)`);
    out.set(value, at);
    at += value.length;
    onFraction?.(out.length ? at / out.length : 1);
  }
  return at === out.length ? out : out.subarray(0, at);
}

/**
 * Picks the environment for a dataset parsed without one: the environment its metadata or name names (exactly,
 * or as a family like "cartpole-expert"), else the preferred one if it fits, else the only one that fits.
 */
export function chooseEnvironment(d: Pick<DatasetInfo, 'observationDim' | 'actionDim' | 'discreteActions' | 'metadata' | 'envId' | 'name'>, prefer?: string): { envId: string | null; decision: EnvDecision; fits: string[] } {
  const matches = matchEnvironment(d, listEnvs());
  const fits = matches.map((m) => m.envId);
  if (d.envId) return { envId: d.envId, decision: 'named', fits };
  const named = matches.find((m) => m.nameMatch !== null);
  if (named) return { envId: named.envId, decision: named.nameMatch === 'exact' ? 'named' : 'family', fits };
  if (prefer && fits.includes(prefer)) return { envId: prefer, decision: 'current', fits };
  if (fits.length === 1) return { envId: fits[0], decision: 'only-fit', fits };
  return { envId: null, decision: fits.length ? 'ambiguous' : 'no-fit', fits };
}

/**
 * Parses a dataset file (D4RL or Minari HDF5, NPZ, CSV, JSON) and attaches it to an environment. With a chosen
 * environment the file is read with that environment's rules (its time limit for files without `timeouts`, float
 * action indices for discrete actions) and a dimension mismatch is a DatasetFormatError naming both sides. With
 * 'auto', a match found after parsing is read again with the match's rules, so both paths give the same data.
 */
export async function importDatasetFile(source: Uint8Array | Blob, request: ImportRequest, onProgress?: ImportProgressListener): Promise<ImportResult> {
  const report = (stage: ImportStage, fraction: number) => onProgress?.({ stage, fraction });
  report('reading', 0);
  const bytes = await readBytes(source, (f) => report('reading', 0.3 * f));
  if (bytes.length === 0) throw new DatasetFormatError(`${request.fileName || 'the file'} is empty`);
  const parse = (envId?: string) => {
    report('parsing', 0.3);
    return parseDatasetFile(bytes, request.fileName, { envId, ...(request.metadataJson ? { metadataJson: request.metadataJson } : {}) });
  };
  const choice = request.env;
  let dataset: Dataset;
  let decision: EnvDecision;
  let fits: string[];
  if (choice.kind === 'env') {
    getEnvSpec(choice.envId); // an unknown id is a plain error, not the file's fault
    dataset = await parse(choice.envId);
    report('checking', 0.9);
    checkAgainstEnv(dataset, getEnvSpec(choice.envId));
    decision = 'chosen';
    fits = chooseEnvironment({ ...dataset, envId: null }).fits;
  } else {
    dataset = await parse();
    report('checking', 0.9);
    const picked = chooseEnvironment(dataset, choice.kind === 'auto' ? choice.prefer : undefined);
    fits = picked.fits;
    if (choice.kind === 'none') {
      dataset = { ...dataset, envId: null };
      decision = 'none';
    } else {
      decision = picked.decision;
      if (picked.envId && picked.envId !== dataset.envId) dataset = await parse(picked.envId);
    }
  }
  if (dataset.envId && dataset.envOptions) {
    try {
      checkEnvOptions(dataset.envId, dataset.envOptions);
    } catch (e) {
      throw new DatasetFormatError(`the file's env_layout does not fit ${dataset.envId}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  report('done', 1);
  return { dataset, decision, fits };
}

/**
 * The dataset's info attached to another environment (or none), after checking that its dimensions fit.
 * Only the attachment changes: rules applied while parsing (an implied time limit) stay as they were read.
 * A custom layout goes along only to an environment that takes it.
 */
export function reattachEnvironment<T extends Pick<DatasetInfo, 'observationDim' | 'actionDim' | 'discreteActions' | 'envId' | 'envOptions'>>(d: T, envId: string | null): T {
  if (envId === null) return { ...d, envId: null };
  const spec = getEnvSpec(envId);
  checkAgainstEnv(d, spec);
  const moved = { ...d, envId, discreteActions: spec.actionSpace.kind === 'discrete' ? spec.actionSpace.n : d.discreteActions };
  if (d.envOptions && !fitsLayout(envId, d)) delete moved.envOptions;
  return moved;
}

function fitsLayout(envId: string, d: Pick<DatasetInfo, 'envOptions'>): boolean {
  try {
    checkEnvOptions(envId, d.envOptions);
    return true;
  } catch {
    return false;
  }
}
