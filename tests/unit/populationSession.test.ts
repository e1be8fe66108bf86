import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainingReport } from '../../src/core/run/events';
import { TrainingSession } from '../../src/core/run/session';
import { populationJobs } from '../../src/core/experiments/populations';
import type { RunConfig } from '../../src/core/experiments/types';
import { getAlgorithm } from '../../src/core/algos/registry';
import { populationAlgorithms, populationInfo } from '../../src/core/population/registry';
import { runSchema } from '../../src/core/run/runSettings';
import { offlineData } from './helpers/algoRuns';
import { until } from './helpers/populationJobs';
import { useBackend } from './helpers/tfNode';

beforeAll(() => useBackend('wasm'));

const dataset = offlineData('Pendulum-v1', [{ policy: 'medium', weight: 1 }], 1000);

describe('a population as one job of a trainer worker', () => {
  it('reports every member under its own run id; one member can change, stop, leave or finish on its own', async () => {
    const session = new TrainingSession({ tickMs: 30 });
    const reports: TrainingReport[] = [];
    const of = (runId: string) => reports.filter((r) => r.runId === runId);
    const last = (runId: string) => of(runId).at(-1);
    const members = ['a', 'b', 'c'].map((runId, k) => ({ runId, hyperparameters: { hidden: '32,32', batchSize: 16, seed: k, maxUpdates: runId === 'a' ? 40 : 100_000 } }));
    const backend = await session.startPopulation({ dataset, algorithmId: 'td3bc', backend: 'wasm', members }, (r) => reports.push(r));
    expect(backend.active).toBe('wasm');
    expect(session.catalog().populations?.map((p) => p.algorithmId)).toEqual([...populationAlgorithms(), 'dqn-online', 'sac-online', 'ppo']); // the registry's, td3bc among them, then the online ones
    expect(populationAlgorithms()).toContain('td3bc');
    await until(() => ['a', 'b', 'c'].every((id) => (last(id)?.update ?? 0) >= 5), 'five updates of every member');
    for (const id of ['a', 'b', 'c']) expect(of(id).some((r) => r.metrics?.names.includes('critic_loss'))).toBe(true);

    // A live change of one member is recorded for it alone; a shared key is refused naming it.
    const events = session.setHyperparameters({ alpha: 5 }, 'b');
    expect(events.map((e) => [e.key, e.from, e.to])).toEqual([['alpha', 2.5, 5]]);
    expect(() => session.setHyperparameters({ policyDelay: 3 }, 'b')).toThrow(/policy delay \(policyDelay\) is shared by every member/);
    await until(() => of('b').some((r) => r.events.some((e) => e.key === 'alpha')), 'the alpha event in b\'s reports');
    expect(of('c').some((r) => r.events.length > 0)).toBe(false);

    // Stop one member: its reports end with 'stopped'; the others go on.
    await session.stop('c');
    expect(last('c')!.status).toBe('stopped');
    const cReports = of('c').length;

    // Pause one member: it leaves with a lone run's checkpoint, no word to its listener.
    const left = await session.leavePopulation('b');
    expect(left.hyperparameters.alpha).toBe(5);
    expect(left.hyperparameters.seed).toBe(1);
    expect(Object.keys(left.agent.weights)).toContain('td3bc/actor/w0');
    const bReports = of('b').length;

    // 'a' finishes at its total; its final checkpoint stays available.
    await until(() => last('a')?.status === 'finished', 'a to finish');
    expect(last('a')!.update).toBe(40);
    const finalA = await session.currentCheckpoint('a');
    expect(finalA.update).toBe(40);
    expect(of('c').length).toBe(cReports);
    expect(of('b').length).toBe(bReports);
    await session.stop();
  });
});

