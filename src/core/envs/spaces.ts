/** Gymnasium-style spaces: Discrete(n) and Box(low, high). */
export interface DiscreteSpace {
  readonly kind: 'discrete';
  readonly n: number;
}

export interface BoxSpace {
  readonly kind: 'box';
  readonly shape: readonly number[];
  readonly low: Float32Array;
  readonly high: Float32Array;
}

export type Space = DiscreteSpace | BoxSpace;

export function discrete(n: number): DiscreteSpace {
  return { kind: 'discrete', n };
}

export function box(low: ArrayLike<number>, high: ArrayLike<number>): BoxSpace {
  if (low.length !== high.length) throw new Error('box: low and high differ in length');
  return { kind: 'box', shape: [low.length], low: Float32Array.from(low), high: Float32Array.from(high) };
}

/** Number of scalars a value of this space occupies in a flat row (a discrete action is one index). */
export function flatDim(space: Space): number {
  return space.kind === 'discrete' ? 1 : space.shape.reduce((a, b) => a * b, 1);
}
