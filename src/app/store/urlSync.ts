// The lab's state in the URL hash, as TensorFlow Playground keeps its own: the form (environment, dataset or its
// recipe, algorithm, changed values, backend), chart choices and hidden controls are written as they change; a
// Share link adds the runs. Links are untrusted: core/experiments/labLink.ts checks every part of them.
import { changedValues, decodeLabLink, encodeLabLink, schemaOf, type LabLink, type LinkRun } from '../../core/experiments/labLink';
import { defaultValues } from '../../core/run/hyperparameters';
import type { Catalog } from '../../core/run/session';
import { defaultChart, useLab, type LabState } from './labStore';

/** Panels a teacher can hide with a link (hyperparameter keys can be hidden too). */
export const PANELS = ['environment', 'dataset', 'algorithm', 'backend', 'runs', 'compare', 'sweeps', 'pbt', 'inspector', 'replay', 'valuemap'] as const;

/** Every id a link's `hide` may name: the panels and every hyperparameter key of every algorithm. */
export function knownControls(catalog: Catalog): string[] {
  const keys = new Set<string>(PANELS);
  for (const a of catalog.algorithms) for (const p of a.hyperparameters) keys.add(p.key);
  for (const p of catalog.runSchema) keys.add(p.key);
  return [...keys];
}

let pendingDataset: string | null = null;
/** The hash the page last wrote: a hashchange to it is our own echo, not an edit. */
let written = '';

function linkOfPage(s: LabState, withRuns: boolean, hide: string[] = s.hiddenControls): LabLink {
  const catalog = s.catalog!;
  const dataset = s.datasets.find((d) => d.id === s.datasetId);
  const chart = Object.fromEntries(Object.entries(s.chart).filter(([k, v]) => defaultChart[k as keyof typeof defaultChart] !== v));
  return {
    env: s.envId,
    data: pendingDataset ?? dataset?.name,
    recipe: withRuns && dataset?.recipe ? { ...dataset.recipe } : undefined,
    algo: s.algorithmId,
    backend: s.backendRequest,
    values: changedValues(schemaOf(catalog, s.algorithmId), s.values[s.algorithmId] ?? {}),
    runs: withRuns ? linkRunsOf(s) : [],
    hide,
    chart,
    present: s.presentation || undefined,
  };
}

/** The visible runs as link runs: one per group of seeds, its lowest seed and how many. */
function linkRunsOf(s: LabState): LinkRun[] {
  const groups = new Map<string, { run: LabState['runs'][string]; seeds: number[] }>();
  for (const id of s.runOrder) {
    const r = s.runs[id];
    if (!r || r.hidden || r.config.fork) continue;
    const g = groups.get(r.membership.groupId);
    if (g) g.seeds.push(Number(r.config.hyperparameters.seed));
    else groups.set(r.membership.groupId, { run: r, seeds: [Number(r.config.hyperparameters.seed)] });
  }
  return [...groups.values()].slice(0, 20).map(({ run, seeds }) => ({
    algo: run.config.algorithmId,
    data: run.config.datasetName,
    seeds: Math.min(20, seeds.length),
    values: changedValues(schemaOf(s.catalog!, run.config.algorithmId), { ...run.config.hyperparameters, seed: Math.min(...seeds) }),
  }));
}

/** A link to the whole lab: the form, its dataset's recipe, the visible runs, chart choices, hidden controls, presentation mode. */
export function shareLink(hide: string[], present = useLab.getState().presentation): string {
  const s = useLab.getState();
  if (!s.catalog) return location.href;
  const hash = encodeLabLink({ ...linkOfPage(s, true, hide), present: present || undefined }, s.catalog);
  return `${location.origin}${location.pathname}#${hash}`;
}

