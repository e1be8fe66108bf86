import type { Action, Env, StepResult } from './types';

/** Gymnasium's TimeLimit wrapper: truncated becomes true at spec.maxEpisodeSteps. */
export class TimeLimit implements Env {
  private elapsed = 0;

  constructor(readonly inner: Env) {}

  get spec() {
    return this.inner.spec;
  }

  get elapsedSteps(): number {
    return this.elapsed;
  }

  reset(seed?: number): Float32Array {
    this.elapsed = 0;
    return this.inner.reset(seed);
  }

  step(action: Action): StepResult {
    const result = this.inner.step(action);
    this.elapsed += 1;
    if (this.elapsed >= this.spec.maxEpisodeSteps) result.truncated = true;
    return result;
  }

  getState(): Float64Array {
    return this.inner.getState();
  }

  setState(state: Float64Array): void {
    this.inner.setState(state);
  }

  dispose(): void {
    this.inner.dispose?.();
  }
}
