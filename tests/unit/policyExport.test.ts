import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { foldNormalization } from '../../src/core/algos/policyNetwork';
import { getAlgorithm } from '../../src/core/algos/registry';
import type { Agent } from '../../src/core/algos/types';
import { resolveValues } from '../../src/core/run/hyperparameters';
import { agentForSpec, syntheticBatch } from '../../src/core/run/measure';
import { exportPolicy, loadExportedPolicy, type PolicyExportFiles, type PolicyExportInfo } from '../../src/core/run/policyExport';
import { runSchema } from '../../src/core/run/runSettings';
import { TrainingSession } from '../../src/core/run/session';
import { generateDataset } from '../../src/core/data/generate';
import { Rng } from '../../src/core/rng';
import { read } from './helpers/algoRuns';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

const OBS = 5;

interface Case {
  algorithmId: string;
  discreteActions: number | null;
  actionDim: number;
  hyperparameters?: Record<string, unknown>;
}

/** An agent with non-trivial state statistics (so the folded normalisation is tested), and the statistics. */
function makeAgent(c: Case, seed: number): { agent: Agent; mean: Float32Array; std: Float32Array; info: PolicyExportInfo } {
  const algo = getAlgorithm(c.algorithmId);
  const values = resolveValues([...algo.hyperparameters, ...runSchema], { hidden: '32,32', batchSize: 32, ...c.hyperparameters }, algo.name);
  const rng = new Rng(seed);
  const mean = Float32Array.from({ length: OBS }, () => rng.uniform(-2, 2));
  const std = Float32Array.from({ length: OBS }, () => rng.uniform(0.3, 3));
  const agent = algo.create({ observationDim: OBS, actionDim: c.actionDim, discreteActions: c.discreteActions, hyperparameters: values, rng, observationMean: mean, observationStd: std });
  const info: PolicyExportInfo = { algorithmName: algo.name, envId: null, observationDim: OBS, actionDim: c.actionDim, discreteActions: c.discreteActions };
  return { agent, mean, std, info };
}

/** What a user does with the files: parse model.json, hand its weight specs and weights.bin to tf.io.fromMemory. */
async function loadAsUser(files: PolicyExportFiles): Promise<tf.LayersModel> {
  const json = JSON.parse(new TextDecoder().decode(files['model.json'])) as tf.io.ModelJSON;
  const bin = files['weights.bin'];
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest[0].weights,
      weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
    }),
  );
}

/** Raw observations around the data's statistics, the last quarter far out (so tanh and clip heads saturate). */
function rawObservations(mean: Float32Array, std: Float32Array, n: number, rng: Rng): tf.Tensor2D {
  const spread = (row: number) => (row < (3 * n) / 4 ? 4 : 50);
  return tf.tensor2d(Float32Array.from({ length: n * OBS }, (_, i) => mean[i % OBS] + std[i % OBS] * spread(Math.floor(i / OBS)) * rng.uniform(-1, 1)), [n, OBS]);
}

const cases: Case[] = [
  { algorithmId: 'bc', discreteActions: null, actionDim: 2 },
  { algorithmId: 'bc', discreteActions: null, actionDim: 2, hyperparameters: { normalizeStates: false } },
  { algorithmId: 'bc', discreteActions: 3, actionDim: 1 },
  { algorithmId: 'bc-filtered', discreteActions: null, actionDim: 2 },
  { algorithmId: 'bc-filtered', discreteActions: 3, actionDim: 1 },
  { algorithmId: 'td3bc', discreteActions: null, actionDim: 2 },
  { algorithmId: 'iql', discreteActions: null, actionDim: 2 },
  { algorithmId: 'iql', discreteActions: 3, actionDim: 1 },
  { algorithmId: 'cql', discreteActions: null, actionDim: 2, hyperparameters: { sampledActions: 2 } },
  { algorithmId: 'cql-discrete', discreteActions: 4, actionDim: 1 },
  { algorithmId: 'awac', discreteActions: null, actionDim: 2 },
  { algorithmId: 'awac', discreteActions: 3, actionDim: 1 },
  { algorithmId: 'dqn', discreteActions: 4, actionDim: 1 },
  { algorithmId: 'sac', discreteActions: null, actionDim: 2 },
  { algorithmId: 'a2pr', discreteActions: null, actionDim: 2, hyperparameters: { vaeHidden: '32,32' } },
  { algorithmId: 'rebrac', discreteActions: null, actionDim: 2, hyperparameters: { normalizeStates: true } },
  { algorithmId: 'odice', discreteActions: null, actionDim: 2, hyperparameters: { actorHidden: '32,32', normalizeStates: true } },
  { algorithmId: 'edac', discreteActions: null, actionDim: 2, hyperparameters: { numCritics: 3, normalizeStates: true } },
  { algorithmId: 'xql', discreteActions: null, actionDim: 2 },
  { algorithmId: 'prdc', discreteActions: null, actionDim: 2, hyperparameters: { normalizeStates: true } },
];

