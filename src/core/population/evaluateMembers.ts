// Evaluation of every member's greedy policy at once: member k's episodes run in its own environment copies, and each
// step is one batched forward pass of the whole population ([K, n, observationDim], one async read).
import * as tf from '@tensorflow/tfjs';
import { makeEnv } from '../envs/registry';
import type { TimeLimit } from '../envs/timeLimit';
import { flatDim } from '../envs/spaces';
import type { DatasetEnvOptions } from '../data/dataset';
import { envOptionsOf } from '../data/datasetEnv';
import { toEnvAction, type ActionScale } from '../run/actionScale';
import { evaluationResult, type EvaluationResult } from '../run/evaluate';
import type { PopulationAgent } from './types';

/**
 * `seeds[k]`: the reset seeds of member k's episodes, or an empty list for a member not due now. Returns one result per
 * member with seeds (null for the others); the first episode of each is recorded in full for the replay.
 */
export async function evaluateMembers(agent: PopulationAgent, envId: string, seeds: number[][], update: number, actionScale: ActionScale | null, envOptions?: DatasetEnvOptions): Promise<(EvaluationResult | null)[]> {
  if (seeds.every((s) => s.length === 0)) return seeds.map(() => null);
  const envs = seeds.map((list) => list.map(() => makeEnv(envId, envOptionsOf(envOptions))));
  try {
    return await runMembers(agent, envs, envId, seeds, update, actionScale, envOptions);
  } finally {
    for (const env of envs.flat()) env.dispose(); // MuJoCo envs free their wasm model and data
  }
}

async function runMembers(agent: PopulationAgent, envs: TimeLimit[][], envId: string, seeds: number[][], update: number, actionScale: ActionScale | null, envOptions?: DatasetEnvOptions): Promise<(EvaluationResult | null)[]> {
  const K = agent.members;
  const n = Math.max(...seeds.map((s) => s.length));
  const spec = envs.flat()[0].spec;
  const reference = envOptions?.layout !== undefined ? envOptions.referenceScores : spec.referenceScores;
  const [obsDim, actDim] = [flatDim(spec.observationSpace), flatDim(spec.actionSpace)];
  const discrete = spec.actionSpace.kind === 'discrete';
  const obs = envs.map((list, k) => list.map((env, i) => env.reset(seeds[k][i])));
  const returns = seeds.map((list) => list.map(() => 0));
  const lengths = seeds.map((list) => list.map(() => 0));
  const active = seeds.map((list) => list.map(() => true));
  const record = envs.map((list) => ({ states: list.length > 0 ? Array.from(list[0].getState()) : [], actions: [] as number[], rewards: [] as number[], terminated: false }));

  // Sequence policies (the Decision Transformer) act from each episode's recent steps and the return still to get.
  const memory = agent.beginEpisodes ? agent.beginEpisodes(n) : null;

  while (active.some((a) => a.some(Boolean))) {
    // Finished and absent episodes keep a row of zeros: every member's slice has n rows, so one pass serves all.
    const input = new Float32Array(K * n * obsDim);
    obs.forEach((list, k) => list.forEach((o, i) => active[k][i] && input.set(o, (k * n + i) * obsDim)));
    const acting = active.map((a) => a.slice());
    const batch = tf.tensor3d(input, [K, n, obsDim]);
    const out = memory ? memory.act(acting, input) : agent.act(batch, 'greedy');
    const values = await out.data();
    tf.dispose([batch, out]);
    const stepRewards = new Float32Array(K * n);
    envs.forEach((list, k) =>
      list.forEach((env, i) => {
        if (!active[k][i]) return;
        const row = k * n + i;
        const action = discrete ? values[row] : toEnvAction(Float32Array.from(values.subarray(row * actDim, (row + 1) * actDim)), actionScale);
        const r = env.step(action);
        stepRewards[row] = r.reward;
        returns[k][i] += r.reward;
        lengths[k][i] += 1;
        obs[k][i] = r.observation;
        if (i === 0) {
          record[k].states.push(...env.getState());
          if (typeof action === 'number') record[k].actions.push(action);
          else record[k].actions.push(...action);
          record[k].rewards.push(r.reward);
          record[k].terminated = r.terminated;
        }
        if (r.terminated || r.truncated) active[k][i] = false;
      }),
    );
    memory?.observe(acting, Float32Array.from(values), stepRewards);
  }

  return seeds.map((list, k) => {
    if (list.length === 0) return null;
    return evaluationResult(update, returns[k], lengths[k], reference, {
      envId,
      ...(envOptions?.layout !== undefined ? { layout: envOptions.layout } : {}),
      states: Float64Array.from(record[k].states),
      stateDim: envs[k][0].getState().length,
      actions: Float32Array.from(record[k].actions),
      actionDim: actDim,
      rewards: Float32Array.from(record[k].rewards),
      length: lengths[k][0],
      return: returns[k][0],
      terminated: record[k].terminated,
    });
  });
}
