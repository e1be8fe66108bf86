import * as tf from '@tensorflow/tfjs';
import type { Agent } from '../algos/types';
import { makeEnv } from '../envs/registry';
import type { TimeLimit } from '../envs/timeLimit';
import { flatDim } from '../envs/spaces';
import type { DatasetEnvOptions } from '../data/dataset';
import { envOptionsOf } from '../data/datasetEnv';
import { normalizedScore } from '../data/score';
import { toEnvAction, type ActionScale } from './actionScale';

/** One evaluation episode recorded for the replay canvas. */
export interface EpisodeRecord {
  envId: string;
  /** The custom map the episode ran on (EnvOptions.layout), so the replay draws that map; absent: the registered one. */
  layout?: string;
  /** Simulator states (getState layout), initial state first: (length + 1) rows of stateDim. */
  states: Float64Array;
  stateDim: number;
  actions: Float32Array;
  actionDim: number;
  rewards: Float32Array;
  length: number;
  return: number;
  terminated: boolean;
}

export interface EvaluationResult {
  update: number;
  returns: number[];
  lengths: number[];
  meanReturn: number;
  stdReturn: number;
  /** D4RL normalized score of the mean return, when the environment has reference scores. */
  normalizedScore: number | null;
  episode: EpisodeRecord;
}

/**
 * Runs `seeds.length` episodes of the agent's greedy policy in lockstep (one batched forward pass per step,
 * one async read per step) and records the first episode in full. Continuous policy actions in [-1, 1] are
 * mapped to the environment's range by `actionScale`. Agents with episode memory (beginEpisodes) act through it
 * and are told each step's rewards. `envOptions`: the dataset's custom layout and its reference scores (the
 * normalized score then uses those, or is null without them).
 */
export async function evaluateAgent(agent: Agent, envId: string, seeds: number[], update: number, actionScale: ActionScale | null = null, envOptions?: DatasetEnvOptions): Promise<EvaluationResult> {
  const envs = seeds.map(() => makeEnv(envId, envOptionsOf(envOptions)));
  try {
    return await runEpisodes(envs, agent, envId, seeds, update, actionScale, envOptions);
  } finally {
    for (const env of envs) env.dispose(); // MuJoCo envs free their wasm model and data
  }
}

async function runEpisodes(envs: TimeLimit[], agent: Agent, envId: string, seeds: number[], update: number, actionScale: ActionScale | null, envOptions?: DatasetEnvOptions): Promise<EvaluationResult> {
  const spec = envs[0].spec;
  const reference = envOptions?.layout !== undefined ? envOptions.referenceScores : spec.referenceScores;
  const obsDim = flatDim(spec.observationSpace);
  const actDim = flatDim(spec.actionSpace);
  const discrete = spec.actionSpace.kind === 'discrete';
  const obs = seeds.map((s, i) => envs[i].reset(s));
  const returns = seeds.map(() => 0);
  const lengths = seeds.map(() => 0);
  const active = seeds.map(() => true);
  const states: number[] = Array.from(envs[0].getState());
  const actions: number[] = [];
  const rewards: number[] = [];
  let firstTerminated = false;
  const memory = agent.beginEpisodes ? agent.beginEpisodes(seeds.length) : null;

  while (active.some(Boolean)) {
    const live = active.flatMap((a, i) => (a ? [i] : []));
    const input = new Float32Array(live.length * obsDim);
    live.forEach((i, k) => input.set(obs[i], k * obsDim));
    const batch = tf.tensor2d(input, [live.length, obsDim]);
    const out = memory ? memory.act(live, input) : agent.act(batch, 'greedy');
    const values = await out.data();
    tf.dispose([batch, out]);
    const stepRewards = new Float32Array(live.length);
    live.forEach((i, k) => {
      const action = discrete ? values[k] : toEnvAction(Float32Array.from(values.subarray(k * actDim, (k + 1) * actDim)), actionScale);
      const r = envs[i].step(action);
      returns[i] += r.reward;
      stepRewards[k] = r.reward;
      lengths[i] += 1;
      obs[i] = r.observation;
      if (i === 0) {
        states.push(...envs[0].getState());
        if (typeof action === 'number') actions.push(action);
        else actions.push(...action);
        rewards.push(r.reward);
        firstTerminated = r.terminated;
      }
      if (r.terminated || r.truncated) active[i] = false;
    });
    memory?.observe(live, Float32Array.from(values), stepRewards);
  }

  const stateDim = envs[0].getState().length;
  return evaluationResult(update, returns, lengths, reference, {
    envId,
    ...(envOptions?.layout !== undefined ? { layout: envOptions.layout } : {}),
    states: Float64Array.from(states),
    stateDim,
    actions: Float32Array.from(actions),
    actionDim: actDim,
    rewards: Float32Array.from(rewards),
    length: lengths[0],
    return: returns[0],
    terminated: firstTerminated,
  });
}

/** The summary of a set of evaluation episodes (mean, std, normalized score) with the one recorded in full. */
export function evaluationResult(update: number, returns: number[], lengths: number[], reference: Parameters<typeof normalizedScore>[1], episode: EpisodeRecord): EvaluationResult {
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const std = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / returns.length);
  return { update, returns, lengths, meanReturn: mean, stdReturn: std, normalizedScore: normalizedScore(mean, reference), episode };
}