/** Applies a link: the form, chart choices, hidden controls; runs are offered, not started. */
function applyLink(hash: string, catalog: Catalog): void {
  const { link, problems } = decodeLabLink(hash, catalog, knownControls(catalog));
  useLab.setState((s) => {
    const algorithmId = link.algo ?? s.algorithmId;
    const values = link.algo ? { ...defaultValues(schemaOf(catalog, algorithmId)), ...link.values } : { ...s.values[algorithmId], ...link.values };
    return {
      envId: link.env ?? link.recipe?.envId ?? s.envId,
      algorithmId,
      backendRequest: link.backend ?? s.backendRequest,
      values: { ...s.values, [algorithmId]: values },
      chart: { ...defaultChart, ...link.chart },
      hiddenControls: link.hide,
      presentation: link.present ?? false,
      linkRuns: link.runs.length > 0 ? { runs: link.runs, recipe: link.recipe, env: link.env } : s.linkRuns,
      runsNotice: problems.length ? `Some of the link was not applied: ${problems.join('; ')}.` : s.runsNotice,
    };
  });
  pendingDataset = link.data ?? link.recipe?.name ?? null;
  pendingRecipe = link.recipe ?? null;
}

let pendingRecipe: LabLink['recipe'] | null = null;

/**
 * After the saved and built-in datasets are loaded: a dataset the link names but this browser lacks is made again
 * from the link's recipe, or the user is told exactly what is missing.
 */
export async function resolveLinkDataset(generate: (recipe: NonNullable<LabLink['recipe']>) => Promise<void>): Promise<void> {
  if (!pendingDataset) return;
  const s = useLab.getState();
  if (s.datasets.some((d) => d.name === pendingDataset && d.envId === s.envId)) return;
  if (pendingRecipe && pendingRecipe.name === pendingDataset) {
    const recipe = pendingRecipe;
    await generate(recipe);
    return;
  }
  const name = pendingDataset.length > 60 ? `${pendingDataset.slice(0, 60)}…` : pendingDataset;
  useLab.setState({ datasetError: `The link names the dataset "${name}", which this browser does not have and the link cannot rebuild (it was imported, not generated): import the same file, then choose it.` });
  clearPendingDataset();
}

/** The link's dataset was made or found: stop waiting for it. */
export function clearPendingDataset(): void {
  pendingDataset = null;
  pendingRecipe = null;
}

/** Applies the link the page was opened with (after the catalog is loaded), then keeps the URL in step with the page. */
export function startUrlSync(): void {
  const { catalog } = useLab.getState();
  if (!catalog) return;
  applyLink(location.hash, catalog);

  // The hash is live: editing it (or back/forward) applies it, as opening the link would.
  // The event's own URL, not location: a store update between the navigation and this event may already have written
  // the page's hash back (replaceState), and the edit would then be taken for our echo and lost.
  window.addEventListener('hashchange', (e: HashChangeEvent) => {
    const hash = new URL(e.newURL).hash.replace(/^#/, '');
    if (hash !== written) applyLink(hash, catalog);
  });

  let lastKey: unknown[] = [];
  useLab.subscribe((s) => {
    // Only what the hash holds: reports of training runs change the store many times a second.
    const key = [s.envId, s.datasetId, s.datasets, s.algorithmId, s.values, s.backendRequest, s.chart, s.hiddenControls, s.presentation, s.catalog];
    if (key.every((v, i) => v === lastKey[i])) return;
    lastKey = key;
    // A dataset named in the link is selected as soon as it exists (built-in ones are made at start).
    if (pendingDataset) {
      const match = s.datasets.find((d) => d.name === pendingDataset && d.envId === s.envId);
      if (match) {
        clearPendingDataset();
        if (s.datasetId !== match.id) useLab.setState({ datasetId: match.id });
        return;
      }
    }
    if (!s.catalog) return;
    const hash = encodeLabLink(linkOfPage(s, false), s.catalog);
    if (location.hash.replace(/^#/, '') !== hash) {
      written = hash;
      history.replaceState(null, '', `#${hash}`);
    }
  });
}
