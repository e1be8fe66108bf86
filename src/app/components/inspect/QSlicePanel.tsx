import { useEffect, useMemo, useRef, useState } from 'react';
import { drawActionMap } from '../../render/actionMap';
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from 'recharts';
import { datasetEnvSpec } from '../../../core/data/datasetEnv';
import type { Dataset } from '../../../core/data/dataset';
import { actionScaleFor, toEnvAction } from '../../../core/run/actionScale';
import type { QSliceRequest } from '../../../core/run/inspect';
import { focusedRun, useLab } from '../../store/labStore';
import { useInspection } from './useInspection';
import { useInView } from '../../charts/useInView';

const GRID = 61;
const GRID_2D = 25;
const NEIGHBOURS = 30;

function sliceRequest(d: Dataset, row: number): QSliceRequest | null {
  const observation = d.observations.slice(row * d.observationDim, (row + 1) * d.observationDim);
  if (d.discreteActions !== null) {
    const n = d.discreteActions;
    return { kind: 'qSlice', observation, actions: Float32Array.from({ length: n }, (_, i) => i), count: n, neighbours: NEIGHBOURS };
  }
  const axis = (i: number, n: number) => -1 + (2 * i) / (n - 1);
  if (d.actionDim === 1) return { kind: 'qSlice', observation, actions: Float32Array.from({ length: GRID }, (_, i) => axis(i, GRID)), count: GRID, neighbours: NEIGHBOURS };
  if (d.actionDim !== 2) return null;
  // Row-major over the square: row r is the second action component, column c the first (heatmap layout).
  const actions = new Float32Array(GRID_2D * GRID_2D * 2);
  for (let r = 0; r < GRID_2D; r++) for (let c = 0; c < GRID_2D; c++) actions.set([axis(c, GRID_2D), axis(r, GRID_2D)], (r * GRID_2D + c) * 2);
  return { kind: 'qSlice', observation, actions, count: GRID_2D * GRID_2D, neighbours: NEIGHBOURS };
}

/** Q over the 2D action square, drawn on a canvas with the data's actions as dots. */
function ActionSquare({ q, dots, axes }: { q: Float32Array; dots: Float32Array; axes: [string, string] }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    drawActionMap(ctx, 420, 320, { width: GRID_2D, height: GRID_2D, values: q, xRange: [-1, 1], yRange: [-1, 1], label: 'Q(s, a)' }, dots, axes);
  }, [q, dots, axes]);
  return <canvas ref={canvas} width={420} height={320} data-testid="q-square" />;
}

/**
 * Q(s, .) over the whole action range at one dataset state, with the actions the data took at the nearest states
 * marked: where the data has no actions the critic is guessing (extrapolation error), and naive methods pick
 * exactly those guesses.
 */
export function QSlicePanel() {
  const dataset = useLab((s) => s.datasets.find((d) => d.id === focusedRun(s)?.config.datasetId) ?? null);
  const [row, setRow] = useState(0);
  const request = useMemo(() => (dataset ? sliceRequest(dataset, Math.min(row, dataset.size - 1)) : null), [dataset, row]);
  const section = useRef<HTMLElement>(null);
  const visible = useInView(section);
  const { result, error } = useInspection(request, `${dataset?.id}:${row}`, visible);
  if (!dataset) return null;
  const spec = datasetEnvSpec(dataset);
  const scale = spec ? actionScaleFor(spec.actionSpace, dataset.actionDim) : null;
  const obs = request?.observation ?? new Float32Array();

  let body;
  if (!request) body = <p className="help">Q(s, ·) is drawn for discrete actions and for continuous actions of one or two dimensions.</p>;
  else if (error) body = <p className="error">{error}</p>;
  else if (result && !result.q) body = <p className="help">This algorithm has no critic, so there is no Q to draw.</p>;
  else if (result?.q && result.datasetActions) {
    if (dataset.actionDim === 2 && dataset.discreteActions === null) {
      body = <ActionSquare q={result.q} dots={result.datasetActions} axes={[`${spec?.actionLabels[0] ?? 'action 0'} (scaled to ±1)`, spec?.actionLabels[1] ?? 'action 1']} />;
    } else if (dataset.discreteActions !== null) {
      const counts = new Array<number>(dataset.discreteActions).fill(0);
      result.datasetActions.forEach((a) => counts[a]++);
      const data = Array.from(result.q, (q, a) => ({ action: spec?.actionLabels[a] ?? String(a), q, data: counts[a] }));
      body = (
        <ResponsiveContainer width="100%" height={200}>
          <ComposedChart data={data} margin={{ top: 8, right: 40, bottom: 4, left: 4 }}>
            <CartesianGrid stroke="#eee" />
            <XAxis dataKey="action" fontSize={11} />
            <YAxis yAxisId="q" fontSize={11} width={52} domain={['auto', 'auto']} />
            <YAxis yAxisId="n" orientation="right" fontSize={11} width={36} allowDecimals={false} />
            <Tooltip isAnimationActive={false} />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            <Bar yAxisId="n" dataKey="data" name={`dataset actions at the ${NEIGHBOURS} nearest states`} fill="#cbd5e1" isAnimationActive={false} />
            <Line yAxisId="q" dataKey="q" name="Q(s, a)" stroke="#2563eb" isAnimationActive={false} />
          </ComposedChart>
        </ResponsiveContainer>
      );
    } else {
      const toEnv = (u: number) => toEnvAction(Float32Array.of(u), scale)[0];
      const curve = Array.from(result.q, (q, i) => ({ a: toEnv(request.actions[i]), q }));
      const marks = Array.from(result.datasetActions, (u, i) => ({ a: toEnv(u), q: result.datasetQ?.[i] ?? 0 }));
      body = (
        <ResponsiveContainer width="100%" height={200}>
          <ComposedChart margin={{ top: 8, right: 16, bottom: 4, left: 4 }}>
            <CartesianGrid stroke="#eee" />
            <XAxis dataKey="a" type="number" domain={['dataMin', 'dataMax']} fontSize={11} tickFormatter={(v: number) => v.toFixed(1)} label={{ value: spec?.actionLabels[0] ?? 'action', position: 'insideBottomRight', fontSize: 10 }} />
            <YAxis dataKey="q" fontSize={11} width={52} domain={['auto', 'auto']} />
            <Tooltip isAnimationActive={false} />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            <Line data={curve} dataKey="q" name="Q(s, a)" stroke="#2563eb" dot={false} isAnimationActive={false} />
            <Scatter data={marks} dataKey="q" name={`dataset actions at the ${NEIGHBOURS} nearest states`} fill="#dc2626" isAnimationActive={false} />
          </ComposedChart>
        </ResponsiveContainer>
      );
    }
  } else body = <p className="help">Start a run to see the critic's Q values here.</p>;

  return (
    <section className="panel" data-testid="q-slice" ref={section}>
      <h2>Q(s, ·) at one state</h2>
      <div className="scrubber">
        <span>dataset row</span>
        <input type="range" min={0} max={dataset.size - 1} value={Math.min(row, dataset.size - 1)} onChange={(e) => setRow(Number(e.target.value))} aria-label="dataset row" />
        <button onClick={() => setRow(Math.floor(Math.random() * dataset.size))}>random state</button>
      </div>
      <p className="help">
        s = [{Array.from(obs, (v) => v.toFixed(2)).join(', ')}]. Where the data has actions, Q is anchored; between and beyond them, it is extrapolated. Naive DQN/SAC chase the highest
        extrapolated value; CQL pushes those down.
      </p>
      {body}
    </section>
  );
}