describe('policy export as a TensorFlow.js LayersModel', () => {
  for (const c of cases) {
    const label = `${c.algorithmId} (${c.discreteActions !== null ? 'discrete' : 'continuous'}${c.hyperparameters?.normalizeStates === false ? ', raw states' : ''})`;
    it(`${label}: the loaded model acts as the agent's greedy policy on raw observations`, async () => {
      const { agent, mean, std, info } = makeAgent(c, 3);
      const rng = new Rng(11);
      const batch = syntheticBatch({ algorithmId: c.algorithmId, observationDim: OBS, actionDim: c.actionDim, discreteActions: c.discreteActions }, 32, rng);
      const obs = rawObservations(mean, std, 64, rng);
      try {
        for (let i = 0; i < 5; i++) agent.update(batch).dispose();
        const before = tf.memory().numTensors;
        const files = await exportPolicy(agent, info);
        expect(tf.memory().numTensors).toBe(before);

        const model = await loadAsUser(files);
        try {
          const out = model.predict(obs) as tf.Tensor;
          expect(out.shape).toEqual([64, c.discreteActions ?? c.actionDim]);
          if (c.discreteActions !== null) {
            const want = await read(agent.act(obs, 'greedy'));
            expect(await read(tf.argMax(out, 1))).toEqual(want);
            if (c.algorithmId === 'dqn' || c.algorithmId === 'cql-discrete') {
              // Q-value heads: the largest score is the agent's V(s) = max_a Q(s, a).
              const v = await read(agent.stateValue!(obs));
              (await read(tf.max(out, 1))).forEach((m, i) => expect(Math.abs(m - v[i])).toBeLessThan(1e-4 * Math.max(1, Math.abs(v[i]))));
            }
            out.dispose();
          } else {
            const want = await read(agent.act(obs, 'greedy'));
            const got = await read(out);
            got.forEach((g, i) => expect(Math.abs(g - want[i])).toBeLessThan(1e-5));
            expect(got.every((g) => g >= -1 && g <= 1)).toBe(true);
            // The far observations drive AWAC's unsquashed mean past the bounds: the clip layers are exercised.
            if (c.algorithmId === 'awac') expect(want.some((a) => Math.abs(a) === 1)).toBe(true);
          }
        } finally {
          model.dispose();
        }
      } finally {
        agent.dispose();
        tf.dispose([...Object.values(batch), obs]);
      }
    });
  }

  it('the Decision Transformer has no feed-forward policy: export refuses and says why', async () => {
    const { agent, batch } = agentForSpec({ algorithmId: 'dt', observationDim: OBS, actionDim: 1, discreteActions: 3, hyperparameters: { embedding: '32', layers: 1, contextLength: 3, batchSize: 4 } }, 1);
    try {
      expect(agent.policyNetwork).toBeUndefined();
      const before = tf.memory().numTensors;
      await expect(exportPolicy(agent, { algorithmName: 'Decision Transformer', envId: 'CartPole-v1', observationDim: OBS, actionDim: 1, discreteActions: 3 })).rejects.toThrow(
        /Decision Transformer cannot be exported .* sequence model/,
      );
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      agent.dispose();
      tf.dispose(Object.values(batch));
    }
  });

  it('README and metadata: the input, the action range of the env, the lines to load; model.json loads over http by its manifest', async () => {
    const { agent, mean, std, info } = makeAgent({ algorithmId: 'td3bc', discreteActions: null, actionDim: 2 }, 5);
    const obs = rawObservations(mean, std, 8, new Rng(2));
    try {
      const files = await exportPolicy(agent, { ...info, envId: 'Toy-v0', actionLow: [-2, 0], actionHigh: [2, 0.5] });
      const text = new TextDecoder().decode(files['README.txt']);
      expect(text).toContain('TD3+BC');
      expect(text).toContain(`raw observation, ${OBS} numbers`);
      expect(text).toContain('low = [-2, 0], high = [2, 0.5]');
      expect(text).toContain("tf.loadLayersModel('model.json')");
      const json = JSON.parse(new TextDecoder().decode(files['model.json'])) as tf.io.ModelJSON & { userDefinedMetadata: { rlLab: Record<string, unknown> } };
      expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
      expect(json.userDefinedMetadata.rlLab).toMatchObject({ algorithm: 'TD3+BC', envId: 'Toy-v0', observationDim: OBS, actionDim: 2, output: 'actions', actionLow: [-2, 0], actionHigh: [2, 0.5] });

      // tf.loadLayersModel('.../model.json') fetches weights.bin beside it, as a user's page would.
      const served: Record<string, Uint8Array<ArrayBuffer>> = { 'model.json': files['model.json'], 'weights.bin': files['weights.bin'] };
      const fetchFunc = async (url: RequestInfo | URL): Promise<Response> => {
        const name = (url instanceof Request ? url.url : String(url)).split('/').pop()!;
        return served[name] ? new Response(served[name]) : new Response('not found', { status: 404 });
      };
      const overHttp = await tf.loadLayersModel('https://example.test/policy/model.json', { fetchFunc });
      const inLab = await loadExportedPolicy(files);
      try {
        const want = await read(agent.act(obs, 'greedy'));
        for (const model of [overHttp, inLab]) {
          (await read(model.predict(obs) as tf.Tensor)).forEach((g, i) => expect(Math.abs(g - want[i])).toBeLessThan(1e-5));
        }
      } finally {
        overHttp.dispose();
        inLab.dispose();
      }

      const discrete = makeAgent({ algorithmId: 'dqn', discreteActions: 4, actionDim: 1 }, 6);
      try {
        const readmeDiscrete = new TextDecoder().decode((await exportPolicy(discrete.agent, { ...discrete.info, envId: 'CartPole-v1' }))['README.txt']);
        expect(readmeDiscrete).toContain('4 scores per observation (Q-values, one per action)');
        expect(readmeDiscrete).toContain('argMax');
      } finally {
        discrete.agent.dispose();
      }
    } finally {
      agent.dispose();
      obs.dispose();
    }
  });

  it('folding the normalisation: x W / std + (b - mean / std W) = ((x - mean) / std) W + b', () => {
    const layer = { inputDim: 2, outputDim: 1, kernel: Float32Array.from([3, -1]), bias: Float32Array.from([0.5]), activation: 'linear' as const };
    const folded = foldNormalization(layer, { mean: Float32Array.from([1, -2]), std: Float32Array.from([2, 0.5]) });
    expect(Array.from(folded.kernel)).toEqual([1.5, -2]);
    // b' = 0.5 - (1/2 * 3 + (-2/0.5) * -1) = 0.5 - 5.5
    expect(folded.bias[0]).toBeCloseTo(-5, 6);
    // At x = (3, 1): normalised (1, 6), 3 - 6 + 0.5 = -2.5; folded 4.5 - 2 - 5 = -2.5.
    expect(3 * folded.kernel[0] + 1 * folded.kernel[1] + folded.bias[0]).toBeCloseTo(-2.5, 6);
  });
});

