// Extreme Q-Learning, offline (Garg, Hejna, Geist & Ermon, "Extreme Q-Learning: MaxEnt RL without Entropy", ICLR 2023).
// IQL's structure with V fitted by Gumbel regression instead of an expectile: minimising E[exp(z) - z - 1] with
// z = (Q(s, a) - V(s)) / beta makes V the soft maximum beta log E[exp(Q / beta)] of Q over the dataset actions (XQL
// Sec. 3, Gumbel regression; offline XQL Sec. 4). Q regresses on r + gamma V(s') and the policy is extracted by
// advantage-weighted regression, as IQL. Details as the XQL code (and DVL's copy of it, offline/critic.py: f =
// reverse-KL): z clipped from above at max_clip = 7, and the loss divided by exp(max z) of the batch (held constant)
// so the gradient cannot blow up. exp(z) still grows with z: the Gumbel loss and max_z charts show the instability
// Dual RL (Sikchi et al. 2024) fixes with f-DVL (fdvl.ts). Shared pieces: dualValue.ts.
import type { HyperParam } from '../run/hyperparameters';
import { awrBetaParam, createDualValueAgent, dualCharts, dualMetricHelp, dualMetricNames, maxClipParam, rescaleParam, sharedDualParams } from './dualValue';
import type { AlgorithmDef } from './types';

const xqlParams: HyperParam[] = [
  {
    key: 'beta',
    label: 'Gumbel temperature (beta)',
    help: 'Scale of the Gumbel loss, z = (Q - V) / beta. Small: V near the hard max of Q over the data, but exp(z) explodes; large: V near the mean. XQL’s D4RL locomotion runs mostly use 2.',
    kind: 'number',
    default: 2,
    min: 0.01,
    max: 100,
    log: true,
    live: true,
  },
  maxClipParam,
  rescaleParam,
  awrBetaParam,
];

export const xql: AlgorithmDef = {
  id: 'xql',
  name: 'Extreme Q-Learning (XQL, offline)',
  paper: 'Garg, Hejna, Geist & Ermon, "Extreme Q-Learning: MaxEnt RL without Entropy", ICLR 2023',
  summary: 'IQL with V fitted by Gumbel regression: V becomes a soft maximum of Q over the dataset actions. Strong, but exp((Q - V) / beta) can explode.',
  family: 'offline',
  actions: ['discrete', 'continuous'],
  usesNextState: true,
  hyperparameters: [...xqlParams, ...sharedDualParams()],
  charts: dualCharts('Gumbel loss and max z', 'Healthy: the Gumbel loss falls and max z stays a few units. Broken: max z climbs to the clip and the loss jumps by orders of magnitude (exp(z) exploding): raise beta.'),
  metricHelp: Object.fromEntries(dualMetricNames(false).map((n) => [n, dualMetricHelp[n]])),
  create: (ctx) => createDualValueAgent(ctx, { id: 'xql', f: 'reverse-kl', imitation: false }),
};
