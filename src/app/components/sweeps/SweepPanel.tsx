import { useMemo, useState } from 'react';
import { expandSweep, MAX_SWEEP_RUNS, parseSweepValues, resolveRange, type SweepParam, type SweepSpec } from '../../../core/experiments/sweep';
import type { RunRecord } from '../../../core/experiments/types';
import { formatValue, type HyperParam, type HyperValue } from '../../../core/run/hyperparameters';
import { selectedDataset, useLab } from '../../store/labStore';
import { hasEnded, sweepResults } from '../../store/sweepResults';
import { cancelSweep, pauseSweep, resumeSweep, selectSweep, startSweep, sweepSchema, useSweeps, type Sweep, type SweepStatus } from '../../store/sweeps';
import { ParallelCoordinates } from './ParallelCoordinates';
import { SweepResults } from './SweepResults';
import { SweepScatter } from './SweepScatter';

/** One swept hyperparameter as typed: grid values, or a random range (empty bounds: the schema's). */
interface ParamDraft {
  key: string;
  /** Grid: the list. Random, for choices and yes/no: the values to draw among (empty: all of them). */
  text: string;
  min: string;
  max: string;
  log: boolean;
}

const MAX_SEEDS = 20;
const STATUS_LABEL: Record<SweepStatus, string> = { running: 'running', paused: 'paused', cancelled: 'cancelled', done: 'done' };
const isNumeric = (p: HyperParam) => p.kind === 'number' || p.kind === 'int';

/** Numbers around `v` for a first grid: ÷10, ×1, ×10 on a log scale; ÷2, ×1, ×2 for whole numbers; the value alone else. */
function suggestValues(p: HyperParam, v: HyperValue): string {
  if (p.kind === 'bool') return 'true, false';
  if (p.kind === 'choice') return (p.choices ?? []).slice(0, 3).join('; ');
  const x = Number(v);
  let list: number[];
  if (p.log && x > 0) list = [x / 10, x, x * 10].map((y) => Number(y.toPrecision(6)));
  else if (p.kind === 'int' && x > 1) list = [Math.round(x / 2), x, x * 2];
  else list = [x];
  const inside = list.filter((y) => (p.min === undefined || y >= p.min) && (p.max === undefined || y <= p.max));
  return [...new Set(inside.length ? inside : [x])].map(formatValue).join(', ');
}

