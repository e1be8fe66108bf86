// What the run buttons do, in one place: the Run controls and the keyboard shortcuts both call these, and both ask
// the same questions of the focused run (the one picked in the run list, else the latest started).
import type { RunRecord } from '../../core/experiments/types';
import { focusedRun, selectedDataset, useLab, type LabState } from './labStore';
import { pauseRun, resumeRun, startRuns, stepRun, stopRun } from './runs';

export const canStart = (s: LabState): boolean => selectedDataset(s) !== null;
export const canPause = (r: RunRecord | null): boolean => r?.status === 'running';
export const canResume = (r: RunRecord | null): boolean => r?.status === 'paused' || r?.status === 'stopped';
export const canStep = (r: RunRecord | null): boolean => r?.status === 'paused';
export const canStop = (r: RunRecord | null): boolean => !!r && (r.status === 'running' || r.status === 'paused' || r.status === 'queued' || r.status === 'starting');

export function startCommand(): void {
  if (canStart(useLab.getState())) startRuns();
}

/** Pauses the focused run when it trains, resumes it when paused or stopped. */
export function pauseOrResumeCommand(): void {
  const run = focusedRun(useLab.getState());
  if (canPause(run)) void pauseRun(run!.id);
  else if (canResume(run)) void resumeRun(run!.id);
}

export function stepCommand(n: number): void {
  const run = focusedRun(useLab.getState());
  if (canStep(run)) void stepRun(run!.id, n);
}

export function stopCommand(): void {
  const run = focusedRun(useLab.getState());
  if (canStop(run)) void stopRun(run!.id);
}
