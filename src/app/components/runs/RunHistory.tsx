import type { RunRecord } from '../../../core/experiments/types';
import { eventLabel } from '../../charts/MetricChart';
import { ForkForm } from './ForkForm';

/** The run's hyperparameter history: every change by hand or by PBT, at its update, and a fork from its checkpoint. */
export function RunHistory({ run }: { run: RunRecord }) {
  return (
    <div className="run-history">
      <h3>History</h3>
      {run.events.length === 0 ? (
        <p className="muted small">No hyperparameter changed while it trained.</p>
      ) : (
        <ol className="small" data-testid="run-history">
          {run.events.map((e, i) => (
            <li key={i}>
              update {e.update.toLocaleString()}: {eventLabel(e)}
              {e.source ? ` (${e.source})` : ''}
            </li>
          ))}
        </ol>
      )}
      <ForkForm run={run} />
    </div>
  );
}