function draftFor(p: HyperParam, value: HyperValue): ParamDraft {
  return { key: p.key, text: suggestValues(p, value), min: p.min !== undefined ? formatValue(p.min) : '', max: p.max !== undefined ? formatValue(p.max) : '', log: p.log ?? false };
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** A draft as the spec's param, or the message of what is wrong with it (naming the key). */
function toParam(p: HyperParam, d: ParamDraft, mode: SweepSpec['mode']): SweepParam | string {
  try {
    if (mode === 'grid') return { key: p.key, values: parseSweepValues(p, d.text) };
    if (!isNumeric(p)) return d.text.trim() === '' ? { key: p.key } : { key: p.key, values: parseSweepValues(p, d.text) };
    const bound = (text: string, what: string): number | undefined => {
      if (text.trim() === '') return undefined;
      const n = Number(text);
      if (!Number.isFinite(n)) throw new Error(`${p.label} (${p.key}): the ${what} "${text}" is not a number`);
      return n;
    };
    const range = { min: bound(d.min, 'minimum'), max: bound(d.max, 'maximum'), log: d.log };
    resolveRange(p, range);
    return { key: p.key, ...range };
  } catch (e) {
    return errorText(e);
  }
}

/** Sweeps of the form's configuration: a grid or random search with seeds, run through the pool; and their results. */
export function SweepPanel() {
  const catalog = useLab((s) => s.catalog);
  const algorithmId = useLab((s) => s.algorithmId);
  const base = useLab((s) => s.values[s.algorithmId]);
  const hasDataset = useLab((s) => selectedDataset(s) !== null);
  const [mode, setMode] = useState<SweepSpec['mode']>('grid');
  const [drafts, setDrafts] = useState<ParamDraft[]>([]);
  const [samples, setSamples] = useState(8);
  const [seeds, setSeeds] = useState(2);
  const [samplingSeed, setSamplingSeed] = useState(0);
  const [startError, setStartError] = useState<string | null>(null);

  const schema = useMemo(() => (catalog ? sweepSchema(algorithmId) : []), [catalog, algorithmId]);
  const sweepable = schema.filter((p) => p.key !== 'seed');
  // Another algorithm keeps the keys it shares with this one.
  const shown = useMemo(() => drafts.filter((d) => schema.some((p) => p.key === d.key)), [drafts, schema]);

  const checked = useMemo(() => {
    const params = shown.map((d) => ({ draft: d, param: schema.find((p) => p.key === d.key)! }));
    const parsed = params.map(({ draft, param }) => toParam(param, draft, mode));
    let total: { points: number; runs: number } | null = null;
    let problem: string | null = null;
    if (params.length === 0) problem = 'Add a hyperparameter to sweep.';
    else if (parsed.some((p) => typeof p === 'string')) problem = 'Fix the values above first.';
    else if (base) {
      const spec: SweepSpec = { mode, params: parsed as SweepParam[], samples, seeds, seed: samplingSeed };
      try {
        const { points, runs } = expandSweep(spec, schema, base);
        total = { points: points.length, runs: runs.length };
      } catch (e) {
        problem = errorText(e);
      }
    }
    return { params, parsed, total, problem };
  }, [shown, schema, mode, samples, seeds, samplingSeed, base]);

  if (!catalog || !base) return null;

  const update = (key: string, patch: Partial<ParamDraft>) => setDrafts((ds) => ds.map((d) => (d.key === key ? { ...d, ...patch } : d)));
  const add = (key: string) => {
    const p = schema.find((q) => q.key === key);
    if (p && !shown.some((d) => d.key === key)) setDrafts((ds) => [...ds.filter((d) => d.key !== key), draftFor(p, base[key] ?? p.default)]);
  };
  const start = () => {
    setStartError(null);
    try {
      startSweep({ mode, params: checked.parsed as SweepParam[], samples, seeds, seed: samplingSeed });
    } catch (e) {
      setStartError(errorText(e));
    }
  };
  const count = (text: string, max: number) => Math.max(1, Math.min(max, Math.floor(Number(text) || 1)));

  return (
    <section className="panel sweep-panel" aria-label="sweeps" data-testid="sweep-panel">
      <h2>Sweeps</h2>
      <p className="help">
        Many runs of the form&apos;s configuration that differ in a few hyperparameters, each configuration with several seeds. They queue in the pool and train as workers free up.
      </p>
      <div className="sweep-form">
        <div className="sweep-options">
          <label>
            mode{' '}
            <select value={mode} onChange={(e) => setMode(e.target.value as SweepSpec['mode'])} data-testid="sweep-mode">
              <option value="grid">grid (every combination)</option>
              <option value="random">random (draws in ranges)</option>
            </select>
          </label>
          <label>
            add{' '}
            <select value="" onChange={(e) => add(e.target.value)} data-testid="sweep-add" aria-label="add a hyperparameter to sweep">
              <option value="">hyperparameter…</option>
              {sweepable.map((p) => (
                <option key={p.key} value={p.key} disabled={shown.some((d) => d.key === p.key)}>
                  {p.label} ({p.key})
                </option>
              ))}
            </select>
          </label>
          {mode === 'random' && (
            <label title="configurations drawn">
              samples <input type="number" min={1} max={MAX_SWEEP_RUNS} value={samples} onChange={(e) => setSamples(count(e.target.value, MAX_SWEEP_RUNS))} data-testid="sweep-samples" />
            </label>
          )}
          <label title="runs per configuration, seeds base, base + 1, …">
            seeds <input type="number" min={1} max={MAX_SEEDS} value={seeds} onChange={(e) => setSeeds(count(e.target.value, MAX_SEEDS))} data-testid="sweep-seeds" />
          </label>
          {mode === 'random' && (
            <label title="seeds the draws of configurations (not the runs)">
              sampling seed <input type="number" min={0} value={samplingSeed} onChange={(e) => setSamplingSeed(Math.max(0, Math.floor(Number(e.target.value) || 0)))} data-testid="sweep-sampling-seed" />
            </label>
          )}
        </div>
        {checked.params.map(({ draft, param }, i) => {
          const error = typeof checked.parsed[i] === 'string' ? (checked.parsed[i] as string) : null;
          return (
            <div className={`sweep-param ${error ? 'has-error' : ''}`} key={draft.key} data-testid={`sweep-param-${draft.key}`}>
              <span className="sweep-param-name" title={param.help}>
                {param.label} <span className="muted">({param.key}{param.log ? ', log' : ''})</span>
              </span>
              {mode === 'grid' || !isNumeric(param) ? (
                <input
                  type="text"
                  value={draft.text}
                  onChange={(e) => update(draft.key, { text: e.target.value })}
                  aria-label={`${param.key} values`}
                  data-testid={`sweep-values-${draft.key}`}
                  placeholder={mode === 'random' ? `all: ${param.kind === 'bool' ? 'true; false' : (param.choices ?? []).join('; ')}` : isNumeric(param) ? 'e.g. 1e-4, 3e-4, 1e-3 or 1e-4..1e-2 x5' : 'values separated by ;'}
                  title={isNumeric(param) ? 'a list (1e-4, 3e-4) or a range with a count: 1e-4..1e-2 x5 (log-spaced where the schema says log)' : 'names separated by commas, or by ; when a name has a comma'}
                />
              ) : (
                <span className="sweep-range">
                  <input type="text" value={draft.min} onChange={(e) => update(draft.key, { min: e.target.value })} aria-label={`${param.key} minimum`} data-testid={`sweep-min-${draft.key}`} />
                  <span>to</span>
                  <input type="text" value={draft.max} onChange={(e) => update(draft.key, { max: e.target.value })} aria-label={`${param.key} maximum`} data-testid={`sweep-max-${draft.key}`} />
                  <label title="draw log-uniformly">
                    <input type="checkbox" checked={draft.log} onChange={(e) => update(draft.key, { log: e.target.checked })} data-testid={`sweep-log-${draft.key}`} /> log
                  </label>
                </span>
              )}
              <button className="small" onClick={() => setDrafts((ds) => ds.filter((d) => d.key !== draft.key))} aria-label={`remove ${param.key} from the sweep`}>
                ✕
              </button>
              {error && (
                <p className="error" role="alert" data-testid={`sweep-error-${draft.key}`}>
                  {error}
                </p>
              )}
            </div>
          );
        })}
        <div className="sweep-start">
          <button className="primary" disabled={!checked.total || !hasDataset} onClick={start} data-testid="sweep-start" title="add every run of the sweep to the pool's queue">
            Start sweep
          </button>
          <span className={checked.total ? 'small' : 'small error'} data-testid="sweep-total">
            {checked.total ? `${checked.total.points} configuration${checked.total.points === 1 ? '' : 's'} × ${seeds} seed${seeds === 1 ? '' : 's'} = ${checked.total.runs} run${checked.total.runs === 1 ? '' : 's'}` : checked.problem}
          </span>
        </div>
        {startError && (
          <p className="error" role="alert" data-testid="sweep-start-error">
            {startError}
          </p>
        )}
      </div>
      <SweepList />
    </section>
  );
}

/** Runs of the sweep that ended (or were deleted): a number, so selectors re-render only when a run ends. */
const endedCount = (sweep: Sweep, runs: Readonly<Record<string, RunRecord>>): number => sweep.runIds.reduce((n, id) => (!runs[id] || hasEnded(runs[id]) ? n + 1 : n), 0);

/** Every sweep with its state and progress; the selected one's results below. */
function SweepList() {
  const order = useSweeps((s) => s.order);
  const sweeps = useSweeps((s) => s.sweeps);
  const selected = useSweeps((s) => s.selected);
  if (order.length === 0) return null;
  const shown = selected && sweeps[selected] ? sweeps[selected] : sweeps[order[order.length - 1]];
  return (
    <>
      <ul className="sweep-list" data-testid="sweep-list">
        {[...order].reverse().map((id) => (
          <SweepItem key={id} sweep={sweeps[id]} selected={shown.id === id} />
        ))}
      </ul>
      <SweepView key={shown.id} sweep={shown} />
    </>
  );
}

function SweepItem({ sweep, selected }: { sweep: Sweep; selected: boolean }) {
  // A number, so the item re-renders when a run ends, not on every report.
  const ended = useLab((s) => endedCount(sweep, s.runs));
  const total = sweep.runIds.length;
  return (
    <li className={selected ? 'selected' : ''} data-testid="sweep-item" data-sweep-id={sweep.id} data-status={sweep.status}>
      <button className="link" onClick={() => selectSweep(sweep.id)} aria-pressed={selected} title="show this sweep's results">
        {sweep.name}
      </button>
      <span className={`status sweep-status-${sweep.status}`} data-testid="sweep-status">
        {STATUS_LABEL[sweep.status]}
      </span>
      <progress max={total} value={ended} aria-label={`${sweep.name}: runs ended`} />
      <span className="small num" data-testid="sweep-progress">
        {ended} / {total} runs
      </span>
      <span className="sweep-actions">
        {sweep.status === 'running' && (
          <button className="small" onClick={() => void pauseSweep(sweep.id)} data-testid="sweep-pause" aria-label={`pause ${sweep.name}`}>
            Pause
          </button>
        )}
        {sweep.status === 'paused' && (
          <button className="small" onClick={() => void resumeSweep(sweep.id)} data-testid="sweep-resume" aria-label={`resume ${sweep.name}`}>
            Resume
          </button>
        )}
        {(sweep.status === 'running' || sweep.status === 'paused') && (
          <button className="small danger" onClick={() => void cancelSweep(sweep.id)} data-testid="sweep-cancel" aria-label={`cancel ${sweep.name}`}>
            Cancel
          </button>
        )}
      </span>
    </li>
  );
}

/**
 * A sweep's results: the table, the parallel coordinates and the scatter. Recomputed on the chart clock (when an
 * evaluation or metric arrived) and when runs come or go, not on every report.
 */
function SweepView({ sweep }: { sweep: Sweep }) {
  const version = useLab((s) => s.chartVersion);
  const runOrder = useLab((s) => s.runOrder);
  // Runs can end without a new metric (stopped in the queue, cancelled): the progress column follows this count.
  const ended = useLab((s) => endedCount(sweep, s.runs));
  const schema = useMemo(() => sweepSchema(sweep.algorithmId), [sweep.algorithmId]);
  const swept = useMemo(() => {
    const keys = sweep.points.length ? Object.keys(sweep.points[0].values) : sweep.spec.params.map((p) => p.key);
    return keys.flatMap((k) => schema.find((p) => p.key === k) ?? []);
  }, [sweep, schema]);
  const data = useMemo(() => {
    const { runs } = useLab.getState();
    const results = sweepResults(sweep, runs);
    const colors: Record<number, string> = {};
    for (const row of results.rows) {
      const first = row.runIds.map((id) => runs[id]).find(Boolean);
      if (first) colors[row.point] = first.color;
    }
    return { ...results, runs, colors };
    // version, runOrder and ended are the clock: new evaluations, runs deleted, runs ended.
  }, [sweep, version, runOrder, ended]);
  return (
    <div className="sweep-view" data-testid="sweep-view">
      <SweepResults rows={data.rows} params={swept} scored={data.scored} colors={data.colors} />
      <div className="sweep-plots">
        <ParallelCoordinates rows={data.rows} params={swept} scored={data.scored} exact={sweep.spec.mode === 'grid'} />
        <SweepScatter rows={data.rows} runs={data.runs} params={swept} scored={data.scored} colors={data.colors} exact={sweep.spec.mode === 'grid'} />
      </div>
    </div>
  );
}
