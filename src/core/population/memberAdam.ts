// Adam (Kingma & Ba 2015, Algorithm 1) for a population: moments shaped like the member variables, a learning rate per
// member read from the device each step, and a gradient norm per member. The same arithmetic as algos/optim.ts's Adam
// (PyTorch's bias correction), so member k steps as a lone run with its learning rate does.
import * as tf from '@tensorflow/tfjs';
import type { OptimizerState } from '../algos/optim';
import { newVariable } from '../algos/nets';
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
    const gradNorm = tf.sqrt(tf.sum(tf.stack(gs.map((g) => tf.sum(tf.square(g), g.shape.slice(1).map((_, i) => i + 1)))), 0)) as tf.Tensor1D;
    this.apply(gs);
    const [loss, ...aux] = kept.map((t) => tf.clone(t));
    tf.dispose(kept);
    return { loss: loss as tf.Tensor1D, gradNorm, aux: aux as A };
  }

  private apply(gs: tf.Tensor[]): void {
    this.t += 1;
    const bc1 = 1 - B1 ** this.t;
    const sqrtBc2 = Math.sqrt(1 - B2 ** this.t);
    const lr = this.learningRate();
    this.variables.forEach(({ variable: x }, i) => {
      const step = tf.reshape(tf.div(lr, bc1), [-1, ...x.shape.slice(1).map(() => 1)]);
      const m = tf.add(tf.mul(this.m[i], B1), tf.mul(gs[i], 1 - B1));
      const v = tf.add(tf.mul(this.v[i], B2), tf.mul(tf.square(gs[i]), 1 - B2));
      this.m[i].assign(m);
      this.v[i].assign(v);
      x.assign(tf.sub(x, tf.mul(tf.div(m, tf.add(tf.div(tf.sqrt(v), sqrtBc2), EPS)), step)));
    });
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
    permuteMembers([...this.m, ...this.v], sources);
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
