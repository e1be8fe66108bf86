import { getEnvSpec } from '../../core/envs/registry';
import { recordBehaviourEpisode } from './demoEpisode';
import { customLayoutText } from './gridEditor';
import { useLab } from './labStore';

/**
 * Switches the lab's environment. The dataset side (store/datasets.ts) follows envId by subscription: it
 * selects or makes that environment's datasets. A demo episode of the old environment is dropped.
 */
export function selectEnvironment(envId: string): void {
  getEnvSpec(envId); // throws a message naming the known ids
  if (useLab.getState().envId === envId) return;
  useLab.setState({ envId, demo: null });
}

/**
 * Plays one episode of a behaviour policy in the current environment (on the layout drawn in the editor, when
 * there is a usable one) and hands it to the replay.
 */
export function playDemoEpisode(policy: string, seed: number): void {
  const { envId } = useLab.getState();
  useLab.setState({ demo: { episode: recordBehaviourEpisode(envId, policy, seed, customLayoutText(envId)), policy, seed } });
}
