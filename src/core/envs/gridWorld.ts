import { Rng } from '../rng';
import { checkAction } from './actions';
import { DIRECTION_DELTA, type GridLayout, validateLayout } from './gridLayout';
import { box, discrete } from './spaces';
import type { Action, EnvSpec, Env, ReferenceScores, StepResult } from './types';

/**
 * Tabular GridWorld with an editable layout (gridLayout.ts), exact to Gymnasium's FrozenLake and
 * CliffWalking on their presets: the same transition table P[s][a] (order of outcomes included), sampled
 * the same way (first outcome whose cumulative probability exceeds a uniform draw).
 *
 * Observation: [row / (rows - 1), column / (columns - 1)], a Box in [0, 1]². Gymnasium returns the cell index;
 * two normalised coordinates work for neural nets as they are and still identify the cell exactly, so
 * tabular methods get the index back with stateIndexOf() (or getState(), which returns [index]).
 *
 * Cells: index = row * columns + column. Goals and holes end the episode; from them (and from walls,
 * which are never entered) the model is absorbing with reward 0 and done, as Gymnasium's FrozenLake.
 * Gymnasium's CliffWalking instead lists ordinary moves out of its goal cell; no episode ever takes them.
 */

export interface Transition {
  readonly prob: number;
  readonly next: number;
  readonly reward: number;
  readonly done: boolean;
}

export interface GridWorldSpec extends EnvSpec {
  readonly grid: GridLayout;
}

export function isGridWorldSpec(spec: EnvSpec): spec is GridWorldSpec {
  return 'grid' in spec;
}

export interface GridSpecInfo {
  id: string;
  name: string;
  description: string;
  solvedThreshold?: number;
  referenceScores?: ReferenceScores;
}

export function gridWorldSpec(layout: GridLayout, info: GridSpecInfo): GridWorldSpec {
  validateLayout(layout);
  const labels = layout.actions.map((d) => `move ${d}`);
  return {
    ...info,
    observationSpace: box([0, 0], [1, 1]),
    actionSpace: discrete(4),
    maxEpisodeSteps: layout.maxSteps,
    observationLabels: ['row (0 top, 1 bottom)', 'column (0 left, 1 right)'],
    actionLabels: labels,
    grid: layout,
  };
}

/** The cell index of a GridWorld observation [row/(rows-1), col/(cols-1)]. */
export function stateIndexOf(layout: GridLayout, observation: ArrayLike<number>): number {
  const rows = layout.rows.length;
  const cols = layout.rows[0].length;
  const r = Math.round(observation[0] * Math.max(1, rows - 1));
  const c = Math.round(observation[1] * Math.max(1, cols - 1));
  return Math.min(rows - 1, Math.max(0, r)) * cols + Math.min(cols - 1, Math.max(0, c));
}

/** The transition table of a layout: P[s][a] is a list of outcomes, as Gymnasium's env.P. */
export function transitionTable(layout: GridLayout): Transition[][][] {
  const { rows, slip, rewards, cellRewards, actions } = layout;
  const nRows = rows.length;
  const nCols = rows[0].length;
  const at = (s: number) => rows[Math.floor(s / nCols)][s % nCols];
  const firstStart = rows.join('').indexOf('S');
  const enter = (s: number): { next: number; reward: number; done: boolean } => {
    const ch = at(s);
    const own = cellRewards[s];
    if (ch === 'G') return { next: s, reward: own ?? rewards.goal, done: true };
    if (ch === 'H') return { next: s, reward: own ?? rewards.hole, done: true };
    if (ch === 'C') return { next: firstStart, reward: own ?? rewards.cliff, done: false };
    return { next: s, reward: own ?? rewards.step, done: false };
  };
  const move = (s: number, dirIndex: number): number => {
    const [dr, dc] = DIRECTION_DELTA[actions[dirIndex]];
    // Edges clamp (as Gymnasium's inc / _limit_coordinates); walls block the same way.
    const r = Math.min(nRows - 1, Math.max(0, Math.floor(s / nCols) + dr));
    const c = Math.min(nCols - 1, Math.max(0, (s % nCols) + dc));
    const t = r * nCols + c;
    return at(t) === '#' ? s : t;
  };
  const P: Transition[][][] = [];
  for (let s = 0; s < nRows * nCols; s++) {
    const ch = at(s);
    const row: Transition[][] = [];
    for (let a = 0; a < 4; a++) {
      if (ch === 'G' || ch === 'H' || ch === '#') {
        row.push([{ prob: 1.0, next: s, reward: 0, done: true }]);
      } else if (slip > 0) {
        // Gymnasium's order: (a - 1) % 4, a, (a + 1) % 4, with the perpendicular moves sharing the slip.
        row.push(
          [(a + 3) % 4, a, (a + 1) % 4].map((b) => ({ prob: b === a ? 1 - slip : slip / 2, ...enter(move(s, b)) })),
        );
      } else {
        row.push([{ prob: 1.0, ...enter(move(s, a)) }]);
      }
    }
    P.push(row);
  }
  return P;
}

