// The Decision Transformer's evaluation context (Chen et al. 2021, Algorithm 1's evaluation loop): the last K steps of
// each episode, kept on the CPU, and the return still to get (R_1 = target, R_{t+1} = R_t - r_t). The lone agent
// (decisionTransformer.ts) and the population (population/decisionTransformer.ts) both keep their episodes here.

/** Windows of the last `context` steps of some episodes, each right-padded to `context` like a training window. */
export class ContextWindows {
  private readonly episodes: { states: Float32Array; actions: Float32Array; returns: Float32Array; timesteps: Int32Array; filled: number; step: number; toGo: number }[];

  /** `targets[e]`: the return episode e is asked for. */
  constructor(
    readonly context: number,
    readonly observationDim: number,
    readonly actionDim: number,
    targets: readonly number[],
  ) {
    this.episodes = targets.map((toGo) => ({
      states: new Float32Array(context * observationDim),
      actions: new Float32Array(context * actionDim),
      returns: new Float32Array(context),
      timesteps: new Int32Array(context),
      filled: 0,
      step: 0,
      toGo,
    }));
  }

  /** Appends each listed episode's new observation (rows of `observations`, in `ids` order) as its newest step. */
  push(ids: readonly number[], observations: Float32Array): void {
    const [obsDim, actDim, context] = [this.observationDim, this.actionDim, this.context];
    ids.forEach((id, r) => {
      const e = this.episodes[id];
      if (e.filled === context) {
        // Slide the window: drop the oldest step.
        e.states.copyWithin(0, obsDim);
        e.actions.copyWithin(0, actDim);
        e.returns.copyWithin(0, 1);
        e.timesteps.copyWithin(0, 1);
        e.filled -= 1;
      }
      const j = e.filled;
      e.states.set(observations.subarray(r * obsDim, (r + 1) * obsDim), j * obsDim);
      e.actions.fill(0, j * actDim, (j + 1) * actDim); // a_t is not known yet; the causal mask hides it anyway
      e.returns[j] = e.toGo;
      e.timesteps[j] = e.step;
      e.filled += 1;
    });
  }

  /** The listed episodes' windows, flat in `ids` order ([n, context, ...]), and where each one's newest step is. */
  windows(ids: readonly number[]): { states: Float32Array; actions: Float32Array; returns: Float32Array; timesteps: Int32Array; newest: Int32Array } {
    const [obsDim, actDim, context, n] = [this.observationDim, this.actionDim, this.context, ids.length];
    const out = { states: new Float32Array(n * context * obsDim), actions: new Float32Array(n * context * actDim), returns: new Float32Array(n * context), timesteps: new Int32Array(n * context), newest: new Int32Array(n) };
    ids.forEach((id, r) => {
      const e = this.episodes[id];
      out.newest[r] = Math.max(0, e.filled - 1);
      out.states.set(e.states, r * context * obsDim);
      out.actions.set(e.actions, r * context * actDim);
      out.returns.set(e.returns, r * context);
      out.timesteps.set(e.timesteps, r * context);
    });
    return out;
  }

  /** The actions taken at the newest steps (as read back: unit box, or indices) and the rewards they brought. */
  observe(ids: readonly number[], actions: Float32Array, rewards: Float32Array): void {
    const actDim = this.actionDim;
    ids.forEach((id, r) => {
      const e = this.episodes[id];
      e.actions.set(actions.subarray(r * actDim, (r + 1) * actDim), (e.filled - 1) * actDim);
      e.toGo -= rewards[r];
      e.step += 1;
    });
  }
}
