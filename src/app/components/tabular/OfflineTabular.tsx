import { useMemo, useState } from 'react';
import type { GridWorld, GridWorldSpec } from '../../../core/envs/gridWorld';
import { valueIteration } from '../../../core/policies/valueIteration';
import { gridTransitions } from '../../../core/tabular/gridTransitions';
import { optimumGap, reachableStates, startStates } from '../../../core/tabular/optimumGap';
import { pessimisticQ, plainOfflineQ } from '../../../core/tabular/pessimisticQ';
import { selectedDataset, useLab } from '../../store/labStore';
import { GridValues } from './GridValues';

/** Penalty scales c on the slider: V_max is the whole value range (2000 on CliffWalking), so useful c are small. */
const PENALTIES = [0, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1];

type Shown = 'lcb' | 'plain';

/**
 * Offline tabular Q on the selected dataset of this grid, no interaction: plain (the empirical model's values, pairs
 * the data never tried left at Q = 0) against VI-LCB's pessimism (a count-based penalty, untried pairs at the bottom),
 * each greedy policy valued on the true model against value iteration's optimum.
 */
export function OfflineTabular({ spec, model, gamma }: { spec: GridWorldSpec; model: GridWorld; gamma: number }) {
  const envId = useLab((s) => s.envId);
  const dataset = useLab(selectedDataset);
  const [notch, setNotch] = useState(3);
  const [shown, setShown] = useState<Shown>('lcb');
  const [numbers, setNumbers] = useState<'values' | 'counts'>('values');
  const c = PENALTIES[notch];
  const usable = dataset && dataset.envId === envId ? dataset : null;
  const data = useMemo(() => {
    if (!usable) return null;
    try {
      return { rows: gridTransitions(usable, spec.grid), error: null };
    } catch (e) {
      return { rows: null, error: e instanceof Error ? e.message : String(e) };
    }
  }, [usable, spec]);
  const starts = useMemo(() => startStates(spec.grid), [spec]);
  const optimum = useMemo(() => valueIteration(model, gamma), [model, gamma]);
  const reachable = useMemo(() => reachableStates(model, starts), [model, starts]);
  const hidden = useMemo(() => (s: number) => reachable[s] === 0, [reachable]);
  const g = Math.min(gamma, 0.999);
  const plain = useMemo(() => (data?.rows ? plainOfflineQ(data.rows, model.numStates, 4, g) : null), [data, model, g]);
  const lcb = useMemo(() => (data?.rows ? pessimisticQ(data.rows, model.numStates, 4, g, c) : null), [data, model, g, c]);
  const gaps = useMemo(() => (plain && lcb ? { plain: optimumGap(model, plain.V, plain.policy, optimum.V, g, starts), lcb: optimumGap(model, lcb.V, lcb.policy, optimum.V, g, starts) } : null), [plain, lcb, model, optimum, g, starts]);
  const counts = useMemo(() => (lcb ? Float64Array.from({ length: model.numStates }, (_, s) => lcb.counts.subarray(4 * s, 4 * s + 4).reduce((a, b) => a + b, 0)) : null), [lcb, model]);

  if (!usable) return <p className="help">Select or generate a dataset of this grid in the dataset panel: these learners use only its transitions.</p>;
  if (!data?.rows || !plain || !lcb || !gaps || !counts) return <p className="error">{data?.error ?? 'no transitions'}</p>;
  const drawn = shown === 'lcb' ? lcb : plain;
  const row = (name: string, testId: string, value: number, error: number | null) => (
    <tr data-testid={testId}>
      <td>{name}</td>
      <td className="num">{value.toFixed(2)}</td>
      <td className="num">{error === null ? '—' : error.toFixed(3)}</td>
    </tr>
  );
  return (
    <>
      <p className="small">
        dataset <strong>{usable.name}</strong>: {data.rows.length.toLocaleString()} transitions, {counts.filter((n, s) => n > 0 && reachable[s]).length} of {reachable.reduce((a, b) => a + b, 0)} cells tried
      </p>
      <div className="scrubber">
        <label title="c in the penalty b(s, a) = c V_max sqrt(log(2SA/δ) / n(s, a)): 0 keeps only the bottom value for untried pairs; larger c distrusts rarely tried pairs more.">
          LCB penalty scale c <input type="range" min={0} max={PENALTIES.length - 1} step={1} value={notch} onChange={(e) => setNotch(Number(e.target.value))} data-testid="tabular-lcb" aria-label="LCB penalty scale c" /> <output>{c}</output>
        </label>
        <label>
          draw{' '}
          <select value={shown} onChange={(e) => setShown(e.target.value as Shown)} data-testid="tabular-offline-shown">
            <option value="lcb">VI-LCB (pessimistic)</option>
            <option value="plain">plain offline Q</option>
          </select>
        </label>
        <label>
          numbers{' '}
          <select value={numbers} onChange={(e) => setNumbers(e.target.value as 'values' | 'counts')} data-testid="tabular-offline-numbers">
            <option value="values">values V(s)</option>
            <option value="counts">data rows from each cell</option>
          </select>
        </label>
      </div>
      <table className="score-table small" data-testid="tabular-offline-table">
        <thead>
          <tr>
            <th>greedy policy of</th>
            <th className="num">value at the start</th>
            <th className="num">max |V − V*|</th>
          </tr>
        </thead>
        <tbody>
          {row('plain offline Q (untried Q = 0)', 'tabular-offline-plain', gaps.plain.policyValue, gaps.plain.maxError)}
          {row(`VI-LCB, c = ${c}`, 'tabular-offline-lcb', gaps.lcb.policyValue, gaps.lcb.maxError)}
          {row('value iteration (optimum)', 'tabular-offline-optimum', gaps.lcb.optimalValue, null)}
        </tbody>
      </table>
      <GridValues spec={spec} model={model} V={drawn.V} policy={drawn.policy} hidden={hidden} numbers={numbers === 'counts' ? counts : undefined} label="V(s)" testId="tabular-canvas" />
    </>
  );
}
