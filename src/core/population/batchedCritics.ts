// Twin (or single) Q networks with Polyak-averaged targets for K members: algos/critics.ts with a members axis.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng';
import { pickActions } from '../algos/losses';
import { BatchedMLP, softUpdateMembers } from './batchedMlp';
import type { MemberVariable } from './memberVariables';

export class BatchedCritics {
  readonly online: BatchedMLP[];
  readonly target: BatchedMLP[];

  /** Names, sizes and draw order as Critics(name, ...): member k's critics start as a lone run's with its Rng. */
  constructor(prefix: string, name: string, observationDim: number, actionDim: number, private readonly numActions: number | null, hidden: number[], count: number, members: number, rngs: Rng[]) {
    const sizes = numActions !== null ? [observationDim, ...hidden, numActions] : [observationDim + actionDim, ...hidden, 1];
    this.online = Array.from({ length: count }, (_, i) => new BatchedMLP(prefix, count === 1 ? name : `${name}${i + 1}`, sizes, members, rngs));
    this.target = this.online.map((net) => {
      const t = new BatchedMLP(prefix, `${net.loneName}_target`, sizes, members, null);
      t.copyFrom(net);
      return t;
    });
  }

  /** The online critics' member variables (one Adam steps them all, as in a lone run). */
  get variables(): MemberVariable[] {
    return this.online.flatMap((n) => n.memberVariables);
  }

  /** Every network, targets included, in a lone run's checkpoint order. */
  get networks(): BatchedMLP[] {
    return [...this.online, ...this.target];
  }

  /** Q_i(s, .) of each critic, [K, B, numActions] (discrete critics only). */
  all(observations: tf.Tensor3D, which: 'online' | 'target' = 'online'): tf.Tensor3D[] {
    if (this.numActions === null) throw new Error('BatchedCritics.all is for discrete actions');
    return (which === 'online' ? this.online : this.target).map((net) => net.apply(observations));
  }

  /** Q_i(s, a) of each critic for one action per row, [K, B]: an index column (discrete) or [K, B, actionDim]. */
  q(observations: tf.Tensor3D, actions: tf.Tensor3D, which: 'online' | 'target' = 'online'): tf.Tensor2D[] {
    const nets = which === 'online' ? this.online : this.target;
    if (this.numActions !== null) {
      const k = this.numActions;
      const idx = tf.cast(tf.squeeze(actions, [2]), 'int32') as tf.Tensor2D;
      return nets.map((net) => pickActions(net.apply(observations), idx, k));
    }
    const input = tf.concat([observations, actions], 2) as tf.Tensor3D;
    return nets.map((net) => tf.squeeze(net.apply(input), [2]) as tf.Tensor2D);
  }

  updateTargets(tau: tf.Tensor1D): void {
    this.target.forEach((t, i) => softUpdateMembers(t, this.online[i], tau));
  }

  dispose(): void {
    for (const net of this.networks) net.dispose();
  }
}
