// What a discrete Q-learner answers the lab: epsilon-greedy actions, Q of given actions and max-Q state values. One
// place for offline DQN (a fixed exploration rate when sampled) and online DQN (its live epsilon schedule).
import * as tf from '@tensorflow/tfjs';
import { pickActions } from './losses';
import { actionIndices } from './common';
import type { Rng } from '../rng';

export function epsilonGreedyQueries(Q: (obs: tf.Tensor2D) => tf.Tensor2D, actionCount: number, rng: Rng, epsilon: () => number) {
  return {
    act(observations: tf.Tensor2D, mode: 'sample' | 'greedy'): tf.Tensor {
      return tf.tidy(() => {
        const best = tf.argMax(Q(observations), 1);
        if (mode === 'greedy') return best;
        // A uniformly random action with probability epsilon, else the greedy one.
        const n = observations.shape[0];
        const explore = tf.less(tf.randomUniform([n], 0, 1, 'float32', rng.nextUint32()), epsilon());
        return tf.where(explore, tf.randomUniform([n], 0, actionCount, 'int32', rng.nextUint32()), best);
      });
    },

    qValue(observations: tf.Tensor2D, actions: tf.Tensor2D): tf.Tensor1D {
      return tf.tidy(() => pickActions(Q(observations), actionIndices(actions), actionCount));
    },

    stateValue(observations: tf.Tensor2D): tf.Tensor1D {
      return tf.tidy(() => tf.max(Q(observations), 1) as tf.Tensor1D);
    },
  };
}
