// Dropout (Srivastava et al. 2014) for K members, each member's mask drawn from its own Rng exactly as its lone run's
// tf.dropout draws it (one seed per call, a uniform per value, keep where u + keep >= 1, scaled by 1 / keep), so member
// k trains on a lone run's masks. A member whose rate is 0 draws nothing, as its lone run calls no dropout then.
import * as tf from '@tensorflow/tfjs';
import { noDropout, type Dropout } from '../algos/transformer';
import type { Rng } from '../rng';
import type { MemberValues } from './memberValues';

/** The dropout of one update: applied to tensors whose leading axis (or leading block of rows) is the members'. */
export function memberDropout(rngs: readonly Rng[], values: MemberValues, key = 'dropout'): Dropout {
  const K = rngs.length;
  const rates = rngs.map((_, k) => values.get(k, key));
  if (rates.every((r) => r === 0)) return noDropout;
  return (x) => {
    const n = x.size / K;
    const u = tf.stack(rngs.map((rng, k) => (rates[k] > 0 ? tf.randomUniform([n], 0, 1, 'float32', rng.nextUint32()) : tf.zeros([n]))));
    const keep = tf.reshape(tf.sub(1, values.vector(key)), [K, 1]);
    const multiplier = tf.div(tf.floor(tf.add(u, keep)), keep);
    return tf.mul(x, tf.reshape(multiplier, x.shape));
  };
}
