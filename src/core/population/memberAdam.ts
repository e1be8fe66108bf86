// Adam (Kingma & Ba 2015, Algorithm 1) for a population: moments shaped like the member variables, a learning rate per
// member read from the device each step, and a gradient norm per member. The same arithmetic as algos/optim.ts's Adam
// (PyTorch's bias correction), so member k steps as a lone run with its learning rate does; the step itself is
// memberAdamStep.ts (one kernel for all variables on wasm).
import * as tf from '@tensorflow/tfjs';
import type { OptimizerState } from '../algos/optim';
import { newVariable } from '../algos/nets';
import { memberAdamStep } from './memberAdamStep';
import { permuteMembers, readMemberSlices, writeSlice, type MemberVariable } from './memberVariables';

const [B1, B2, EPS] = [0.9, 0.999, 1e-8];

export class MemberAdam {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t = 0;

  /** `learningRate()`: the [K] rates of this step (a device vector, or one computed from them, e.g. a schedule). */
  constructor(
    readonly members: number,
    readonly variables: readonly MemberVariable[],
    private readonly learningRate: () => tf.Tensor1D,
    /**
     * `clipNorm`: each member's gradients scaled to at most this global norm before the step; `epsilon` (1e-8 unless
     * set): algos/optim.ts's options. `weightDecay`: AdamW's decoupled decay (Loshchilov & Hutter 2019) with each
     * member's rate [K]: x <- x (1 - lr wd) before the step, as algos/optim.ts's Adam decays.
     */
    private readonly options: { clipNorm?: number; epsilon?: number; weightDecay?: () => tf.Tensor1D } = {},
  ) {
    this.m = variables.map((x) => newVariable(() => tf.zerosLike(x.variable), undefined, false));
    this.v = variables.map((x) => newVariable(() => tf.zerosLike(x.variable), undefined, false));
  }

  /**
   * Gradients of the summed per-member losses (member k's loss depends only on member k's slices, so each slice gets its
   * own member's gradient), then one Adam step per member. Returns the losses [K], the gradient norms [K] and tensors
   * computed inside the gradient scope (`aux`, for metrics and later losses). Call inside tf.tidy.
   */
  minimize<A extends tf.Tensor[]>(f: () => { loss: tf.Tensor1D; aux: A }): { loss: tf.Tensor1D; gradNorm: tf.Tensor1D; aux: A } {
    let kept: tf.Tensor[] = [];
    const vars = this.variables.map((x) => x.variable);
    const { grads } = tf.variableGrads(() => {
      const out = f();
      kept = [out.loss, ...out.aux].map((t) => tf.keep(t));
      return tf.sum(out.loss);
    }, vars);
    const gs = vars.map((x) => grads[x.name]);
    const gradNorm = this.apply(gs);
    const [loss, ...aux] = kept.map((t) => tf.clone(t));
    tf.dispose(kept);
    return { loss: loss as tf.Tensor1D, gradNorm, aux: aux as A };
  }

  /** One step of every variable; returns the gradient norms [K]. */
  private apply(gs: tf.Tensor[]): tf.Tensor1D {
    this.t += 1;
    const bc1 = 1 - B1 ** this.t;
    const sqrtBc2 = Math.sqrt(1 - B2 ** this.t);
    const lr = this.learningRate();
    const xs = this.variables.map((x) => x.variable);
    const decay = this.options.weightDecay && tf.sub(1, tf.mul(lr, this.options.weightDecay()));
    const from = decay ? xs.map((x) => tf.mul(x, tf.reshape(decay, [-1, ...x.shape.slice(1).map(() => 1)]))) : xs;
    const next = memberAdamStep(lr, from, gs, this.m, this.v, { b1: B1, b2: B2, eps: this.options.epsilon ?? EPS, bc1, sqrtBc2 }, this.options.clipNorm);
    xs.forEach((x, i) => {
      x.assign(next.x[i]);
      this.m[i].assign(next.m[i]);
      this.v[i].assign(next.v[i]);
    });
    return next.gradNorm;
  }

  /** Every member's moments in a lone run's layout (what Trainer checkpoints hold per Adam). */
  async memberStates(): Promise<OptimizerState[]> {
    const [m, v] = await Promise.all([readMemberSlices(this.m, this.members), readMemberSlices(this.v, this.members)]);
    const shapes = this.variables.map((x) => x.loneShape);
    return Array.from({ length: this.members }, (_, k) => ({
      t: this.t,
      m: m[k].map((values, i) => ({ shape: shapes[i].slice(), values })),
      v: v[k].map((values, i) => ({ shape: shapes[i].slice(), values })),
    }));
  }

  /** A lone run's moments into member k's slices. The step count is the population's (all members step together). */
  setMemberState(member: number, state: OptimizerState): void {
    if (state.m.length !== this.m.length || state.v.length !== this.v.length) throw new Error(`optimizer state has ${state.m.length} moments, expected ${this.m.length}`);
    this.m.forEach((x, i) => writeSlice(x, member, state.m[i].values));
    this.v.forEach((x, i) => writeSlice(x, member, state.v[i].values));
  }

  /** Member j takes member sources[j]'s moments. */
  permute(sources: number[]): void {
    permuteMembers(this.moments, sources);
  }

  /** The [K, ...] moment variables (every m, then every v): a member's optimizer state besides the step count. */
  get moments(): tf.Variable[] {
    return [...this.m, ...this.v];
  }

  get step(): number {
    return this.t;
  }

  set step(t: number) {
    this.t = t;
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}
