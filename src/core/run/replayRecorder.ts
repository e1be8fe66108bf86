import { allocateArrays, type Dataset } from '../data/dataset';

/** Rows an online run keeps for its "replay" dataset (the first ones it saw; later episodes are not recorded). */
export const MAX_REPLAY_ROWS = 200_000;

interface OpenEpisode {
  obs: number[];
  actions: number[];
  rewards: number[];
  next: number[];
}

/**
 * The transitions an online run saw, kept episode by episode in the order they ended (rows of one episode together,
 * D4RL's layout), in the environment's own action units: saved as a "replay" dataset the offline lessons can use.
 * Episodes still open are not included; recording stops at MAX_REPLAY_ROWS.
 */
export class ReplayRecorder {
  private readonly open: OpenEpisode[];
  private readonly done: { episode: OpenEpisode; terminated: boolean }[] = [];
  private rows = 0;

  constructor(
    numEnvs: number,
    private readonly observationDim: number,
    private readonly actionDim: number,
    private readonly maxRows = MAX_REPLAY_ROWS,
  ) {
    this.open = Array.from({ length: numEnvs }, () => ({ obs: [], actions: [], rewards: [], next: [] }));
  }

  get size(): number {
    return this.rows;
  }

  /** One step of copy i: `action` in environment units (or the discrete index). */
  add(i: number, obs: ArrayLike<number>, action: ArrayLike<number>, reward: number, next: ArrayLike<number>, terminated: boolean, truncated: boolean): void {
    const e = this.open[i];
    for (let k = 0; k < obs.length; k++) e.obs.push(obs[k]);
    for (let k = 0; k < action.length; k++) e.actions.push(action[k]);
    e.rewards.push(reward);
    for (let k = 0; k < next.length; k++) e.next.push(next[k]);
    if (!terminated && !truncated) return;
    if (this.rows + e.rewards.length <= this.maxRows) {
      this.done.push({ episode: e, terminated });
      this.rows += e.rewards.length;
    }
    this.open[i] = { obs: [], actions: [], rewards: [], next: [] };
  }

  /** The ended episodes as a dataset (`info` names it and its environment). Throws when none has ended yet. */
  toDataset(info: Pick<Dataset, 'id' | 'name' | 'envId' | 'behavior' | 'discreteActions'> & Partial<Pick<Dataset, 'envOptions' | 'seed'>>): Dataset {
    if (this.rows === 0) throw new Error('no episode of this run has ended yet, so there is nothing to save');
    const arrays = allocateArrays(this.rows, this.observationDim, this.actionDim);
    let r = 0;
    for (const { episode, terminated } of this.done) {
      const n = episode.rewards.length;
      arrays.observations.set(episode.obs, r * this.observationDim);
      arrays.actions.set(episode.actions, r * this.actionDim);
      arrays.rewards.set(episode.rewards, r);
      arrays.nextObservations.set(episode.next, r * this.observationDim);
      arrays.nextValid.fill(1, r, r + n);
      // The last row ends the episode: terminal if the environment ended it, else a time-out.
      if (terminated) arrays.terminals[r + n - 1] = 1;
      else arrays.timeouts[r + n - 1] = 1;
      r += n;
    }
    return { ...info, source: 'replay', observationDim: this.observationDim, actionDim: this.actionDim, size: this.rows, episodes: this.done.length, createdAt: Date.now(), ...arrays };
  }
}
