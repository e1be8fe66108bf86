// Soft Actor-Critic learning by interaction (Haarnoja et al., "Soft Actor-Critic Algorithms and Applications",
// arXiv:1812.05905, 2018): twin Q, a tanh-Gaussian actor and the temperature tuned towards the target entropy -|A|
// (eq. 17-18), trained on a replay buffer the actor's own samples fill. The update is the lab's SAC (sac.ts), unchanged;
// only the experience differs. Defaults: rl-baselines3-zoo's Pendulum-v1 SAC (learning rate 1e-3, 20k steps, SB3's
// buffer 1e6, 100 learning starts, batch 256, tau 0.005, one update per step, [256, 256] networks). Options: a fixed
// temperature (SB3's numeric ent_coef) and gSDE exploration (Raffin, Kober & Stulp, "Smooth Exploration for Robotic
// Reinforcement Learning", CoRL 2021; gsde.ts), which the zoo's MountainCarContinuous-v0 settings rely on.
import type { HyperParam } from '../run/hyperparameters';
import { onlineRunParams, replayParams } from './onlineParams';
import { createSACAgent, sacCharts, sacHyperparameters, sacMetricHelp } from './sac';
import type { AlgorithmDef } from './types';

/** SAC's own controls with the zoo's Pendulum defaults. */
const overrides: Record<string, Partial<HyperParam>> = {
  lr: { default: 1e-3, help: 'Adam step size of the twin Q networks (1e-3: zoo Pendulum-v1).' },
  actorLr: { default: 1e-3, help: 'Adam step size of the actor and of log alpha (1e-3: zoo Pendulum-v1).' },
  hidden: { default: '256,256' },
  normalizeStates: { default: false },
};

export const sacOnlineHyperparameters: HyperParam[] = [
  ...sacHyperparameters({
    actorLr: 1e-3,
    actorLrHelp: '',
    backupEntropy: true,
    backupHelp: 'Subtract alpha log pi(a\'|s\') in the TD target (the soft Bellman backup of Haarnoja et al.).',
  }).map((p) => ({ ...p, ...(overrides[p.key] ?? {}) }) as HyperParam),
  { key: 'autoAlpha', label: 'automatic temperature', help: 'Tune alpha towards the target entropy -|A| (Haarnoja et al. eq. 18). Off: alpha stays at "fixed temperature" (the zoo\'s MountainCarContinuous uses 0.1).', kind: 'bool', default: true, live: true },
  { key: 'alpha', label: 'fixed temperature', help: 'The entropy coefficient alpha while the automatic temperature is off.', kind: 'number', default: 0.1, min: 0, max: 100, live: true, activeWhen: { autoAlpha: false } },
  { key: 'exploration', label: 'exploration noise', help: 'gaussian: fresh noise at every step (SAC\'s own). gsde: state-dependent noise z(s)^T W with W redrawn every "gSDE sample frequency" steps and its scale learnt (Raffin et al. 2021): smooth, consistent pushes that reach MountainCarContinuous\'s flag.', kind: 'choice', default: 'gaussian', choices: ['gaussian', 'gsde'], live: false },
  { key: 'sdeSampleFreq', label: 'gSDE sample frequency', help: 'Environment steps (all copies) between two draws of the gSDE exploration matrices (the zoo redraws once per round of train frequency steps: 32 on MountainCarContinuous). Used with gsde only.', kind: 'int', default: 32, min: 1, max: 100_000, live: true, activeWhen: { exploration: 'gsde' } },
  { key: 'sdeLogStdInit', label: 'gSDE initial log std', help: 'Initial log sigma of every gSDE weight (-3.67: zoo MountainCarContinuous; SB3\'s default -3). The noise per action is about sigma times the norm of the features. Used with gsde only.', kind: 'number', default: -3.67, min: -10, max: 2, live: false },
  ...replayParams({ bufferSize: 1_000_000, learningStarts: 100, trainFrequency: 1, gradientSteps: 1 }),
  ...onlineRunParams({ numEnvs: 1, totalEnvSteps: 20_000 }),
];

export const sacOnline: AlgorithmDef = {
  id: 'sac-online',
  name: 'SAC (online)',
  paper: 'Haarnoja et al., "Soft Actor-Critic Algorithms and Applications", arXiv:1812.05905, 2018 (gSDE: Raffin, Kober & Stulp, CoRL 2021)',
  summary: 'Off-policy maximum-entropy actor-critic learning by interaction: twin Q, automatic temperature, a replay buffer. Solves Pendulum, and MountainCarContinuous with gSDE exploration.',
  family: 'online',
  experience: 'replay',
  actions: ['continuous'],
  usesNextState: true,
  hyperparameters: sacOnlineHyperparameters,
  charts: sacCharts,
  metricHelp: {
    ...sacMetricHelp,
    q_data: 'Mean Q(s, a) on the replay batch\'s actions (minimum of the twin critics).',
    mc_return: 'Mean discounted return-to-go of the batch rows (0 for rows whose episode has not ended yet).',
  },
  create: (ctx) => createSACAgent(ctx, 'sac-online', null),
};
