import { useEffect, useState } from 'react';
import type { InspectRequest, InspectResult } from '../../../core/run/inspect';
import { labPool } from '../../client/labClient';
import { focusedRun, useLab } from '../../store/labStore';

/**
 * Asks the trainer about the current agent twice a second while a run is active (and once after it pauses), so
 * inspection views follow training without flooding the worker. `request` null: nothing to ask.
 */
export function useInspection(request: InspectRequest | null, key: string, visible = true): { result: InspectResult | null; error: string | null } {
  const runId = useLab((s) => s.focusRunId);
  const status = useLab((s) => focusedRun(s)?.status ?? 'idle');
  // The update count matters only while paused (a step changes the agent); running, the clock re-asks.
  const update = useLab((s) => (focusedRun(s)?.status === 'paused' ? focusedRun(s)!.update : 0));
  const [result, setResult] = useState<InspectResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const active = status === 'running' || status === 'paused';
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (status !== 'running' || !visible) return;
    const id = setInterval(() => setTick((t) => t + 1), 500);
    return () => clearInterval(id);
  }, [status, visible]);

  useEffect(() => {
    const api = runId ? labPool().api(runId) : null;
    if (!active || !request || !api) return;
    let cancelled = false;
    api
      .inspect(request)
      .then((r) => !cancelled && (setResult(r), setError(null)))
      .catch((e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
    };
    // Re-ask on the clock, after steps while paused, and when the question changes.
  }, [tick, key, active, update, runId]);

  return { result: active ? result : null, error };
}
