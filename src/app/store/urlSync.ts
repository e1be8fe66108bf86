import { changedValues, decodeUrlState, encodeUrlState, schemaOf } from './urlState';
import { useLab } from './labStore';

let pendingDataset: string | null = null;

/** Applies the link the page was opened with (after the catalog is loaded), then keeps the URL in step with the page. */
export function startUrlSync(): void {
  const { catalog } = useLab.getState();
  if (!catalog) return;
  const { state, problems } = decodeUrlState(location.hash, catalog);
  useLab.setState((s) => {
    const algorithmId = state.algo ?? s.algorithmId;
    return {
      envId: state.env ?? s.envId,
      algorithmId,
      backendRequest: state.backend ?? s.backendRequest,
      values: { ...s.values, [algorithmId]: { ...s.values[algorithmId], ...state.values } },
      datasetError: problems.length ? `Some of the link was not applied: ${problems.join('; ')}.` : s.datasetError,
    };
  });
  pendingDataset = state.data ?? null;

  useLab.subscribe((s) => {
    // A dataset named in the link is selected as soon as it exists (built-in ones are made at start).
    if (pendingDataset) {
      const match = s.datasets.find((d) => d.name === pendingDataset && d.envId === s.envId);
      if (match) {
        pendingDataset = null;
        if (s.datasetId !== match.id) useLab.setState({ datasetId: match.id });
        return;
      }
    }
    if (!s.catalog) return;
    const dataset = s.datasets.find((d) => d.id === s.datasetId);
    const hash = encodeUrlState({
      env: s.envId,
      data: pendingDataset ?? dataset?.name,
      algo: s.algorithmId,
      backend: s.backendRequest,
      values: changedValues(schemaOf(s.catalog, s.algorithmId), s.values[s.algorithmId] ?? {}),
    });
    if (location.hash.replace(/^#/, '') !== hash) history.replaceState(null, '', `#${hash}`);
  });
}
