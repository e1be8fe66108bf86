// ReCOIL, RElaxed Coverage for Off-policy Imitation Learning (Sikchi, Zheng, Zhang & Niekum, "Dual RL: Unification and
// New Methods for Reinforcement and Imitation Learning", ICLR 2024, Sec. 5). Offline imitation from a few expert
// episodes plus plentiful data of any quality, with no reward and no discriminator: match the mixture
// beta d^pi + (1 - beta) d^O to beta d^E + (1 - beta) d^O, whose dual is a Q/V objective. The practical form follows
// the official code (critic_imitate.py, with the LS-IQ-style bounded targets it uses): each batch is half offline,
// half expert; Q on expert (s, a) regresses on R / (1 - gamma), Q on offline (s, a) on -R + gamma V(s') (an ended
// episode's next value -R / (1 - gamma)), both halves weighted 1/2; V is the implicit maximum of Q over the offline
// actions through an f-divergence loss (dualValue.ts); the policy is advantage-weighted regression on the offline data.
// The lab's datasets do not mark expert episodes, so the `expertEpisodes` best episodes by return stand in as the
// expert demonstrations (a teaching stand-in: ReCOIL proper is given them separately and never sees rewards).
// Defaults: the code runs V with the Gumbel loss; here the chi-square loss of f-DVL is the default, the stable choice
// the same paper recommends (reverse-kl is one click away).
import type { HyperParam } from '../run/hyperparameters';
import { awrBetaParam, createDualValueAgent, dualCharts, dualMetricHelp, dualMetricNames, handOverExpertEpisodes, maxClipParam, rescaleParam, sharedDualParams } from './dualValue';
import { fParam, lambdaParam } from './fdvl';
import type { AlgorithmDef } from './types';

const recoilParams: HyperParam[] = [
  {
    key: 'expertEpisodes',
    label: 'expert episodes (best k)',
    help: 'How many of the dataset’s episodes, ranked by return, count as the expert demonstrations (the data does not mark them). The rest, and these too, are the offline data.',
    kind: 'int',
    default: 5,
    min: 1,
    max: 10000,
    live: false,
  },
  {
    key: 'rewardBound',
    label: 'Q target bound (R)',
    help: 'Q on expert actions is pulled to R / (1 - gamma), on offline actions to -R + gamma V(s’), and an ended episode counts -R / (1 - gamma): the official code’s 2 (targets ±200 at gamma 0.99).',
    kind: 'number',
    default: 2,
    min: 0.01,
    max: 100,
    live: true,
  },
  fParam(['chi-square', 'total-variation', 'reverse-kl'], 'chi-square'),
  lambdaParam,
  { key: 'beta', label: 'Gumbel temperature (beta)', help: 'Only with f = reverse-kl: z = (Q - V) / beta in the Gumbel loss.', kind: 'number', default: 1, min: 0.01, max: 100, log: true, live: true, activeWhen: { f: 'reverse-kl' } },
  { ...maxClipParam, activeWhen: { f: 'reverse-kl' } },
  { ...rescaleParam, activeWhen: { f: 'reverse-kl' } },
  awrBetaParam,
];

export const recoil: AlgorithmDef = {
  id: 'recoil',
  name: 'ReCOIL (offline imitation)',
  paper: 'Sikchi, Zheng, Zhang & Niekum, "Dual RL: Unification and New Methods for Reinforcement and Imitation Learning", ICLR 2024',
  summary: 'Imitates a few expert episodes while learning from all the other data too, without rewards or a discriminator: Q is high on expert actions, and V and the policy follow it through the data.',
  family: 'imitation',
  actions: ['discrete', 'continuous'],
  usesNextState: true,
  hyperparameters: [...recoilParams, ...sharedDualParams()],
  filterRows: handOverExpertEpisodes,
  charts: [
    { title: 'Q on data vs Monte-Carlo return', metrics: ['q_data', 'q_expert', 'v_data', 'q_policy', 'mc_return'], help: 'Q on expert actions climbs to R / (1 - gamma), Q on the rest of the data stays well below; mc_return is the data’s own return, for reference only (ReCOIL ignores rewards).' },
    ...dualCharts('Value loss and max residual', 'Healthy: the loss levels off and max (Q - V) stays moderate.').slice(1),
  ],
  metricHelp: Object.fromEntries(dualMetricNames(true).map((n) => [n, dualMetricHelp[n]])),
  create: (ctx) => createDualValueAgent(ctx, { id: 'recoil', f: null, imitation: true }),
};
