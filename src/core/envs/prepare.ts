import { loadMujoco } from './mujoco/loadMujoco';
import { isMujocoEnvId } from './mujoco/locomotionEnvs';

/** Loads what makeEnv(envId) needs first (the MuJoCo wasm for the locomotion envs); a no-op for the others. */
export async function prepareEnv(envId: string | null | undefined): Promise<void> {
  if (envId && isMujocoEnvId(envId)) await loadMujoco();
}
