import { describe, expect, it } from 'vitest';
import { readZip } from '../../src/core/data/formats/zip';
import { CorlExportError, corlConfig, exportCorlExperiment } from '../../src/core/experiments/corl';
import type { RunRecord } from '../../src/core/experiments/types';
import type { HyperValues } from '../../src/core/run/hyperparameters';

const RUN = { seed: 7, maxUpdates: 50_000, updatesPerEval: 1000, evalEpisodes: 10 };

function record(algorithmId: string, hyperparameters: HyperValues, envId: string | null = 'Pendulum-v1'): RunRecord {
  return {
    id: 'run-1',
    name: 'Pendulum IQL / seed 7',
    color: '#000',
    createdAt: 0,
    config: { algorithmId, envId, datasetId: 'ds', datasetName: 'pendulum-medium', hyperparameters: { ...RUN, ...hyperparameters }, backend: 'auto' },
    membership: { groupId: 'g' },
    status: 'finished',
    error: null,
    notice: null,
    update: 50_000,
    updatesPerSecond: 100,
    wallMs: 500_000,
    hidden: false,
    events: [],
    evaluations: [],
  };
}

/** The YAML's fields as written (`key: value  # comment`), comments and blank lines left out. */
function fields(yaml: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of yaml.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-z_]+): (.*?)(?: {2}# .*)?$/.exec(line);
    if (!m) throw new Error(`not a YAML field line: ${line}`);
    expect(out[m[1]], `${m[1]} written twice`).toBeUndefined();
    out[m[1]] = m[2];
  }
  return out;
}

const runFields = { env: '"Pendulum-v1"', name: '"Pendulum IQL / seed 7"', seed: '7', max_timesteps: '50000', eval_freq: '1000', n_episodes: '10' };

