import { useState } from 'react';
import type { RunRecord } from '../../../core/experiments/types';
import { checkValue, type HyperValues } from '../../../core/run/hyperparameters';
import { schemaOf } from '../../../core/experiments/labLink';
import { useLab } from '../../store/labStore';
import { forkRun, message } from '../../store/runs';

/** Parses "lr=1e-3, expectile=0.8" against the run's schema; throws naming the key or the bad item. */
function parsePatch(text: string, schema: ReturnType<typeof schemaOf>): HyperValues {
  const out: HyperValues = {};
  for (const item of text.split(/[,;]\s*(?=[A-Za-z_]\w*\s*=)/).map((s) => s.trim()).filter(Boolean)) {
    const m = /^([A-Za-z_]\w*)\s*=\s*(.+)$/.exec(item);
    if (!m) throw new Error(`"${item.slice(0, 40)}" is not key=value`);
    const param = schema.find((p) => p.key === m[1]);
    if (!param) throw new Error(`this algorithm has no hyperparameter "${m[1].slice(0, 40)}"`);
    out[param.key] = checkValue(param, param.kind === 'bool' ? m[2] === 'true' : m[2]);
  }
  return out;
}

/** Start a new run from this run's latest checkpoint with changed hyperparameters. */
export function ForkForm({ run }: { run: RunRecord }) {
  const catalog = useLab((s) => s.catalog);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (!catalog) return null;
  const schema = schemaOf(catalog, run.config.algorithmId);
  const fork = async () => {
    try {
      const patch = parsePatch(text, schema);
      setError(null);
      await forkRun(run.id, patch);
      setText('');
    } catch (e) {
      setError(message(e));
    }
  };
  return (
    <div className="fork-form">
      <label className="small">
        Fork from its latest checkpoint with{' '}
        <input type="text" value={text} placeholder="lr=1e-3, beta=5" onChange={(e) => setText(e.target.value)} aria-label="changes for the fork" data-testid="fork-changes" />
      </label>{' '}
      <button className="small" onClick={() => void fork()} data-testid="fork">
        Fork
      </button>
      {error && <p className="error" role="alert">{error}</p>}
    </div>
  );
}
