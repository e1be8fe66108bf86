import { isActive, useLab } from './labStore';
import { runStorage } from './runStorage';

/**
 * Brings back every kept run after a reload: configuration, status, metrics, events and evaluations. A run that was
 * training when the page closed comes back paused; Resume continues it from its last checkpoint.
 */
export async function restoreRuns(): Promise<void> {
  const stored = await runStorage().loadAll();
  if (stored.length === 0) return;
  const { metrics } = useLab.getState();
  const runs = { ...useLab.getState().runs };
  const order = [...useLab.getState().runOrder];
  for (const { record, metrics: snapshot, checkpoint } of stored) {
    if (runs[record.id]) continue;
    const wasActive = isActive(record);
    const at = (checkpoint as { update?: number } | null)?.update;
    runs[record.id] = wasActive
      ? {
          ...record,
          status: 'paused',
          updatesPerSecond: 0,
          notice: at !== undefined ? `was training when the page closed: Resume continues from its checkpoint at update ${at.toLocaleString()}` : 'was training when the page closed, before its first checkpoint: Resume starts it again',
        }
      : record;
    order.push(record.id);
    if (snapshot) metrics.restore(record.id, snapshot);
  }
  useLab.setState((s) => ({ runs, runOrder: order, focusRunId: s.focusRunId ?? order[order.length - 1] ?? null }));
  void runStorage().checkUsage();
}