describe('CORL config', () => {
  it('maps IQL onto iql.py', () => {
    const c = corlConfig(record('iql', { expectile: 0.8, beta: 10, lr: 1e-4, actorLr: 3e-4, actorCosine: true, tau: 0.005, gamma: 0.99, batchSize: 512, hidden: '256,256', normalizeStates: false }), 'pendulum-medium.hdf5');
    expect(c.script).toBe('algorithms/offline/iql.py');
    expect(c.yamlFileName).toBe('iql-Pendulum-IQL-seed-7.yaml');
    expect(fields(c.yaml)).toEqual({
      ...runFields,
      iql_tau: '0.8',
      beta: '10.0',
      qf_lr: '0.0001',
      vf_lr: '0.0001',
      actor_lr: '0.0003',
      tau: '0.005',
      discount: '0.99',
      batch_size: '512',
      normalize: 'false',
      iql_deterministic: 'false',
      normalize_reward: 'false',
    });
    expect(c.unmapped).toEqual([]);
    expect(c.yaml).toContain('iql_tau: 0.8  # lab: expectile');
    expect(c.yaml).toContain('#   actorCosine = true (iql.py always anneals');
  });

  it('lists what iql.py cannot take, in the result and in a comment', () => {
    const c = corlConfig(record('iql', { expectile: 0.7, actorCosine: false, hidden: '64,64', dropout: 0.1 }), 'd.hdf5');
    expect(c.unmapped).toEqual(['actorCosine', 'hidden', 'dropout']);
    expect(c.yaml).toContain("# Lab settings with no counterpart in iql.py (not in this file; change the script by hand if they matter):");
    expect(c.yaml).toContain('#   hidden = "64,64": iql.py builds Q, V and the actor 2 x 256');
    expect(c.yaml).toContain("#   actorCosine = false: iql.py always anneals the actor's learning rate along a cosine over max_timesteps");
    expect(c.yaml).toContain('#   dropout = 0.1: no field in iql.py');
  });

  it('maps TD3+BC onto td3_bc.py', () => {
    const c = corlConfig(record('td3bc', { alpha: 3, policyNoise: 0.1, noiseClip: 0.25, policyDelay: 3, tau: 1e-7, gamma: 0.95, batchSize: 256, hidden: '256,256', normalizeStates: true, lr: 1e-3 }), 'd.hdf5');
    expect(c.script).toBe('algorithms/offline/td3_bc.py');
    expect(fields(c.yaml)).toEqual({
      ...runFields,
      alpha: '3.0',
      discount: '0.95',
      tau: '1.0e-7', // PyYAML reads "1e-7" as a string: a dot and a signed exponent make it a float
      policy_noise: '0.1',
      noise_clip: '0.25',
      policy_freq: '3',
      batch_size: '256',
      normalize: 'true',
      normalize_reward: 'false',
    });
    expect(c.unmapped).toEqual(['lr']);
    expect(c.yaml).toContain("#   lr = 0.001: td3_bc.py fixes the actor's and critics' Adam learning rates at 3e-4");
  });

  it('maps CQL onto cql.py', () => {
    const c = corlConfig(
      record('cql', { alpha: 5, lagrange: true, targetGap: 2, sampledActions: 12, temperature: 0.5, lr: 3e-4, actorLr: 3e-5, tau: 0.01, gamma: 0.99, backupEntropy: false, batchSize: 128, hidden: '256,256,256', normalizeStates: true }),
      'd.hdf5',
    );
    expect(c.script).toBe('algorithms/offline/cql.py');
    expect(fields(c.yaml)).toEqual({
      ...runFields,
      cql_alpha: '5.0',
      cql_lagrange: 'true',
      cql_target_action_gap: '2.0',
      cql_n_actions: '12',
      cql_temp: '0.5',
      qf_lr: '0.0003',
      policy_lr: '0.00003',
      soft_target_update_rate: '0.01',
      discount: '0.99',
      backup_entropy: 'false',
      batch_size: '128',
      normalize: 'true',
      normalize_reward: 'false',
      q_n_hidden_layers: '3',
    });
    expect(c.unmapped).toEqual([]);
    const narrow = corlConfig(record('cql', { hidden: '128,128' }), 'd.hdf5');
    expect(narrow.unmapped).toEqual(['hidden']);
    const shallow = corlConfig(record('cql', { hidden: '256,256' }), 'd.hdf5');
    expect(fields(shallow.yaml).q_n_hidden_layers).toBe('2');
    expect(shallow.notes).toEqual(["cql.py builds the actor 3 x 256 whatever q_n_hidden_layers says; the lab's actor was 2 x 256"]);
  });

  it('maps the others onto their scripts: %BC, AWAC, DT, SAC as SAC-N with N = 2', () => {
    const bc = fields(corlConfig(record('bc-filtered', { topPercent: 10, gamma: 1 }), 'd.hdf5').yaml);
    expect([bc.frac, bc.discount]).toEqual(['0.1', '1.0']);
    expect(fields(corlConfig(record('bc', {}), 'd.hdf5').yaml).frac).toBe('1.0');
    const awac = corlConfig(record('awac', { lambda: 1 / 3, lr: 3e-4, hidden: '256,256,256', normalizeStates: true }), 'd.hdf5');
    expect(awac.script).toBe('algorithms/offline/awac.py');
    expect(fields(awac.yaml)).toMatchObject({ env_name: '"Pendulum-v1"', seed: '7', test_seed: '7', num_train_ops: '50000', eval_frequency: '1000', n_test_episodes: '10', awac_lambda: String(1 / 3), hidden_dim: '256' });
    const dt = fields(corlConfig(record('dt', { contextLength: 20, embedding: '64', dropout: 0.2, targetReturn: -150 }), 'd.hdf5').yaml);
    expect(dt).toMatchObject({ train_seed: '7', update_steps: '50000', eval_every: '1000', seq_len: '20', embedding_dim: '64', attention_dropout: '0.2', residual_dropout: '0.2', embedding_dropout: '0.2', target_returns: '[-150.0]', max_action: '2.0' });
    const sac = corlConfig(record('sac', { lr: 3e-4, actorLr: 1e-4, backupEntropy: true, normalizeStates: false, hidden: '256,256,256' }), 'd.hdf5');
    expect(sac.script).toBe('algorithms/offline/sac_n.py');
    expect(fields(sac.yaml)).toMatchObject({ num_critics: '2', num_updates_on_epoch: '1000', num_epochs: '50', eval_every: '1', actor_learning_rate: '0.0001', alpha_learning_rate: '0.0001', critic_learning_rate: '0.0003', max_action: '2.0' });
    expect(sac.unmapped).toEqual([]);
  });

  it('refuses what CORL has no script for, naming the algorithm', () => {
    expect(() => corlConfig(record('dqn', {}, 'CartPole-v1'), 'd.hdf5')).toThrow(CorlExportError);
    expect(() => corlConfig(record('dqn', {}, 'CartPole-v1'), 'd.hdf5')).toThrow("dqn (offline DQN) has no CORL counterpart: CORL's offline algorithms");
    expect(() => corlConfig(record('cql-discrete', {}, 'CartPole-v1'), 'd.hdf5')).toThrow('cql-discrete (discrete-action CQL) has no CORL counterpart');
    expect(() => corlConfig(record('iql', {}, 'CartPole-v1'), 'd.hdf5')).toThrow("iql on CartPole-v1 has no CORL counterpart: CartPole-v1 has discrete actions and CORL's iql.py");
    expect(() => corlConfig(record('ppo', {}), 'd.hdf5')).toThrow('algorithm ppo has no CORL counterpart');
    expect(() => corlConfig(record('iql', {}), 'data/d.hdf5')).toThrow('dataset file name must be a plain file name');
  });

  it('keeps a line break in a run name inside its comment and its quotes', () => {
    const r = record('iql', { beta: 3 });
    r.name = 'two\nlines: "quoted"';
    expect(fields(corlConfig(r, 'd.hdf5').yaml).name).toBe('"two\\nlines: \\"quoted\\""');
  });

  it('notes settings changed mid-run', () => {
    const r = record('iql', { beta: 3 });
    r.events = [{ update: 5000, key: 'beta', label: 'beta', from: 3, to: 10 }];
    expect(corlConfig(r, 'd.hdf5').notes).toEqual(['the lab run changed settings while it trained; CORL runs with the starting values in this file throughout: beta 3 -> 10 at update 5000']);
  });
});

