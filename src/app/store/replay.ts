// Which evaluation episode the replay shows while runs train: the latest (following), one the user holds by scrubbing
// or pausing, or one they pinned. New evaluations never take a held or pinned replay away.
import { create } from 'zustand';
import type { EpisodeRecord } from '../../core/run/evaluate';

export interface ReplayEpisode {
  episode: EpisodeRecord;
  runId: string | null;
  /** The update of the evaluation it came from. */
  update: number | null;
}

export interface ReplayState {
  /** Set when the user scrubbed or paused: kept until "follow latest". */
  held: ReplayEpisode | null;
  /** Set by "pin this episode": kept until unpinned, whichever run is focused. */
  pinned: ReplayEpisode | null;
}

export const useReplay = create<ReplayState>(() => ({ held: null, pinned: null }));

/** The user scrubbed or paused the latest episode: keep showing it (a pinned one stays as it is). */
export const holdReplay = (e: ReplayEpisode) => useReplay.setState((s) => (s.held || s.pinned ? s : { held: e }));
export const pinReplay = (e: ReplayEpisode) => useReplay.setState({ pinned: e, held: null });
/** Back to the latest evaluation, as it arrives. */
export const followLatest = () => useReplay.setState({ held: null, pinned: null });

/**
 * What the replay shows of a run's evaluations: the pinned episode, else the held one, else the latest; `newer` says
 * whether a later evaluation than the one shown is waiting.
 */
export function shownEvaluation(latest: ReplayEpisode | null, state: ReplayState): { shown: ReplayEpisode | null; mode: 'follow' | 'held' | 'pinned'; newer: number | null } {
  const kept = state.pinned ?? state.held;
  if (!kept) return { shown: latest, mode: 'follow', newer: null };
  const newer = latest && latest.episode !== kept.episode ? latest.update : null;
  return { shown: kept, mode: state.pinned ? 'pinned' : 'held', newer };
}