export class GridWorld implements Env {
  readonly spec: GridWorldSpec;
  readonly numStates: number;
  readonly numActions = 4;
  readonly rows: number;
  readonly cols: number;
  private readonly P: Transition[][][];
  private readonly starts: number[];
  private readonly rng = new Rng();
  private s = 0;

  constructor(spec: GridWorldSpec) {
    this.spec = spec;
    const { rows } = spec.grid;
    this.rows = rows.length;
    this.cols = rows[0].length;
    this.numStates = this.rows * this.cols;
    this.P = transitionTable(spec.grid);
    this.starts = [];
    rows.join('').split('').forEach((ch, i) => {
      if (ch === 'S') this.starts.push(i);
    });
    this.s = this.starts[0];
  }

  /** Outcomes of taking `action` in cell `state` (probabilities sum to 1). */
  transitions(state: number, action: number): readonly Transition[] {
    if (!Number.isInteger(state) || state < 0 || state >= this.numStates) throw new Error(`${this.spec.id}: state must be an integer in [0, ${this.numStates - 1}], got ${state}`);
    if (!Number.isInteger(action) || action < 0 || action >= 4) throw new Error(`${this.spec.id}: action must be an integer in [0, 3], got ${action}`);
    return this.P[state][action];
  }

  cellAt(state: number): string {
    return this.spec.grid.rows[Math.floor(state / this.cols)][state % this.cols];
  }

  reset(seed?: number): Float32Array {
    if (seed !== undefined) this.rng.seed(seed);
    // Uniform over start cells, drawn like Gymnasium's categorical_sample.
    this.s = this.starts[this.sample(this.starts.map(() => 1 / this.starts.length))];
    return this.observe();
  }

  step(action: Action): StepResult {
    const a = checkAction(this.spec.actionSpace, action, this.spec.id) as number;
    const outcomes = this.P[this.s][a];
    const t = outcomes[outcomes.length === 1 ? 0 : this.sample(outcomes.map((o) => o.prob))];
    this.s = t.next;
    return { observation: this.observe(), reward: t.reward, terminated: t.done, truncated: false };
  }

  /** Index of the first outcome whose cumulative probability exceeds a uniform draw. */
  private sample(probs: number[]): number {
    const u = this.rng.next();
    let cum = 0;
    for (let i = 0; i < probs.length; i++) {
      cum += probs[i];
      if (cum > u) return i;
    }
    return probs.length - 1;
  }

  /** The observation of cell `state`: [row / (rows - 1), column / (columns - 1)]. */
  observationOf(state: number): Float32Array {
    const r = Math.floor(state / this.cols);
    const c = state % this.cols;
    return Float32Array.of(r / Math.max(1, this.rows - 1), c / Math.max(1, this.cols - 1));
  }

  private observe(): Float32Array {
    return this.observationOf(this.s);
  }

  /** [cell index], the tabular state (Gymnasium's observation for FrozenLake and CliffWalking). */
  getState(): Float64Array {
    return Float64Array.of(this.s);
  }

  setState(state: Float64Array): void {
    const s = state[0];
    if (state.length !== 1 || !Number.isInteger(s) || s < 0 || s >= this.numStates) {
      throw new Error(`${this.spec.id}: state must be [cell index] with an integer in [0, ${this.numStates - 1}], got [${Array.from(state).join(', ')}]`);
    }
    if (this.cellAt(s) === '#') throw new Error(`${this.spec.id}: cell ${s} is a wall`);
    this.s = s;
  }
}
