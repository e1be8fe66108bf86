import type { MainModule } from '@mujoco/mujoco';

/**
 * The official MuJoCo WebAssembly bindings (@mujoco/mujoco 3.14), loaded once per thread and only when asked:
 * the dynamic import keeps the 10 MB wasm out of the page's startup path (Vite puts it in its own chunk).
 * The trainer and dataset workers, the page (when a MuJoCo env is chosen) and tests await loadMujoco() before
 * makeEnv builds Hopper, Walker2d or HalfCheetah.
 */
export type Mujoco = MainModule;

let loading: Promise<Mujoco> | null = null;
let loaded: Mujoco | null = null;

export function loadMujoco(): Promise<Mujoco> {
  loading ??= import('@mujoco/mujoco')
    .then((m) => m.default())
    .then((module) => (loaded = module))
    .catch((e: unknown) => {
      loading = null; // a failed fetch can be retried
      throw new Error(`MuJoCo (@mujoco/mujoco) failed to load: ${e instanceof Error ? e.message : String(e)}`);
    });
  return loading;
}

/** The loaded module; throws a message that says what to do when loadMujoco() has not finished. */
export function mujocoModule(): Mujoco {
  if (!loaded) throw new Error('MuJoCo is not loaded yet: await loadMujoco() before making a MuJoCo environment');
  return loaded;
}

export function isMujocoLoaded(): boolean {
  return loaded !== null;
}

/** Bytes of the wasm heap (it only grows): a leak of models or data shows as growth over many episodes. */
export function mujocoHeapBytes(): number {
  const m = mujocoModule();
  const model = m.MjModel.from_xml_string('<mujoco/>');
  const data = new m.MjData(model);
  const bytes = (data.qpos as Float64Array).buffer.byteLength;
  data.delete();
  model.delete();
  return bytes;
}
