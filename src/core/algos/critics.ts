import * as tf from '@tensorflow/tfjs';
import { Rng } from '../rng';
import { actionIndices } from './common';
import { pickActions } from './losses';
import { MLP, softUpdate } from './nets';

/**
 * Q networks with Polyak-averaged target copies. With two, the minimum is used: clipped double Q (Fujimoto et al.
 * 2018), as SAC, CQL and IQL do; DQN uses one. Discrete critics map s to Q(s, .), one output per action (Mnih et al.
 * 2015); continuous critics map the concatenation [s, a] to Q(s, a).
 */
export class Critics {
  readonly online: MLP[];
  readonly target: MLP[];
  private readonly numActions: number | null;

  constructor(name: string, observationDim: number, actionDim: number, discreteActions: number | null, hidden: number[], count: number, rng: Rng) {
    this.numActions = discreteActions;
    const sizes = discreteActions !== null ? [observationDim, ...hidden, discreteActions] : [observationDim + actionDim, ...hidden, 1];
    this.online = Array.from({ length: count }, (_, i) => new MLP(count === 1 ? name : `${name}${i + 1}`, sizes, rng));
    // Targets start as exact copies; their own initial draws come from a throwaway Rng so the lab's stream is unaffected.
    this.target = this.online.map((net) => {
      const t = new MLP(`${net.name}_target`, sizes, new Rng(0));
      t.copyFrom(net);
      return t;
    });
  }

  /** Trainable variables of the online critics. */
  get variables(): tf.Variable[] {
    return this.online.flatMap((n) => n.variables);
  }

  /** Every network, targets included (checkpoints). */
  get networks(): MLP[] {
    return [...this.online, ...this.target];
  }

  /** Q_i(s, .) of each critic, [n, numActions] (discrete critics only). */
  all(observations: tf.Tensor2D, which: 'online' | 'target' = 'online'): tf.Tensor2D[] {
    if (this.numActions === null) throw new Error('Critics.all is for discrete actions');
    return this.nets(which).map((net) => net.apply(observations));
  }

  /** Q_i(s, a) of each critic for one action per row: an index column (discrete) or [n, actionDim] in [-1, 1]. */
  q(observations: tf.Tensor2D, actions: tf.Tensor2D, which: 'online' | 'target' = 'online'): tf.Tensor1D[] {
    if (this.numActions !== null) {
      const k = this.numActions;
      const idx = actionIndices(actions);
      return this.nets(which).map((net) => pickActions(net.apply(observations), idx, k));
    }
    const input = tf.concat([observations, actions], 1) as tf.Tensor2D;
    return this.nets(which).map((net) => tf.reshape(net.apply(input), [-1]) as tf.Tensor1D);
  }

  /** Soft target update of every critic: target <- tau * online + (1 - tau) * target. */
  updateTargets(tau: number): void {
    this.target.forEach((t, i) => softUpdate(t, this.online[i], tau));
  }

  dispose(): void {
    for (const net of this.networks) net.dispose();
  }

  private nets(which: 'online' | 'target'): MLP[] {
    return which === 'online' ? this.online : this.target;
  }
}

/** Elementwise minimum over the critics' estimates (the pessimistic one of a twin pair). */
export function minOf<T extends tf.Tensor>(values: T[]): T {
  return values.reduce((a, b) => tf.minimum(a, b) as T);
}
