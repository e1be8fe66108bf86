import { useEffect, useState } from 'react';
import { isMujocoLoaded } from '../../core/envs/mujoco/loadMujoco';
import { isMujocoEnvId } from '../../core/envs/mujoco/locomotionEnvs';
import { prepareEnv } from '../../core/envs/prepare';

/**
 * Whether makeEnv(envId) can run in the page now. A MuJoCo env loads the wasm on first use (never at startup);
 * until it has, this is false and `error` says why if the load failed.
 */
export function useEnvReady(envId: string): { ready: boolean; error: string | null } {
  const needsLoad = () => isMujocoEnvId(envId) && !isMujocoLoaded();
  const [pending, setPending] = useState(needsLoad);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!needsLoad()) {
      setPending(false);
      return;
    }
    let live = true;
    setPending(true);
    setError(null);
    prepareEnv(envId).then(
      () => live && setPending(false),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [envId]);
  return { ready: !pending && !needsLoad(), error };
}
