import { schemaOf } from '../../core/experiments/labLink';
import { defaultValues } from '../../core/run/hyperparameters';
import { useLab } from './labStore';
import { addRun } from './runs';

/**
 * Starts the runs a shared link describes: each configuration with its seeds (its seed, seed + 1, ...), on the
 * dataset the link names in its environment. A dataset this browser lacks is named, and nothing is started for it.
 */
export function startLinkRuns(): void {
  const s = useLab.getState();
  const offer = s.linkRuns;
  if (!offer || !s.catalog) return;
  const missing: string[] = [];
  for (const run of offer.runs) {
    const envId = offer.env ?? s.envId;
    const dataset = s.datasets.find((d) => d.name === run.data && d.envId === envId) ?? s.datasets.find((d) => d.name === run.data);
    if (!dataset) {
      missing.push(run.data);
      continue;
    }
    const hyperparameters = { ...defaultValues(schemaOf(s.catalog, run.algo)), ...run.values };
    const base = Number(hyperparameters.seed ?? 0);
    for (let i = 0; i < run.seeds; i++) {
      addRun({ algorithmId: run.algo, envId: dataset.envId, datasetId: dataset.id, datasetName: dataset.name, hyperparameters: { ...hyperparameters, seed: base + i }, backend: s.backendRequest });
    }
  }
  useLab.setState({
    linkRuns: null,
    runsNotice: missing.length ? `The link's runs on ${missing.map((m) => `"${m}"`).join(', ')} were not started: this browser has no dataset of that name.` : null,
  });
}
