import { makeEnv } from '../registry';
import { isMujocoLoaded } from './loadMujoco';
import type { GeomPoses, MujocoLocomotionEnv } from './locomotion';

// One env per robot and thread, kept for drawing (3 at most): replays and scrubbing ask for many frames.
const posers = new Map<string, MujocoLocomotionEnv>();

/**
 * MuJoCo's own geom poses of a MuJoCo env at a recorded state (qpos then qvel), or null while the wasm has not
 * loaded in this thread (a renderer then draws a placeholder and asks for loadMujoco()).
 */
export function geomPosesAt(envId: string, state: ArrayLike<number>): GeomPoses | null {
  if (!isMujocoLoaded()) return null;
  let env = posers.get(envId);
  if (!env) {
    env = makeEnv(envId).inner as MujocoLocomotionEnv;
    posers.set(envId, env);
  }
  return env.posesAt(state);
}
