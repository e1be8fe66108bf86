// Remembering the `auto` backend choice so Start does not measure every backend again on every page load: a choice
// is kept per device, network shape and lab build; without one a run starts on the likely-fastest backend at once and
// the measurement runs in the background. Plain data and functions (no tfjs, no DOM): the page stores the choices.
import { AdapterInfo } from './webgpuAdapter';
import { BackendName } from './backendNames';

/** What a backend choice depends on besides the device: the networks' sizes and the batch, not learning rates. */
export interface NetworkShape {
  algorithmId: string;
  observationDim: number;
  actionDim: number;
  discreteActions: number | null;
  hyperparameters?: Record<string, unknown>;
  /** Members of a population trained as one batched model (absent or 1: a lone run). K members do K times the work per
   * kernel, which can turn a backend that loses for one run (WebGPU's per-dispatch cost) into the winner. */
  members?: number;
}

/** Hyperparameters that change the work of an update (layer sizes, batch, sequence length, ensemble size). */
export const SHAPE_KEYS = ['hidden', 'actorHidden', 'vaeHidden', 'batchSize', 'contextLength', 'layers', 'heads', 'embedding', 'numCritics', 'sampledActions', 'criticLayerNorm', 'twinV'] as const;

/** A remembered choice: the backend `auto` picked and what it measured. */
export interface RememberedChoice {
  active: BackendName;
  /** Updates per second per backend as measured (null: not measured, e.g. a software WebGPU adapter). */
  measured: Partial<Record<BackendName, number | null>>;
  measuredAt: number;
}

/** The key of a choice: the device (browser and GPU adapter), the lab build, the network shape and the population size. */
export function choiceKey(device: string, build: string, shape: NetworkShape): string {
  const hp = shape.hyperparameters ?? {};
  const sizes = SHAPE_KEYS.filter((k) => hp[k] !== undefined).map((k) => `${k}=${String(hp[k])}`);
  const members = (shape.members ?? 1) > 1 ? [`members=${shape.members}`] : [];
  return [device, build, shape.algorithmId, shape.observationDim, shape.actionDim, shape.discreteActions ?? 'box', ...sizes, ...members].join('|');
}

/** The device part of a key: the browser, its cores and its WebGPU adapter (a new GPU or driver measures again). */
export function deviceKey(userAgent: string, cores: number | undefined, adapter: AdapterInfo | null): string {
  return `${userAgent}|cores=${cores ?? '?'}|gpu=${adapter ? `${adapter.description}${adapter.fallback ? ' (software)' : ''}` : 'none'}`;
}

/**
 * The backend to start on before anything is measured: WebGPU on a real (hardware) adapter, else wasm, which wins
 * on every CPU-only machine measured (PLATFORM.md: wasm 40, webgl 25, cpu 11, software webgpu 3.5 updates/s).
 */
export function likelyFastest(adapter: AdapterInfo | null): BackendName {
  return adapter && !adapter.fallback ? 'webgpu' : 'wasm';
}

/** Forgets choices older than this: browsers and drivers update under a stable user agent too. */
export const CHOICE_MAX_AGE_MS = 30 * 24 * 3600 * 1000;

/** A stored choice if it is well-formed and recent, else null (bad stored data is ignored, not trusted). */
export function validChoice(value: unknown, now: number): RememberedChoice | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Partial<RememberedChoice>;
  const names: BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
  if (!names.includes(v.active as BackendName) || typeof v.measuredAt !== 'number' || !(now - v.measuredAt < CHOICE_MAX_AGE_MS) || v.measuredAt > now + 60_000) return null;
  const measured: RememberedChoice['measured'] = {};
  for (const n of names) {
    const m = (v.measured as Record<string, unknown> | undefined)?.[n];
    if (m === null || (typeof m === 'number' && Number.isFinite(m) && m >= 0)) measured[n] = m;
  }
  return { active: v.active as BackendName, measured, measuredAt: v.measuredAt };
}
