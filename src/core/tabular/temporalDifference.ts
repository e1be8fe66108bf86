// Tabular temporal-difference control (Sutton & Barto 2018, ch. 6): Q-learning (Watkins 1989; eq. 6.8), SARSA
// (Rummery & Niranjan 1994; eq. 6.7) and expected SARSA (van Seijen et al. 2009; eq. 6.9), each
// Q(s, a) <- Q(s, a) + alpha (target - Q(s, a)) with an epsilon-greedy behaviour policy.
import type { Env } from '../envs/types';
import type { Rng } from '../rng';

export type TdMethod = 'q-learning' | 'sarsa' | 'expected-sarsa';

/** Q-learning's target r + gamma max_a' Q(s', a') (0 past a terminal). Q is row-major [s * nA + a]. */
export function qLearningTarget(Q: Float64Array, nA: number, r: number, next: number, done: boolean, gamma: number): number {
  if (done) return r;
  let best = -Infinity;
  for (let a = 0; a < nA; a++) best = Math.max(best, Q[next * nA + a]);
  return r + gamma * best;
}

/** SARSA's target r + gamma Q(s', a'), a' the action the behaviour policy takes next. */
export function sarsaTarget(Q: Float64Array, nA: number, r: number, next: number, nextAction: number, done: boolean, gamma: number): number {
  return done ? r : r + gamma * Q[next * nA + nextAction];
}

/** The greedy actions at s: every action tied for the largest Q(s, .). */
function greedyActions(Q: Float64Array, nA: number, s: number): number[] {
  let best = -Infinity;
  let ties: number[] = [];
  for (let a = 0; a < nA; a++) {
    const q = Q[s * nA + a];
    if (q > best) [best, ties] = [q, [a]];
    else if (q === best) ties.push(a);
  }
  return ties;
}

/**
 * Action probabilities of epsilon-greedy at s: eps / nA on each action, and 1 - eps shared by the greedy ones (ties
 * broken at random, S&B's "ties broken arbitrarily": always taking the first would walk a zero-initialised learner
 * into one wall for ever on a grid whose only reward is at the goal, as FrozenLake's).
 */
export function epsilonGreedyProbs(Q: Float64Array, nA: number, s: number, epsilon: number): Float64Array {
  const probs = new Float64Array(nA).fill(epsilon / nA);
  const ties = greedyActions(Q, nA, s);
  for (const a of ties) probs[a] += (1 - epsilon) / ties.length;
  return probs;
}

/** Expected SARSA's target r + gamma sum_a' pi(a'|s') Q(s', a'), pi epsilon-greedy. */
export function expectedSarsaTarget(Q: Float64Array, nA: number, r: number, next: number, done: boolean, gamma: number, epsilon: number): number {
  if (done) return r;
  const probs = epsilonGreedyProbs(Q, nA, next, epsilon);
  let v = 0;
  for (let a = 0; a < nA; a++) v += probs[a] * Q[next * nA + a];
  return r + gamma * v;
}

/** An epsilon-greedy draw (a random action with probability eps, else a greedy one, ties at random). */
export function epsilonGreedy(Q: Float64Array, nA: number, s: number, epsilon: number, rng: Rng): number {
  if (rng.next() < epsilon) return rng.int(nA);
  const ties = greedyActions(Q, nA, s);
  return ties.length === 1 ? ties[0] : ties[rng.int(ties.length)];
}

export interface TdSettings {
  method: TdMethod;
  alpha: number;
  gamma: number;
  epsilon: number;
}

/**
 * Runs one episode of TD control in `env`, updating Q in place after every step; `stateOf` maps an observation to its
 * table row. A truncated episode ends without a terminal target. Returns the episode's return and length.
 */
export function tdEpisode(env: Env, stateOf: (obs: Float32Array) => number, Q: Float64Array, nA: number, settings: TdSettings, rng: Rng, seed?: number): { return: number; length: number } {
  const { method, alpha, gamma, epsilon } = settings;
  let s = stateOf(env.reset(seed));
  let a = epsilonGreedy(Q, nA, s, epsilon, rng);
  let total = 0;
  for (let length = 1; ; length++) {
    const { observation, reward, terminated, truncated } = env.step(a);
    const next = stateOf(observation);
    total += reward;
    // SARSA picks A' before its update (its target needs it); Q-learning and expected SARSA pick the next action
    // from the updated table, as in S&B's boxes (it differs when s' = s, a bump into a wall).
    const chosen = method === 'sarsa' ? epsilonGreedy(Q, nA, next, epsilon, rng) : -1;
    const target =
      method === 'q-learning'
        ? qLearningTarget(Q, nA, reward, next, terminated, gamma)
        : method === 'sarsa'
          ? sarsaTarget(Q, nA, reward, next, chosen, terminated, gamma)
          : expectedSarsaTarget(Q, nA, reward, next, terminated, gamma, epsilon);
    Q[s * nA + a] += alpha * (target - Q[s * nA + a]);
    if (terminated || truncated) return { return: total, length };
    [s, a] = [next, chosen >= 0 ? chosen : epsilonGreedy(Q, nA, next, epsilon, rng)];
  }
}
