import { inactiveReason } from '../../core/run/hyperparameters';
import { selectAlgorithm, setValue } from '../store/actions';
import { focusedRun, isActive, useLab } from '../store/labStore';
import { HyperControl } from './HyperControl';

/** Run settings that mean nothing to an algorithm that always interacts (it stops at its own total environment steps). */
const OFFLINE_ONLY = new Set(['maxUpdates', 'sampling', 'samplingTemperature', 'interaction', 'offlineShare', 'offlineShareDecaySteps']);

export function AlgorithmPanel() {
  const catalog = useLab((s) => s.catalog);
  const algorithmId = useLab((s) => s.algorithmId);
  const values = useLab((s) => s.values[s.algorithmId]);
  const errors = useLab((s) => s.inputErrors);
  const run = useLab(focusedRun);
  const hidden = useLab((s) => s.hiddenControls);
  if (!catalog || !values) return <section className="panel">Loading algorithms…</section>;
  const algo = catalog.algorithms.find((a) => a.id === algorithmId)!;
  // Live controls steer the focused run while it trains; every control sets what the next Start uses.
  const training = isActive(run) && run!.config.algorithmId === algorithmId;

  return (
    <section className="panel algorithm-panel" aria-labelledby="algorithm-title">
      <h2 id="algorithm-title">Algorithm</h2>
      <label className="field">
        <span>algorithm</span>
        <select value={algorithmId} onChange={(e) => selectAlgorithm(e.target.value)} data-testid="algorithm-select">
          {catalog.algorithms.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
      </label>
      <p className="help">{algo.summary}</p>
      {training && (
        <p className="note small" data-testid="live-target">
          <span className="live">live</span> settings also steer {run!.name} as it trains; the others apply to the next Start.
        </p>
      )}
      {[
        ['Hyperparameters', algo.hyperparameters],
        ['Run', algo.experience && algo.experience !== 'offline' ? catalog.runSchema.filter((p) => !OFFLINE_ONLY.has(p.key)) : catalog.runSchema],
      ].map(([title, params]) => (
        <fieldset key={title as string}>
          <legend>{title as string}</legend>
          {(params as typeof algo.hyperparameters).filter((p) => !hidden.includes(p.key)).map((p) => (
            <HyperControl key={p.key} param={p} value={values[p.key]} error={errors[p.key]} editable inactive={inactiveReason(p, values, (key) => [...algo.hyperparameters, ...catalog.runSchema].find((q) => q.key === key)?.label ?? key)} onCommit={(v) => void setValue(p.key, v)} />
          ))}
        </fieldset>
      ))}
      <p className="cite">{algo.paper}</p>
    </section>
  );
}