describe('which runs train together', () => {
  const config = (algorithmId: string, hp: Record<string, unknown>, datasetId = 'd'): RunConfig => ({ algorithmId, envId: 'Pendulum-v1', datasetId, datasetName: datasetId, hyperparameters: { hidden: '64,64', batchSize: 256, ...hp }, backend: 'auto' });
  const populations = [{ algorithmId: 'iql', sharedKeys: ['hidden', 'batchSize'] }];

  it('groups runs that share algorithm, dataset and shared keys, spread over the workers; others alone', () => {
    const configs = [
      ...[0, 1, 2, 3, 4].map((seed) => config('iql', { seed, expectile: 0.7 + seed / 100 })),
      config('iql', { seed: 9, hidden: '32,32' }),
      config('iql', { seed: 10 }, 'other'),
      config('bc', { seed: 0 }),
      config('bc', { seed: 1 }),
    ];
    expect(populationJobs(configs, populations, 2)).toEqual([[0, 1, 2], [3, 4], [5], [6], [7], [8]]);
    expect(populationJobs(configs.slice(0, 5), populations, 1)).toEqual([[0, 1, 2, 3, 4]]);
  });

  it('trains runs that interact with their environment alone: a population learns from its dataset only', () => {
    const online = [0, 1, 2].map((seed) => config('iql', { seed, interaction: 'online' }));
    expect(populationJobs([...online, config('iql', { seed: 3 }), config('iql', { seed: 4 })], populations, 1)).toEqual([[0], [1], [2], [3, 4]]);
  });

  it('groups seeds of online DQN on one environment into a population job (its members interact); fine-tuning runs stay alone', () => {
    const catalog = populationInfo((id) => [...getAlgorithm(id).hyperparameters, ...runSchema]);
    expect(catalog.find((p) => p.algorithmId === 'dqn-online')).toMatchObject({ online: true });
    expect(catalog.find((p) => p.algorithmId === 'dqn-online')!.sharedKeys).toEqual(expect.arrayContaining(['batchSize', 'hidden', 'totalEnvSteps', 'targetInterval']));
    const dqn = (hp: Record<string, unknown>, datasetId = 'cartpole') => ({ ...config('dqn-online', hp, datasetId), envId: 'CartPole-v1' });
    const configs = [
      dqn({ seed: 0 }),
      dqn({ seed: 1, lr: 1e-3 }), // a per-member key
      dqn({ seed: 2, epsilonEnd: 0.1 }),
      dqn({ seed: 3, batchSize: 32 }), // a shared key apart
      dqn({ seed: 4 }, 'acrobot'),
      config('iql', { seed: 0, interaction: 'online' }),
      config('iql', { seed: 1, interaction: 'online' }),
    ];
    expect(populationJobs(configs, catalog, 1)).toEqual([[0, 1, 2], [3], [4], [5], [6]]);
    // Set to interact (as they always do), online DQN's runs still train together.
    expect(populationJobs([0, 1, 2].map((seed) => dqn({ seed, interaction: 'online' })), catalog, 1)).toEqual([[0, 1, 2]]);
  });

  it('groups seeds of online SAC on one environment into a population job, those with gSDE exploration into their own', () => {
    const catalog = populationInfo((id) => [...getAlgorithm(id).hyperparameters, ...runSchema]);
    const info = catalog.find((p) => p.algorithmId === 'sac-online')!;
    expect(info).toMatchObject({ online: true });
    expect(info.sharedKeys).toEqual(expect.arrayContaining(['batchSize', 'hidden', 'totalEnvSteps', 'autoAlpha', 'exploration']));
    expect(info.sharedKeys).not.toContain('alpha');
    const sac = (hp: Record<string, unknown>) => config('sac-online', hp);
    const configs = [
      sac({ seed: 0 }),
      sac({ seed: 1, lr: 1e-3, alpha: 0.2 }), // per-member keys
      sac({ seed: 2, exploration: 'gsde' }),
      sac({ seed: 3, exploration: 'gsde' }),
      sac({ seed: 4, autoAlpha: false }), // a shared key apart
      sac({ seed: 5, actorLr: 3e-4 }),
    ];
    expect(populationJobs(configs, catalog, 1)).toEqual([[0, 1, 5], [2, 3], [4]]);
  });
});
