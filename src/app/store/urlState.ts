import { checkValue, defaultValues, type HyperParam, type HyperValues } from '../../core/run/hyperparameters';
import type { Catalog } from '../../core/run/session';
import { BACKEND_REQUESTS, type BackendRequest } from '../../core/tf/backendNames';
import { listEnvs } from '../../core/envs/registry';

/** The page's choices as they appear in the URL hash, e.g. #env=CartPole-v1&data=cartpole-expert&algo=bc&lr=0.001 */
export interface UrlState {
  env?: string;
  data?: string;
  algo?: string;
  backend?: BackendRequest;
  /** Hyperparameters that differ from the algorithm's defaults. */
  values: HyperValues;
}

const RESERVED = ['env', 'data', 'algo', 'backend'];

export function encodeUrlState(state: UrlState): string {
  const p = new URLSearchParams();
  if (state.env) p.set('env', state.env);
  if (state.data) p.set('data', state.data);
  if (state.algo) p.set('algo', state.algo);
  if (state.backend && state.backend !== 'auto') p.set('backend', state.backend);
  for (const [k, v] of Object.entries(state.values)) p.set(k, String(v));
  return p.toString();
}

/**
 * Reads a hash against the catalog. Unknown names and bad values are left out and reported, never applied:
 * a shared link with a typo still opens the lab.
 */
export function decodeUrlState(hash: string, catalog: Catalog): { state: UrlState; problems: string[] } {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const problems: string[] = [];
  const state: UrlState = { values: {} };
  const env = p.get('env');
  if (env !== null) {
    if (listEnvs().some((e) => e.id === env)) state.env = env;
    else problems.push(`unknown environment "${env}" in the link`);
  }
  const algo = p.get('algo');
  if (algo !== null) {
    if (catalog.algorithms.some((a) => a.id === algo)) state.algo = algo;
    else problems.push(`unknown algorithm "${algo}" in the link`);
  }
  const backend = p.get('backend');
  if (backend !== null) {
    if ((BACKEND_REQUESTS as string[]).includes(backend)) state.backend = backend as BackendRequest;
    else problems.push(`unknown backend "${backend}" in the link`);
  }
  if (p.get('data')) state.data = p.get('data')!;
  const schema = schemaOf(catalog, state.algo ?? 'bc');
  for (const [key, raw] of p.entries()) {
    if (RESERVED.includes(key)) continue;
    const param = schema.find((s) => s.key === key);
    if (!param) {
      problems.push(`the link sets "${key}", which this algorithm does not have`);
      continue;
    }
    try {
      state.values[key] = checkValue(param, param.kind === 'bool' ? raw === 'true' : raw);
    } catch (e) {
      problems.push(`the link's ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { state, problems };
}

export function schemaOf(catalog: Catalog, algorithmId: string): HyperParam[] {
  const algo = catalog.algorithms.find((a) => a.id === algorithmId);
  return [...(algo?.hyperparameters ?? []), ...catalog.runSchema];
}

/** Only the values that differ from the defaults go in the link. */
export function changedValues(schema: HyperParam[], values: HyperValues): HyperValues {
  const defaults = defaultValues(schema);
  return Object.fromEntries(Object.entries(values).filter(([k, v]) => defaults[k] !== v && schema.some((p) => p.key === k)));
}
