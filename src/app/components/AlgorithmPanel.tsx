import { selectAlgorithm, setValue } from '../store/actions';
import { useLab } from '../store/labStore';
import { HyperControl } from './HyperControl';

export function AlgorithmPanel() {
  const catalog = useLab((s) => s.catalog);
  const algorithmId = useLab((s) => s.algorithmId);
  const values = useLab((s) => s.values[s.algorithmId]);
  const errors = useLab((s) => s.inputErrors);
  const runStatus = useLab((s) => s.run.status);
  const runAlgorithm = useLab((s) => s.run.algorithmId);
  if (!catalog || !values) return <section className="panel">Loading algorithms…</section>;
  const algo = catalog.algorithms.find((a) => a.id === algorithmId)!;
  const training = (runStatus === 'running' || runStatus === 'paused' || runStatus === 'starting') && runAlgorithm === algorithmId;

  return (
    <section className="panel">
      <h2>Algorithm</h2>
      <label className="field">
        <span>algorithm</span>
        <select value={algorithmId} disabled={training} onChange={(e) => selectAlgorithm(e.target.value)} data-testid="algorithm-select">
          {catalog.algorithms.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
      </label>
      <p className="help">{algo.summary}</p>
      <p className="cite">{algo.paper}</p>
      {[
        ['Hyperparameters', algo.hyperparameters],
        ['Run', catalog.runSchema],
      ].map(([title, params]) => (
        <fieldset key={title as string}>
          <legend>{title as string}</legend>
          {(params as typeof algo.hyperparameters).map((p) => (
            <HyperControl key={p.key} param={p} value={values[p.key]} error={errors[p.key]} editable={!training || p.live} onCommit={(v) => void setValue(p.key, v)} />
          ))}
        </fieldset>
      ))}
    </section>
  );
}
