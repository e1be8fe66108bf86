import { useState } from 'react';
import type { TdMethod } from '../../core/tabular/temporalDifference';
import { DynamicProgramming, type DpMethod } from './tabular/DynamicProgramming';
import { OfflineTabular } from './tabular/OfflineTabular';
import { TdLearning } from './tabular/TdLearning';
import { useGridSpec } from './tabular/useGridSpec';

type Method = DpMethod | TdMethod | 'pessimistic-q';

const HELP: Record<'dp' | 'td' | 'offline', string> = {
  dp: "The grid's transition model is known here, so its values can be computed without data: value iteration backs every cell up with its best action each sweep; policy iteration evaluates a fixed policy until its values settle, then makes it greedy. Numbers are V(s), arrows the greedy action.",
  td: "The learner knows nothing of the model: it acts ε-greedily, and after every step moves Q(s, a) toward a target. Q-learning's target takes the best next action (it learns the optimal values while exploring), SARSA's the next action it actually takes (it learns the values of its own exploring policy, so on CliffWalking it keeps away from the edge), expected SARSA's the average under ε-greedy. Numbers are max_a Q(s, a), arrows the greedy action.",
  offline: 'No interaction: values from the transitions of the selected dataset alone. Plain offline Q trusts every pair the data tried and leaves untried ones at their initial 0, which looks better than any costly step; VI-LCB (Rashidinejad et al. 2021) puts untried pairs at the bottom and subtracts a penalty that shrinks with the count, so its greedy policy stays where the data is.',
};

const familyOf = (m: Method): keyof typeof HELP => (m === 'value-iteration' || m === 'policy-iteration' ? 'dp' : m === 'pessimistic-q' ? 'offline' : 'td');

/**
 * Tabular methods on the grid environments, each drawn on the grid as it changes: dynamic programming on the known
 * model, TD control acting in the grid, and offline tabular Q on the dataset, all measured against value iteration.
 */
export function TabularPanel() {
  const grid = useGridSpec();
  const [method, setMethod] = useState<Method>('value-iteration');
  const [gamma, setGamma] = useState(0.95);
  if (!grid) return null;
  const { spec, model } = grid;
  const family = familyOf(method);
  return (
    <section className="panel" data-testid="tabular-panel">
      <h2>Tabular methods on the grid</h2>
      <p className="help">{HELP[family]}</p>
      <div className="scrubber">
        <label>
          method{' '}
          <select value={method} onChange={(e) => setMethod(e.target.value as Method)} data-testid="tabular-method">
            <optgroup label="known model">
              <option value="value-iteration">value iteration</option>
              <option value="policy-iteration">policy iteration</option>
            </optgroup>
            <optgroup label="acting in the grid">
              <option value="q-learning">Q-learning</option>
              <option value="sarsa">SARSA</option>
              <option value="expected-sarsa">expected SARSA</option>
            </optgroup>
            <optgroup label="from the dataset">
              <option value="pessimistic-q">offline Q: plain vs pessimistic (VI-LCB)</option>
            </optgroup>
          </select>
        </label>
        <label title={family === 'td' ? 'The discount; a change applies from the next episode and is marked on the return curve.' : 'The discount.'}>
          gamma{' '}
          <input type="number" min={0} max={0.999} step={0.01} value={gamma} onChange={(e) => setGamma(Math.min(0.999, Math.max(0, Number(e.target.value) || 0)))} data-testid="tabular-gamma" />
        </label>
      </div>
      {family === 'dp' && <DynamicProgramming spec={spec} model={model} gamma={gamma} method={method as DpMethod} />}
      {family === 'td' && <TdLearning spec={spec} model={model} gamma={gamma} method={method as TdMethod} />}
      {family === 'offline' && <OfflineTabular spec={spec} model={model} gamma={gamma} />}
    </section>
  );
}
