// f-DVL, f-Dual V-Learning (Sikchi, Zheng, Zhang & Niekum, "Dual RL: Unification and New Methods for Reinforcement and
// Imitation Learning", ICLR 2024, Sec. 6). Dual RL reads XQL as the dual of regularised RL with the reverse-KL
// divergence, whose conjugate exp(.) is what explodes; f-DVL swaps in the conjugate of a better-behaved f. The V loss
// on u = Q(s, a) - V(s) is lambda f*(u) - (1 - lambda) u (the f-DVL value objective, Sec. 6), with, as the official
// code (github.com/hari-sikchi/DVL, offline/critic.py): Pearson chi-square, f*(u) = max(u + u^2 / 4, 0) (grows like
// u^2, not exp(u)), or total variation, f*(u) = max(u, 0). Q regresses on r + gamma V(s'), the policy by advantage-
// weighted regression, as IQL/XQL. Defaults as the code's README: chi-square with lambda ('temp') 1 for locomotion;
// total variation with 0.8 for AntMaze. Shared pieces: dualValue.ts.
import type { HyperParam } from '../run/hyperparameters';
import { awrBetaParam, createDualValueAgent, dualCharts, dualMetricHelp, dualMetricNames } from './dualValue';
import { sharedDualParams } from './dualValue';
import type { AlgorithmDef } from './types';

export const fParam = (choices: string[], def: string): HyperParam => ({
  key: 'f',
  label: 'f-divergence',
  help: 'Which dual fits V: chi-square (f*(u) = max(u + u²/4, 0), the paper’s stable choice for locomotion), total-variation (max(u, 0), AntMaze)' + (choices.includes('reverse-kl') ? ', or reverse-kl (XQL’s Gumbel loss exp(z) - z - 1).' : '.'),
  kind: 'choice',
  default: def,
  choices,
  live: true,
});

export const lambdaParam: HyperParam = {
  key: 'lambda',
  label: 'mixing (lambda)',
  help: 'Weight of f*(Q - V) against the linear term -(1 - lambda)(Q - V) (the code’s "temp"). 1: V pushed to the top of Q over the data; lower: towards the mean. DVL README: 1 (chi-square, locomotion), 0.8 (TV, AntMaze).',
  kind: 'number',
  default: 1,
  min: 0.01,
  max: 1,
  live: true,
};

export const fdvl: AlgorithmDef = {
  id: 'f-dvl',
  name: 'f-DVL (Dual V-Learning)',
  paper: 'Sikchi, Zheng, Zhang & Niekum, "Dual RL: Unification and New Methods for Reinforcement and Imitation Learning", ICLR 2024',
  summary: 'XQL with its exploding Gumbel loss replaced by the chi-square or total-variation dual: V still seeks the best dataset actions, with losses that stay finite.',
  family: 'offline',
  actions: ['discrete', 'continuous'],
  usesNextState: true,
  hyperparameters: [fParam(['chi-square', 'total-variation'], 'chi-square'), lambdaParam, awrBetaParam, ...sharedDualParams()],
  charts: dualCharts('Value loss and max residual', 'Healthy: the loss levels off and max (Q - V) stays moderate: the chi-square loss grows like u², never exp(u).'),
  metricHelp: Object.fromEntries(dualMetricNames(false).map((n) => [n, dualMetricHelp[n]])),
  create: (ctx) => createDualValueAgent(ctx, { id: 'f-dvl', f: null, imitation: false }),
};
