// A tabular TD learner acting in a grid, one episode at a time (temporalDifference.ts has the update rules): its
// Q table, the returns of the episodes it played, and settings that can change between any two episodes.
import type { GridWorldSpec } from '../envs/gridWorld';
import { GridWorld, stateIndexOf } from '../envs/gridWorld';
import { TimeLimit } from '../envs/timeLimit';
import { Rng } from '../rng';
import { tdEpisode, type TdSettings } from './temporalDifference';

/** A message naming the first setting out of range, or null. */
export function tdSettingsProblem(settings: TdSettings): string | null {
  const { alpha, gamma, epsilon } = settings;
  if (!(alpha > 0 && alpha <= 1)) return `step size alpha must be in (0, 1], got ${alpha}`;
  if (!(gamma >= 0 && gamma <= 1)) return `gamma must be in [0, 1], got ${gamma}`;
  if (!(epsilon >= 0 && epsilon <= 1)) return `epsilon must be in [0, 1], got ${epsilon}`;
  return null;
}

export class TdControl {
  readonly Q: Float64Array;
  readonly nA = 4;
  /** Undiscounted return of each episode played, in order. */
  readonly returns: number[] = [];
  private readonly env: TimeLimit;
  private readonly rng: Rng;

  constructor(
    readonly spec: GridWorldSpec,
    private readonly seed: number,
  ) {
    // The time limit ends episodes a greedy learner would otherwise walk forever (into a wall, say).
    const grid = new GridWorld(spec);
    this.env = new TimeLimit(grid);
    this.Q = new Float64Array(grid.numStates * this.nA);
    this.rng = new Rng(seed);
  }

  get episodes(): number {
    return this.returns.length;
  }

  /** Plays one epsilon-greedy episode, updating Q after every step; returns its return. */
  episode(settings: TdSettings): number {
    const problem = tdSettingsProblem(settings);
    if (problem) throw new Error(`TD control: ${problem}`);
    const layout = this.spec.grid;
    const { return: total } = tdEpisode(this.env, (o) => stateIndexOf(layout, o), this.Q, this.nA, settings, this.rng, this.returns.length === 0 ? this.seed : undefined);
    this.returns.push(total);
    return total;
  }
}
