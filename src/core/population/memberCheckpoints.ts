// Members as lone runs' checkpoints, and a lone run's checkpoint into a member: the same for offline and online
// populations (an online member's checkpoint adds its environment steps and replay rows).
import type { HyperValues } from '../run/hyperparameters';
import type { TrainerCheckpoint } from '../run/trainer';
import type { PopulationAgent } from './types';

/** Every member's weights and optimizer moments, with its settings and the population's position. */
export async function memberCheckpoints(agent: PopulationAgent, update: number, wallMs: number, hyperparameters: (member: number) => HyperValues): Promise<TrainerCheckpoint[]> {
  const settings = Array.from({ length: agent.members }, (_, k) => hyperparameters(k)); // as they are now, not after the read
  const states = await agent.saveMembers();
  return states.map((s, k) => ({ update, hyperparameters: settings[k], agent: s.agent, optimizers: s.optimizers, wallMs }));
}

/** A lone run's checkpoint (same algorithm and shapes) into member k's slices: weights and optimizer moments. */
export function loadMemberCheckpoint(agent: PopulationAgent, algorithmId: string, member: number, checkpoint: TrainerCheckpoint): void {
  if (checkpoint.agent.algorithm !== algorithmId) throw new Error(`checkpoint is of ${checkpoint.agent.algorithm}, not ${algorithmId}`);
  agent.loadMember(member, { agent: checkpoint.agent, optimizers: checkpoint.optimizers ?? [] });
}
