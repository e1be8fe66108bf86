import * as tf from '@tensorflow/tfjs';
import type { Agent } from '../algos/types';
import { allocateArrays, type Dataset } from '../data/dataset';
import { VectorEnv } from '../envs/vectorEnv';
import { Rng } from '../rng';
import { clipToUnitBox, toEnvAction, type ActionScale } from './actionScale';

export interface PolicyDatasetOptions {
  /** Rows to record; the episode running when they are full is cut there (a time-out). */
  transitions: number;
  seed: number;
  /** 'sample' draws from a stochastic policy (D4RL's medium/expert data were sampled); 'greedy' takes its mode. */
  mode: 'greedy' | 'sample';
  /** Std of Gaussian noise added to continuous actions in [-1, 1] before scaling (clipped to the box). */
  actionNoise?: number;
  name: string;
  /** Copies stepped in lockstep: one batched forward pass per step for all of them. */
  numEnvs?: number;
  onProgress?: (fraction: number) => void;
}

interface Row {
  obs: Float32Array;
  action: Float32Array;
  reward: number;
  next: Float32Array;
  terminal: boolean;
  timeout: boolean;
}

/**
 * A dataset recorded from a trained agent's policy in its environment (the lab's way to make "medium" or "expert"
 * MuJoCo data, as D4RL made them from SAC checkpoints). Episodes run in `numEnvs` copies in lockstep and are
 * written whole, one after another, so rows stay in D4RL's episode order.
 */
export async function generatePolicyDataset(agent: Agent, envId: string, actionScale: ActionScale | null, opts: PolicyDatasetOptions): Promise<Dataset> {
  if (!Number.isInteger(opts.transitions) || opts.transitions < 1 || opts.transitions > 5_000_000) throw new Error(`transitions must be an integer between 1 and 5,000,000, got ${opts.transitions}`);
  const numEnvs = opts.numEnvs ?? 8;
  const venv = new VectorEnv(envId, numEnvs, { seed: opts.seed });
  const { spec, observationDim: obsDim, actionDim: actDim } = venv;
  const discrete = spec.actionSpace.kind === 'discrete';
  const n = opts.transitions;
  const arrays = allocateArrays(n, obsDim, actDim);
  const rng = new Rng(opts.seed ^ 0x2545f491);
  const noise = opts.actionNoise ?? 0;
  const open: Row[][] = Array.from({ length: numEnvs }, () => []);
  let row = 0;
  let episodes = 0;
  let lastReport = 0;
  const flush = (rows: Row[]) => {
    const take = Math.min(rows.length, n - row);
    for (let k = 0; k < take; k++) {
      const r = rows[k];
      arrays.observations.set(r.obs, row * obsDim);
      arrays.actions.set(r.action, row * actDim);
      arrays.rewards[row] = r.reward;
      arrays.nextObservations.set(r.next, row * obsDim);
      arrays.nextValid[row] = 1;
      arrays.terminals[row] = r.terminal ? 1 : 0;
      arrays.timeouts[row] = r.timeout || (k === take - 1 && !r.terminal) ? 1 : 0;
      row++;
    }
    episodes++;
  };
  try {
    let obs = venv.reset();
    while (row < n) {
      const batch = tf.tensor2d(obs, [numEnvs, obsDim]);
      const out = agent.act(batch, opts.mode);
      const values = await out.data();
      tf.dispose([batch, out]);
      const envActions = new Float32Array(numEnvs * (discrete ? 1 : actDim));
      const recorded: Float32Array[] = [];
      for (let i = 0; i < numEnvs; i++) {
        if (discrete) {
          envActions[i] = values[i];
          recorded.push(Float32Array.of(values[i]));
          continue;
        }
        const unit = Float32Array.from(values.subarray(i * actDim, (i + 1) * actDim));
        if (noise > 0) for (let k = 0; k < actDim; k++) unit[k] += rng.normal(0, noise);
        // A Gaussian policy's samples (PPO) are unbounded: the row records the action the environment applies.
        unit.set(clipToUnitBox(unit));
        const a = toEnvAction(unit, actionScale);
        envActions.set(a, i * actDim);
        recorded.push(a);
      }
      const step = venv.step(envActions);
      for (let i = 0; i < numEnvs && row < n; i++) {
        const ended = step.terminated[i] === 1 || step.truncated[i] === 1;
        const next = ended ? step.finalObservations[i]! : step.observations.slice(i * obsDim, (i + 1) * obsDim);
        open[i].push({ obs: obs.slice(i * obsDim, (i + 1) * obsDim), action: recorded[i], reward: step.rewards[i], next, terminal: step.terminated[i] === 1, timeout: step.truncated[i] === 1 });
        if (ended) {
          flush(open[i]);
          open[i] = [];
        }
      }
      // When the rows left fit inside the longest episode still running, end it there (cut as a time-out).
      if (row < n) {
        const longest = open.reduce((best, e, i) => (e.length > open[best].length ? i : best), 0);
        if (open[longest].length >= n - row) {
          flush(open[longest]);
          open[longest] = [];
        }
      }
      obs = step.observations;
      if (opts.onProgress && row - lastReport >= 1000) {
        lastReport = row;
        opts.onProgress(row / n);
      }
    }
  } finally {
    venv.dispose();
  }
  opts.onProgress?.(1);
  return {
    id: `${opts.name}-${n}-s${opts.seed}`,
    name: opts.name,
    envId: spec.id,
    source: 'generated',
    behavior: `trained policy (${opts.mode}${noise > 0 ? `, noise ${noise}` : ''})`,
    observationDim: obsDim,
    actionDim: actDim,
    discreteActions: discrete && spec.actionSpace.kind === 'discrete' ? spec.actionSpace.n : null,
    size: n,
    episodes,
    createdAt: Date.now(),
    seed: opts.seed,
    ...arrays,
  };
}