describe('CORL export zip', () => {
  it('holds the YAML, the HDF5 bytes unchanged and a README with the command and the edits', () => {
    const hdf5 = Uint8Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256);
    const r = record('iql', { expectile: 0.7 });
    const files = readZip(exportCorlExperiment(r, hdf5, 'pendulum-medium.hdf5'));
    expect([...files.keys()]).toEqual(['iql-Pendulum-IQL-seed-7.yaml', 'pendulum-medium.hdf5', 'README.txt']);
    expect(files.get('pendulum-medium.hdf5')).toEqual(hdf5);
    expect(new TextDecoder().decode(files.get('iql-Pendulum-IQL-seed-7.yaml'))).toBe(corlConfig(r, 'pendulum-medium.hdf5').yaml);
    const readme = new TextDecoder().decode(files.get('README.txt'));
    expect(readme).toContain('python algorithms/offline/iql.py --config_path=iql-Pendulum-IQL-seed-7.yaml');
    expect(readme).toContain('       dataset = d4rl.qlearning_dataset(env)\n');
    expect(readme).toContain('       dataset = load_lab_dataset(DATASET_FILE)\n');
    expect(readme).toContain('DATASET_FILE = "pendulum-medium.hdf5"');
    expect(readme).toContain('normalized_eval_score = env.get_normalized_score(eval_score) * 100.0');
  });

  it('tells DT and an environment gym 0.23 lacks apart', () => {
    const readme = new TextDecoder().decode(readZip(exportCorlExperiment(record('dt', {}, 'PointMaze-UMaze-v1'), new Uint8Array(8), 'maze.hdf5')).get('README.txt'));
    expect(readme).toContain('       dataset = gym.make(env_name).get_dataset()\n');
    expect(readme).toContain('load_lab_dataset(DATASET_FILE, drop_rows_without_successor=False)');
    expect(readme).toContain('PointMaze-UMaze-v1 is not an environment gym 0.23 can make');
  });
});
