import { useEffect, useMemo, useRef, useState } from 'react';
import type { GridWorld, GridWorldSpec } from '../../../core/envs/gridWorld';
import { valueIteration } from '../../../core/policies/valueIteration';
import { greedyOfQ, optimumGap, reachableStates, startStates, valuesOfQ } from '../../../core/tabular/optimumGap';
import { TdControl } from '../../../core/tabular/tdControl';
import type { TdMethod } from '../../../core/tabular/temporalDifference';
import { MetricChart, type ChartMarker } from '../../charts/MetricChart';
import { GridValues } from './GridValues';
import { GapLine } from './GapLine';
import { LiveSlider } from './LiveSlider';
import { StepButtons } from './StepButtons';

/** Episodes per frame while playing: watch single episodes, or fast-forward. */
const SPEEDS = [1, 10, 100];
/** Training work per frame while playing, so the page keeps its frame rate. */
const FRAME_BUDGET_MS = 8;
/** The return curve's smoothing window, in episodes. */
const WINDOW = 20;

interface Change {
  episode: number;
  key: string;
  from: number;
  to: number;
}

/**
 * Q-learning, SARSA or expected SARSA acting epsilon-greedily in the grid, one episode per click (or played): Q's
 * greedy values and arrows on the grid, the return of every episode, and how far the learner is from value
 * iteration's optimum. Step size, epsilon and gamma change between episodes, each change a marker on the curve.
 */
export function TdLearning({ spec, model, gamma, method }: { spec: GridWorldSpec; model: GridWorld; gamma: number; method: TdMethod }) {
  // Slippery moves need a small step to average the slips. On CliffWalking 0.2 rather than S&B's 0.5: measured with
  // epsilon 0.1, SARSA's greedy path settles on the safe row by about 700 episodes at 0.2, while at 0.5 it keeps
  // flipping into loops that never reach the goal.
  const [alpha, setAlpha] = useState(spec.grid.slip > 0 ? 0.1 : 0.2);
  const [epsilon, setEpsilon] = useState(0.1);
  const [speed, setSpeed] = useState(10);
  const [playing, setPlaying] = useState(false);
  const [version, setVersion] = useState(0);
  const [changes, setChanges] = useState<Change[]>([]);
  const learner = useRef<TdControl | null>(null);
  learner.current ??= new TdControl(spec, 1); // once, not on every render

  const reset = () => {
    learner.current = new TdControl(spec, 1);
    setChanges([]);
    setPlaying(false);
    setVersion((v) => v + 1);
  };
  useEffect(reset, [spec, method]);

  // A change while it learns is recorded at the episode it takes effect (drags merge into one marker).
  const change = (key: string, from: number, to: number, set: (v: number) => void) => {
    set(to);
    const episode = learner.current!.episodes;
    if (episode === 0) return;
    setChanges((c) => {
      const last = c[c.length - 1];
      return last && last.key === key && last.episode === episode ? [...c.slice(0, -1), { ...last, to }] : [...c, { episode, key, from, to }];
    });
  };
  const lastGamma = useRef(gamma);
  useEffect(() => {
    if (lastGamma.current !== gamma) change('gamma', lastGamma.current, gamma, () => {});
    lastGamma.current = gamma;
  }, [gamma]);

  const run = (episodes: number) => {
    const start = performance.now();
    for (let i = 0; i < episodes && performance.now() - start < FRAME_BUDGET_MS; i++) learner.current!.episode({ method, alpha, gamma, epsilon });
    setVersion((v) => v + 1);
  };
  useEffect(() => {
    if (!playing) return;
    const t = setTimeout(() => run(speed), 30);
    return () => clearTimeout(t);
  });

  const optimum = useMemo(() => valueIteration(model, gamma), [model, gamma]);
  const starts = useMemo(() => startStates(spec.grid), [spec]);
  const reachable = useMemo(() => reachableStates(model, starts), [model, starts]);
  const hidden = useMemo(() => (s: number) => reachable[s] === 0, [reachable]);
  const view = useMemo(() => {
    const { Q, returns } = learner.current!;
    const V = valuesOfQ(Q, 4);
    const policy = greedyOfQ(Q, 4);
    const recent = returns.slice(-WINDOW);
    return { V, policy, episodes: returns.length, last: returns[returns.length - 1], mean: recent.reduce((a, b) => a + b, 0) / Math.max(1, recent.length), gap: optimumGap(model, V, policy, optimum.V, gamma, starts) };
  }, [version, model, optimum, gamma, starts]);
  const series = useMemo(() => {
    const returns = learner.current!.returns;
    let sum = 0;
    const smooth = returns.map((r, i) => {
      sum += r - (i >= WINDOW ? returns[i - WINDOW] : 0);
      return { x: i + 1, y: sum / Math.min(i + 1, WINDOW) };
    });
    return [
      { name: 'episode return', points: returns.map((y, i) => ({ x: i + 1, y })), color: '#93c5fd', opacity: 0.6, width: 1 },
      { name: `mean of the last ${WINDOW}`, points: smooth, color: '#2563eb', width: 2 },
    ];
  }, [version]);
  const markers = useMemo<ChartMarker[]>(() => changes.map((c) => ({ x: c.episode, label: `${c.key} ${c.from} → ${c.to}` })), [changes]);

  return (
    <>
      <div className="scrubber">
        <LiveSlider label="step size α" min={0.01} max={1} step={0.01} value={alpha} onChange={(v) => change('alpha', alpha, v, setAlpha)} testId="tabular-alpha" title="How far each update moves Q(s, a) toward its target." />
        <LiveSlider label="epsilon" min={0} max={1} step={0.01} value={epsilon} onChange={(v) => change('epsilon', epsilon, v, setEpsilon)} testId="tabular-epsilon" title="The share of random moves while acting (and, for expected SARSA, in its target)." />
      </div>
      <StepButtons step="one episode" onStep={() => run(1)} playing={playing} onPlaying={setPlaying} onReset={reset} stepTestId="tabular-episode">
        <label>
          speed{' '}
          <select value={speed} onChange={(e) => setSpeed(Number(e.target.value))} data-testid="tabular-speed">
            {SPEEDS.map((s) => (
              <option key={s} value={s}>
                {s} episode{s > 1 ? 's' : ''} a frame
              </option>
            ))}
          </select>
        </label>
      </StepButtons>
      <p className="small" data-testid="tabular-status">
        episode {view.episodes}
        {view.episodes > 0 ? ` · last return ${view.last.toFixed(2)} · mean of the last ${Math.min(WINDOW, view.episodes)} ${view.mean.toFixed(2)}` : ''}
      </p>
      <GapLine gap={view.gap} />
      <GridValues spec={spec} model={model} V={view.V} policy={view.episodes > 0 ? view.policy : null} hidden={hidden} label="max Q" testId="tabular-canvas" />
      <MetricChart title="Episode return (the ε-greedy policy acting)" series={series} markers={markers} testId="tabular-returns" xLabel="episode" height={170} />
    </>
  );
}
