import { useEffect, useRef, useState } from 'react';
import type { GridWorld, GridWorldSpec } from '../../../core/envs/gridWorld';
import { greedyPolicy, PolicyIteration, valueIterationSweep } from '../../../core/tabular/dynamicProgramming';
import { GridValues } from './GridValues';
import { StepButtons } from './StepButtons';

/** Sweeps stop once no value moves by more than this (policy iteration: its evaluation of each policy). */
const TOLERANCE = 1e-6;

export type DpMethod = 'value-iteration' | 'policy-iteration';

interface Progress {
  V: Float64Array;
  policy: Int32Array;
  sweeps: number;
  delta: number;
  done: boolean;
  note: string;
}

/**
 * Dynamic programming on the grid's own transition model, one sweep per click (or played): value iteration or policy
 * iteration, the values and greedy arrows drawn on the grid as they change (Sutton & Barto ch. 4).
 */
export function DynamicProgramming({ spec, model, gamma, method }: { spec: GridWorldSpec; model: GridWorld; gamma: number; method: DpMethod }) {
  const [playing, setPlaying] = useState(false);
  const pi = useRef<PolicyIteration | null>(null);
  const fresh = (): Progress => ({ V: new Float64Array(model.numStates), policy: new Int32Array(model.numStates), sweeps: 0, delta: Infinity, done: false, note: '' });
  const [progress, setProgress] = useState<Progress>(fresh);

  const reset = () => {
    pi.current = new PolicyIteration(model, gamma, TOLERANCE);
    setProgress(fresh());
    setPlaying(false);
  };
  // A new grid, method or discount starts over.
  useEffect(reset, [model, method, gamma]);

  const sweep = () =>
    setProgress((p) => {
      if (p.done) return p;
      if (method === 'value-iteration') {
        const { V, delta } = valueIterationSweep(model, p.V, gamma);
        const done = delta < TOLERANCE;
        return { V, policy: greedyPolicy(model, V, gamma), sweeps: p.sweeps + 1, delta, done, note: done ? 'converged: V = V*' : '' };
      }
      const runner = pi.current!;
      const step = runner.step();
      const note = step.phase === 'improve' ? (runner.stable ? `policy stable after ${runner.improvements} improvements: optimal` : `improvement ${runner.improvements}`) : 'evaluating the policy';
      return { V: Float64Array.from(runner.V), policy: Int32Array.from(runner.policy), sweeps: p.sweeps + 1, delta: step.delta, done: runner.stable, note };
    });

  useEffect(() => {
    if (!playing) return;
    if (progress.done) {
      setPlaying(false);
      return;
    }
    const t = setTimeout(sweep, 20);
    return () => clearTimeout(t);
  });

  return (
    <>
      <StepButtons step="one sweep" onStep={sweep} playing={playing} onPlaying={setPlaying} onReset={reset} done={progress.done} stepTestId="tabular-sweep" />
      <p className="small" data-testid="tabular-status">
        sweep {progress.sweeps}
        {progress.sweeps > 0 ? `, largest change ${progress.delta.toExponential(2)}` : ''}
        {progress.note ? ` · ${progress.note}` : ''}
      </p>
      <GridValues spec={spec} model={model} V={progress.V} policy={progress.sweeps > 0 ? progress.policy : null} testId="tabular-canvas" />
    </>
  );
}
