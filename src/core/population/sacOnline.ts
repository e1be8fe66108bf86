// Online Soft Actor-Critic (algos/sacOnline.ts: Haarnoja et al., "Soft Actor-Critic Algorithms and Applications",
// arXiv:1812.05905, 2018) for a population of K members: the SAC population (sac.ts) whose members act in their own
// environments and fill their own replay buffers (onlinePopulationTrainer.ts). Its 'sample' draws member k's
// tanh-Gaussian noise from member k's init Rng exactly as the lone agent's act does, so member k acts as its lone run.
// The fixed temperature is per member, the automatic-temperature switch and gSDE exploration (memberGsde.ts: each
// member's own matrices and learnt noise scale) shared.
import { createSACPopulationAgent, SAC_MEMBER_KEYS } from './sac';
import type { OnlinePopulationDef } from './types';

const SAC_ONLINE_MEMBER_KEYS = [...SAC_MEMBER_KEYS, 'alpha'];

export const sacOnlinePopulation: OnlinePopulationDef = {
  algorithmId: 'sac-online',
  memberKeys: SAC_ONLINE_MEMBER_KEYS,
  create: (ctx) => createSACPopulationAgent(ctx, 'sac-online', SAC_ONLINE_MEMBER_KEYS, null),
};
