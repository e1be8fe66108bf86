import { useState } from 'react';
import { getEnvSpec } from '../../../core/envs/registry';
import { policyLevels } from '../../../core/policies/index';
import { generate } from '../../store/datasets';
import { useLab } from '../../store/labStore';
import { mixName } from '../../store/presets';
import { RunPolicySource } from './RunPolicySource';

type Unit = 'transitions' | 'episodes';

// D4RL's kinds as one click: a plain policy, or medium and expert data concatenated half and half.
const KINDS: { label: string; weights: Record<string, number> }[] = [
  { label: 'random', weights: { random: 100 } },
  { label: 'medium', weights: { medium: 100 } },
  { label: 'expert', weights: { expert: 100 } },
  { label: 'medium-expert', weights: { medium: 50, expert: 50 } },
];

const LIMITS: Record<Unit, [number, number]> = { transitions: [100, 5_000_000], episodes: [1, 100_000] };

/** Behaviour policies and their shares, size, seed and action noise; generation runs in a dataset worker. */
export function GenerateForm() {
  const envId = useLab((s) => s.envId);
  const levels = policyLevels(envId);
  const continuous = getEnvSpec(envId).actionSpace.kind === 'box';
  const [weights, setWeights] = useState<Record<string, number>>({ expert: 100 });
  const [unit, setUnit] = useState<Unit>('transitions');
  const [size, setSize] = useState(20_000);
  const [seed, setSeed] = useState(7);
  const [noise, setNoise] = useState(0);

  const mix = levels.filter((l) => (weights[l.id] ?? 0) > 0).map((l) => ({ policy: l.id, weight: weights[l.id] }));
  const [lo, hi] = LIMITS[unit];
  const problem =
    mix.length === 0
      ? 'give at least one behaviour policy a share above 0'
      : !Number.isInteger(size) || size < lo || size > hi
        ? `${unit} must be a whole number from ${lo.toLocaleString()} to ${hi.toLocaleString()}`
        : continuous && !(noise >= 0 && noise <= 1)
          ? 'action noise must be between 0 and 1'
          : null;
  const noisy = continuous && noise > 0;
  const name = mix.length ? `${mixName(envId, mix)}${noisy ? `-noise${noise}` : ''}` : '';

  return (
    <details className="subpanel" data-testid="generate-form">
      <summary>Generate a dataset</summary>
      <p className="help">Roll out this environment's behaviour policies, or a run you trained, and record every transition. Several policies are concatenated in order, as D4RL builds medium-expert.</p>
      <div className="kinds">
        {KINDS.map((k) => (
          <button key={k.label} className="small" onClick={() => setWeights(k.weights)}>
            {k.label}
          </button>
        ))}
      </div>
      <fieldset>
        <legend>share of the data (%)</legend>
        {levels.map((l) => (
          <label key={l.id} className="field" title={l.description}>
            <span>{l.label}</span>
            <input type="number" min={0} max={100} value={weights[l.id] ?? 0} onChange={(e) => setWeights({ ...weights, [l.id]: Math.max(0, Number(e.target.value) || 0) })} data-testid={`mix-${l.id}`} />
          </label>
        ))}
      </fieldset>
      <label className="field">
        <span>size</span>
        <span className="inline">
          <input type="number" min={lo} max={hi} value={size} onChange={(e) => setSize(Math.floor(Number(e.target.value) || 0))} data-testid="generate-size" />
          <select value={unit} onChange={(e) => setUnit(e.target.value as Unit)} aria-label="size unit">
            <option value="transitions">transitions</option>
            <option value="episodes">episodes</option>
          </select>
        </span>
      </label>
      <label className="field">
        <span>seed</span>
        <input type="number" min={0} value={seed} onChange={(e) => setSeed(Math.max(0, Math.floor(Number(e.target.value) || 0)))} />
      </label>
      {continuous && (
        <label className="field" title="Standard deviation of Gaussian noise added to each action, clipped to the action space: more variety, lower quality.">
          <span>action noise</span>
          <input type="number" min={0} max={1} step={0.05} value={noise} onChange={(e) => setNoise(Number(e.target.value))} />
        </label>
      )}
      {problem && <p className="error">{problem}</p>}
      <button
        className="primary"
        disabled={problem !== null}
        data-testid="generate"
        onClick={() => void generate({ mix, seed, name, ...(unit === 'transitions' ? { transitions: size } : { episodes: size }), ...(noisy ? { actionNoise: noise } : {}) })}
      >
        Generate {name}
      </button>
      <RunPolicySource />
    </details>
  );
}
