// Algorithms that train as populations (K members as one batched model): IQL, TD3+BC, ReBRAC, offline DQN, discrete
// CQL, offline SAC, continuous CQL and Cal-QL (on the SAC population), AWAC, behaviour cloning, filtered behaviour
// cloning (%BC), XQL, f-DVL and ReCOIL (on IQL's population shell; ReCOIL's expert episodes shared), A2PR, SAC-N and
// EDAC (each member's N critics in one batched ensemble), PRDC (on TD3+BC's parts, one shared neighbour index) and
// ODICE (its gradient projection per member): every offline algorithm built on MLPs, and the Decision Transformer
// (decisionTransformer.ts: its transformer's weights with a members axis, each member's windows from its own sampling
// seed, its evaluation asking for its own target return). Online DQN, online SAC and PPO train as populations too
// (dqnOnline.ts, sacOnline.ts, ppo.ts, trained by onlinePopulationTrainer.ts: each member acts in its own environments
// and fills its own replay buffer (replayMembers.ts) or collects its own on-policy rollouts (rolloutMembers.ts); online
// SAC's gSDE exploration too, memberGsde.ts).
import type { PopulationInfo } from '../experiments/populations';
import type { HyperParam } from '../run/hyperparameters';
import { a2prPopulation } from './a2pr';
import { awacPopulation } from './awac';
import { bcPopulation } from './bc';
import { bcFilteredPopulation } from './bcFiltered';
import { calQlPopulation, cqlContinuousPopulation } from './cqlContinuous';
import { cqlDiscretePopulation } from './cqlDiscrete';
import { dtPopulation } from './decisionTransformer';
import { dqnPopulation } from './dqn';
import { dqnOnlinePopulation } from './dqnOnline';
import { fdvlPopulation, recoilPopulation, xqlPopulation } from './dualValue';
import { iqlPopulation } from './iql';
import { odicePopulation } from './odice';
import { ppoPopulation } from './ppo';
import { prdcPopulation } from './prdc';
import { rebracPopulation } from './rebrac';
import { edacPopulation, sacNPopulation } from './sacN';
import { sacPopulation } from './sac';
import { sacOnlinePopulation } from './sacOnline';
import { td3bcPopulation } from './td3bc';
import type { OnlinePopulationDef, PopulationDef } from './types';

const populations: PopulationDef[] = [
  iqlPopulation,
  td3bcPopulation,
  dqnPopulation,
  sacPopulation,
  bcPopulation,
  awacPopulation,
  bcFilteredPopulation,
  cqlDiscretePopulation,
  rebracPopulation,
  cqlContinuousPopulation,
  calQlPopulation,
  xqlPopulation,
  fdvlPopulation,
  a2prPopulation,
  sacNPopulation,
  edacPopulation,
  prdcPopulation,
  odicePopulation,
  recoilPopulation,
  dtPopulation,
];

/** Online algorithms whose members act in their own environments (trained by onlinePopulationTrainer.ts). */
const onlinePopulations: OnlinePopulationDef[] = [dqnOnlinePopulation, sacOnlinePopulation, ppoPopulation];

/** Settings that belong to each run of a population even when not held on the device (the trainer reads them per member). */
export const PER_RUN_KEYS = ['seed', 'updatesPerEval', 'evalEpisodes', 'maxUpdates'];

/** The population version of an offline algorithm (trained by populationTrainer.ts), or null. */
export function populationDef(algorithmId: string): PopulationDef | null {
  return populations.find((p) => p.algorithmId === algorithmId) ?? null;
}

/** The population version of an online algorithm, or null for an offline one (or one without a population). */
export function onlinePopulationDef(algorithmId: string): OnlinePopulationDef | null {
  return onlinePopulations.find((p) => p.algorithmId === algorithmId) ?? null;
}

/** The offline algorithms with a population version. */
export function populationAlgorithms(): string[] {
  return populations.map((p) => p.algorithmId);
}

export function onlinePopulationAlgorithms(): string[] {
  return onlinePopulations.map((p) => p.algorithmId);
}

/** Keys every member of a population must share (network shapes, batch size, sampling, discount, TD3's delay, ...). */
export function sharedKeys(def: PopulationDef, schema: readonly HyperParam[]): string[] {
  return schema.map((p) => p.key).filter((k) => !def.memberKeys.includes(k) && !PER_RUN_KEYS.includes(k));
}

/** What the page needs to group runs into populations (see experiments/populations.ts). */
export function populationInfo(schemaOf: (algorithmId: string) => HyperParam[]): PopulationInfo[] {
  const info = (def: PopulationDef, online: boolean): PopulationInfo => {
    const schema = schemaOf(def.algorithmId);
    const memory = def.memberMemory && { ...def.memberMemory, defaults: def.memberMemory.keys.map((key) => Number(schema.find((p) => p.key === key)?.default)) };
    return { algorithmId: def.algorithmId, sharedKeys: sharedKeys(def, schema), online, ...(memory ? { memberMemory: memory } : {}) };
  };
  return [...populations.map((def) => info(def, false)), ...onlinePopulations.map((def) => info(def, true))];
}