describe('a training session exports its policy', () => {
  const dataset = generateDataset({ envId: 'Pendulum-v1', mix: [{ policy: 'expert', weight: 1 }], transitions: 400, seed: 3 });
  const hyperparameters = { hidden: '32,32', batchSize: 32, evalEpisodes: 1, updatesPerEval: 1000 };
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);

  it("from the live run, and from a checkpoint (refused while a run is active), with the dataset's env in the metadata", async () => {
    const session = new TrainingSession();
    await session.start({ runId: 'r', dataset, algorithmId: 'td3bc', hyperparameters: { ...hyperparameters, maxUpdates: 50 }, backend: 'wasm', paused: true }, () => {});
    try {
      await session.step(5);
      const live = await session.exportPolicy();
      const meta = (JSON.parse(decode(live['model.json'])) as { userDefinedMetadata: { rlLab: Record<string, unknown> } }).userDefinedMetadata.rlLab;
      expect(meta).toMatchObject({ algorithm: 'TD3+BC', envId: 'Pendulum-v1', observationDim: 3, actionDim: 1, actionLow: [-2], actionHigh: [2] });
      expect(decode(live['README.txt'])).toContain('low = [-2], high = [2]');

      const checkpoint = await session.currentCheckpoint();
      await expect(session.exportPolicyFrom({ dataset, algorithmId: 'td3bc' }, checkpoint)).rejects.toThrow(/busy with a run/);
      await session.stop();
      await expect(session.exportPolicy()).rejects.toThrow(/no run to export/);
      const before = tf.memory().numTensors;
      const restored = await session.exportPolicyFrom({ dataset, algorithmId: 'td3bc', hyperparameters }, checkpoint);
      expect(tf.memory().numTensors).toBe(before);
      expect(decode(restored['model.json'])).toBe(decode(live['model.json']));
      expect(Array.from(restored['weights.bin'])).toEqual(Array.from(live['weights.bin']));
    } finally {
      await session.stop();
    }
  });

  it('on the worker of a run that finished (its trainer still there): the finished trainer makes way', async () => {
    const session = new TrainingSession({ tickMs: 20 });
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    await session.start({ runId: 'f', dataset, algorithmId: 'td3bc', hyperparameters: { ...hyperparameters, maxUpdates: 8 }, backend: 'wasm' }, (r) => r.status === 'finished' && finished());
    await done;
    const live = await session.exportPolicy();
    const checkpoint = await session.currentCheckpoint();
    const restored = await session.exportPolicyFrom({ dataset, algorithmId: 'td3bc' }, checkpoint);
    expect(Array.from(restored['weights.bin'])).toEqual(Array.from(live['weights.bin']));
    await expect(session.exportPolicy()).rejects.toThrow(/no run to export/);
  });
});
