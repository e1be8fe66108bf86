// ReCOIL's expert half of each batch (algos/dualValue.ts's expertHalf) for a population: the expert episodes are the
// dataset's best, chosen by the shared `expertEpisodes`, so one copy on the device serves every member; each member
// draws its own rows from its own Rng, exactly as a lone run draws them from its agent's Rng.
import * as tf from '@tensorflow/tfjs';
import type { ExpertData } from '../algos/dualValue';
import type { Rng } from '../rng';

export class MemberExpertHalf {
  private readonly observations: tf.Tensor2D;
  private readonly actions: tf.Tensor2D;

  constructor(
    private readonly expert: ExpertData,
    private readonly rngs: readonly Rng[],
  ) {
    this.observations = tf.tensor2d(expert.observations, [expert.size, expert.observationDim]);
    this.actions = tf.tensor2d(expert.actions, [expert.size, expert.actionDim]);
  }

  /** B expert rows per member, [K, B, ...]: member k's indices drawn from rngs[k]. Call inside tf.tidy. */
  sample(B: number): { observations: tf.Tensor3D; actions: tf.Tensor3D } {
    const K = this.rngs.length;
    const idx = new Int32Array(K * B);
    this.rngs.forEach((rng, k) => {
      for (let i = 0; i < B; i++) idx[k * B + i] = rng.int(this.expert.size);
    });
    const rows = tf.tensor1d(idx, 'int32');
    return {
      observations: tf.reshape(tf.gather(this.observations, rows), [K, B, this.expert.observationDim]) as tf.Tensor3D,
      actions: tf.reshape(tf.gather(this.actions, rows), [K, B, this.expert.actionDim]) as tf.Tensor3D,
    };
  }

  dispose(): void {
    tf.dispose([this.observations, this.actions]);
  }
}
