// Online Soft Actor-Critic (algos/sacOnline.ts: Haarnoja et al., "Soft Actor-Critic Algorithms and Applications",
// arXiv:1812.05905, 2018) for a population of K members: the SAC population (sac.ts) whose members act in their own
// environments and fill their own replay buffers (onlinePopulationTrainer.ts). Its 'sample' draws member k's
// tanh-Gaussian noise from member k's init Rng exactly as the lone agent's act does, so member k acts as its lone run.
// The fixed temperature is per member, the automatic-temperature switch shared. A run with gSDE exploration trains
// alone (aloneWhen): its exploration matrices and learnt noise scale have no members axis here.
import { createSACPopulationAgent, SAC_MEMBER_KEYS } from './sac';
import type { OnlinePopulationDef } from './types';

const SAC_ONLINE_MEMBER_KEYS = [...SAC_MEMBER_KEYS, 'alpha'];

export const sacOnlinePopulation: OnlinePopulationDef = {
  algorithmId: 'sac-online',
  memberKeys: SAC_ONLINE_MEMBER_KEYS,
  aloneWhen: { exploration: 'gsde' },
  create(ctx) {
    // Only gSDE's lone agent reads the env steps (when to redraw its matrices).
    return { ...createSACPopulationAgent(ctx, 'sac-online', SAC_ONLINE_MEMBER_KEYS, null), observeEnvSteps: () => {} };
  },
};
