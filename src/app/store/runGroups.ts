import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { describeRuns } from '../../core/experiments/describe';
import type { RunRecord } from '../../core/experiments/types';
import { groupRuns, type RunGroup } from '../charts/runSeries';
import { useLab, type LabState } from './labStore';
import { algorithmName } from './runs';

/**
 * What the charts' layout depends on, as one string: which runs exist, their names, colours, groups and
 * visibility. Charts re-render when it changes, and otherwise only on the chart clock (not on every report).
 */
const structureKey = (s: LabState) => s.runOrder.map((id) => { const r = s.runs[id]; return `${id}|${r.name}|${r.color}|${r.hidden ? 1 : 0}|${r.membership.groupId}|${r.config.algorithmId}`; }).join(';');

/** One line per group in legends: what differs between the groups (algorithm, dataset, hyperparameters). */
export function groupLabels(runs: readonly RunRecord[]): Record<string, string> {
  const firsts = new Map<string, RunRecord>();
  for (const r of runs) if (!firsts.has(r.membership.groupId)) firsts.set(r.membership.groupId, r);
  const reps = [...firsts.values()];
  const lines = describeRuns(reps.map((r) => ({ algorithmName: algorithmName(r.config.algorithmId), datasetName: r.config.datasetName, hyperparameters: r.config.hyperparameters })));
  return Object.fromEntries(reps.map((r, i) => [r.membership.groupId, lines[i]]));
}

/** The visible runs grouped by configuration, re-computed when runs come, go, hide or are renamed. */
export function useRunGroups(): { groups: RunGroup[]; runs: RunRecord[]; labels: Record<string, string> } {
  const key = useLab(structureKey);
  const runOrder = useLab(useShallow((s) => s.runOrder));
  return useMemo(() => {
    const all = runOrder.map((id) => useLab.getState().runs[id]).filter(Boolean);
    const labels = groupLabels(all);
    return { groups: groupRuns(all, labels), runs: all, labels };
  }, [key, runOrder]);
}
