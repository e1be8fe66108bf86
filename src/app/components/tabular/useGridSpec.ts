import { useMemo } from 'react';
import { datasetEnvSpec } from '../../../core/data/datasetEnv';
import { GridWorld, isGridWorldSpec, type GridWorldSpec } from '../../../core/envs/gridWorld';
import { getEnvSpec } from '../../../core/envs/registry';
import { selectedDataset, useLab } from '../../store/labStore';

/** The grid the tabular panel works on: the selected dataset's map when it belongs to this environment (a drawn layout), else the registered one; null off the grids. */
export function useGridSpec(): { spec: GridWorldSpec; model: GridWorld } | null {
  const envId = useLab((s) => s.envId);
  const dataset = useLab(selectedDataset);
  // The registered spec is one object, so another dataset of the same map keeps the grid (and what was learned on it).
  const spec = useMemo(() => {
    const own = dataset && dataset.envId === envId ? datasetEnvSpec(dataset) : null;
    const s = own ?? getEnvSpec(envId);
    return isGridWorldSpec(s) ? s : null;
  }, [envId, dataset]);
  return useMemo(() => (spec ? { spec, model: new GridWorld(spec) } : null), [spec]);
}
