// The weights of K members' transformers (algos/transformer.ts's Weights with a leading members axis): each matrix
// [K, rows, cols] with member k's values drawn from its own Rng as a lone run draws them, in the lone draw order (the
// layers are built in the same order for both), and each vector [K, 1, dim] so it broadcasts over a member's rows.
import * as tf from '@tensorflow/tfjs';
import type { Weights } from '../algos/transformer';
import type { Rng } from '../rng';
import { memberVariable, type MemberVariable } from './memberVariables';

export interface MemberWeights extends Weights {
  /** The member variable (lone name and shape, for checkpoints) behind each variable made here. */
  memberVariable(variable: tf.Variable): MemberVariable;
}

/** `prefix`: the population's (tfjs variable names are global); lone names are kept for the members' checkpoints. */
export function memberWeights(prefix: string, rngs: readonly Rng[]): MemberWeights {
  const K = rngs.length;
  const made = new Map<tf.Variable, MemberVariable>();
  const keep = (v: MemberVariable) => {
    made.set(v.variable, v);
    return v.variable;
  };
  return {
    matrix(name, rows, cols, std) {
      const n = rows * cols;
      const values = new Float32Array(K * n);
      rngs.forEach((rng, k) => {
        for (let i = 0; i < n; i++) values[k * n + i] = rng.normal(0, std);
      });
      return keep(memberVariable(() => tf.tensor3d(values, [K, rows, cols]), `${prefix}/${name}`, name, [rows, cols]));
    },
    vector: (name, dim, value) => keep(memberVariable(() => tf.fill([K, 1, dim], value), `${prefix}/${name}`, name, [dim])),
    rows: (width) => [K, -1, width],
    memberVariable(variable) {
      const v = made.get(variable);
      if (!v) throw new Error(`${variable.name} is not a member variable of this population`);
      return v;
    },
  };
}
