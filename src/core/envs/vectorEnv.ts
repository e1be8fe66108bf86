import { makeEnv, type EnvOptions } from './registry';
import { flatDim } from './spaces';
import type { EnvSpec } from './types';
import type { TimeLimit } from './timeLimit';

/**
 * When a finished copy starts its next episode (Gymnasium's AutoresetMode):
 * - 'same-step' (the lab's default): the step that ends an episode already returns the next episode's first
 *   observation in that row, with the episode's last observation in finalObservations. Every step is a real
 *   transition, which is what rollouts and dataset generation want.
 * - 'next-step' (Gymnasium's default for its vector envs): the ending step returns the last observation; the
 *   following step resets that copy, ignores its action and returns the first observation with reward 0 and
 *   both flags false.
 */
export type AutoresetMode = 'same-step' | 'next-step';

export interface VectorEnvOptions extends Omit<EnvOptions, 'seed'> {
  /** Seed of the first reset: copy i is reset with seed + i, as Gymnasium's vector envs do. */
  seed?: number;
  autoreset?: AutoresetMode;
}

export interface VectorStepResult {
  /** numEnvs rows of observationDim values. */
  observations: Float32Array;
  rewards: Float64Array;
  terminated: Uint8Array;
  truncated: Uint8Array;
  /** 'same-step' only: for a copy whose episode ended this step, its last observation; otherwise null. */
  finalObservations: (Float32Array | null)[];
}

const MAX_ENVS = 4096;

/** N independent copies of one environment stepped together, each wrapped in its TimeLimit. */
export class VectorEnv {
  readonly spec: EnvSpec;
  readonly observationDim: number;
  readonly actionDim: number;
  readonly autoreset: AutoresetMode;
  private readonly envs: TimeLimit[];
  private readonly pendingReset: Uint8Array;
  private started = false;

  constructor(
    envId: string,
    readonly numEnvs: number,
    private readonly options: VectorEnvOptions = {},
  ) {
    if (!Number.isInteger(numEnvs) || numEnvs < 1 || numEnvs > MAX_ENVS) throw new Error(`VectorEnv: numEnvs must be an integer in [1, ${MAX_ENVS}], got ${numEnvs}`);
    const { seed: _seed, autoreset, ...envOptions } = options;
    void _seed;
    this.envs = Array.from({ length: numEnvs }, () => makeEnv(envId, envOptions));
    this.spec = this.envs[0].spec;
    this.observationDim = flatDim(this.spec.observationSpace);
    this.actionDim = flatDim(this.spec.actionSpace);
    this.autoreset = autoreset ?? 'same-step';
    this.pendingReset = new Uint8Array(numEnvs);
  }

  /** Resets every copy: with a seed, copy i gets seed + i; without, each continues its own stream. */
  reset(seed: number | undefined = this.started ? undefined : this.options.seed): Float32Array {
    this.started = true;
    const obs = new Float32Array(this.numEnvs * this.observationDim);
    this.envs.forEach((env, i) => obs.set(env.reset(seed === undefined ? undefined : seed + i), i * this.observationDim));
    this.pendingReset.fill(0);
    return obs;
  }

  /** Steps every copy. Discrete: numEnvs integer actions. Box: numEnvs rows of actionDim values, flat. */
  step(actions: ArrayLike<number>): VectorStepResult {
    if (!this.started) throw new Error(`VectorEnv(${this.spec.id}): call reset() before step()`);
    const width = this.spec.actionSpace.kind === 'discrete' ? 1 : this.actionDim;
    if (actions.length !== this.numEnvs * width) {
      throw new Error(`VectorEnv(${this.spec.id}): expected ${this.numEnvs * width} action values (${this.numEnvs} envs × ${width}), got ${actions.length}`);
    }
    const flat = this.spec.actionSpace.kind === 'box' ? Float32Array.from(actions) : null;
    const n = this.numEnvs;
    const out: VectorStepResult = {
      observations: new Float32Array(n * this.observationDim),
      rewards: new Float64Array(n),
      terminated: new Uint8Array(n),
      truncated: new Uint8Array(n),
      finalObservations: new Array<Float32Array | null>(n).fill(null),
    };
    for (let i = 0; i < n; i++) {
      const env = this.envs[i];
      if (this.pendingReset[i]) {
        // next-step mode: this step only starts the new episode.
        this.pendingReset[i] = 0;
        out.observations.set(env.reset(), i * this.observationDim);
        continue;
      }
      const action = flat ? flat.subarray(i * width, (i + 1) * width) : actions[i];
      let r;
      try {
        r = env.step(action);
      } catch (e) {
        throw new Error(`VectorEnv env ${i}: ${(e as Error).message}`);
      }
      out.rewards[i] = r.reward;
      out.terminated[i] = r.terminated ? 1 : 0;
      out.truncated[i] = r.truncated ? 1 : 0;
      let obs = r.observation;
      if (r.terminated || r.truncated) {
        if (this.autoreset === 'same-step') {
          out.finalObservations[i] = obs;
          obs = env.reset();
        } else this.pendingReset[i] = 1;
      }
      out.observations.set(obs, i * this.observationDim);
    }
    return out;
  }

  /** Frees every copy's simulator memory (MuJoCo envs); the vector env cannot be stepped afterwards. */
  dispose(): void {
    for (const env of this.envs) env.dispose();
  }

  /** The simulator state of copy i (Env.getState). */
  getState(i: number): Float64Array {
    return this.envs[i].getState();
  }
}
