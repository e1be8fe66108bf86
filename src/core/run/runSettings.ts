import type { HyperParam } from './hyperparameters';
import { DEFAULT_SAMPLING_TEMPERATURE, SAMPLING_MODES } from '../data/trajectoryWeights';

/** Settings of the run itself, shared by every algorithm; shown with the algorithm's own controls. */
export const runSchema: HyperParam[] = [
  { key: 'seed', label: 'seed', help: 'Seeds initial weights, batch sampling and evaluation resets: same seed and backend, same curve.', kind: 'int', default: 0, min: 0, max: 2 ** 31 - 1, live: false },
  { key: 'updatesPerEval', label: 'updates per evaluation', help: 'Gradient updates between two evaluations of the policy in the environment.', kind: 'int', default: 250, min: 10, max: 1_000_000, live: true },
  { key: 'evalEpisodes', label: 'evaluation episodes', help: 'Episodes per evaluation; the chart shows their mean return.', kind: 'int', default: 5, min: 1, max: 100, live: true },
  {
    key: 'sampling',
    label: 'batch sampling',
    help: 'uniform: every transition equally likely (the usual sampler). return-weighted: transitions of high-return episodes drawn more often, P ∝ exp(normalised return / temperature) (Hong et al. 2023, RW), for datasets that mix a few good episodes with many poor ones.',
    kind: 'choice',
    default: 'uniform',
    choices: [...SAMPLING_MODES],
    live: true,
  },
  {
    key: 'samplingTemperature',
    label: 'sampling temperature',
    help: 'Temperature α of return-weighted sampling, on returns normalised to [0, 1]: small α draws almost only the best episodes, large α is nearly uniform. 0.1 in Hong et al.\'s code. Unused with uniform sampling.',
    kind: 'number',
    default: DEFAULT_SAMPLING_TEMPERATURE,
    min: 0.01,
    max: 100,
    log: true,
    live: true,
  },
  { key: 'maxUpdates', label: 'total updates', help: 'The run stops by itself after this many updates (online algorithms stop at their total environment steps instead).', kind: 'int', default: 20_000, min: 1, max: 10_000_000, live: true },
  {
    key: 'interaction',
    label: 'interaction',
    help: 'offline: learn from the dataset only. online: an offline algorithm keeps training while acting in the dataset\'s environment (offline-to-online fine-tuning), one environment step per update into its own replay buffer, each batch mixing in dataset rows at the offline share. The switch is an event on every chart. Online algorithms always interact.',
    kind: 'choice',
    default: 'offline',
    choices: ['offline', 'online'],
    live: true,
  },
  {
    key: 'offlineShare',
    label: 'offline share',
    help: 'While fine-tuning online: the share of each batch drawn from the dataset, the rest from the online replay buffer. 0.5 is RLPD\'s symmetric sampling (Ball et al. 2023); 0 forgets the data; 1 never learns from interaction.',
    kind: 'number',
    default: 0.5,
    min: 0,
    max: 1,
    live: true,
  },
  {
    key: 'offlineShareDecaySteps',
    label: 'offline share decay (env steps)',
    help: 'While fine-tuning online: environment steps over which the offline share falls linearly to 0 (0: it stays where it is set).',
    kind: 'int',
    default: 0,
    min: 0,
    max: 10_000_000,
    live: true,
  },
];
