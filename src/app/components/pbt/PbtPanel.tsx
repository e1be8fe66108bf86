import { useState } from 'react';
import { defaultPbtSettings, pbtKeys, type PbtSettings } from '../../../core/experiments/pbt';
import type { HyperParam } from '../../../core/run/hyperparameters';
import { labPool } from '../../client/labClient';
import { useLab } from '../../store/labStore';
import { algorithmSchema, startPbt, stopPbt, usePbt } from '../../store/pbt';
import { NEAR_FACTOR, NEAR_SHARE, type PbtInit } from '../../store/pbtReady';
import { LineageView } from './LineageView';

const MAX_MEMBERS = 16;
const ACTIVE = new Set(['queued', 'starting', 'running', 'paused']);

const INIT_LABEL: Record<PbtInit, string> = { near: 'drawn near the form’s values', sample: 'drawn from the whole range', form: 'all at the form’s values' };
const INIT_HELP: Record<PbtInit, string> = {
  near: `Each member draws its explored values from a window around the form's: ×/÷${NEAR_FACTOR} for log-scale keys, ±${NEAR_SHARE * 100}% of the range for the others.`,
  sample: 'Each member draws its explored values from the whole range in the schema (log-uniform where log), as the paper starts from random draws; wide ranges can start some members at values that diverge.',
  form: 'Every member starts at the form’s values (seeds still differ); only exploration moves them apart.',
};

/**
 * Population-based training: the form for a new population of the chosen algorithm, and each population's status and
 * lineage. The settings are the form's own; the runs use the dataset, algorithm and values chosen above.
 */
export function PbtPanel() {
  const catalog = useLab((s) => s.catalog);
  const algorithmId = useLab((s) => s.algorithmId);
  const order = usePbt((s) => s.order);
  if (!catalog) return null;
  const algo = catalog.algorithms.find((a) => a.id === algorithmId);
  return (
    <section className="panel pbt-panel" aria-label="population-based training" data-testid="pbt-panel">
      <h2>Population-based training</h2>
      <p className="help">
        N runs of the settings above train side by side. When a member has passed its next multiple of K updates and has been evaluated since, it is ranked against the others’ latest evaluations; if it is in the bottom quantile it copies the weights and optimizer state of a member of the top quantile and explores their hyperparameters (×0.8 / ×1.2, or a fresh draw). Jaderberg et al. 2017, “Population Based Training of Neural Networks”.
      </p>
      {/* Keyed by algorithm: its explorable keys are the defaults of a fresh form. */}
      {algo && <PbtForm key={algorithmId} algorithmId={algorithmId} />}
      {order.map((id) => (
        <PopulationStatus key={id} id={id} />
      ))}
    </section>
  );
}

function PbtForm({ algorithmId }: { algorithmId: string }) {
  const schema = algorithmSchema(algorithmId);
  // The algorithm's own live, bounded numbers: the run settings (total updates, evaluation cadence) shape the run and
  // its scoring, so they are not offered.
  const own = new Set(useLab.getState().catalog?.algorithms.find((a) => a.id === algorithmId)?.hyperparameters.map((p) => p.key));
  const candidates = schema.filter((p) => own.has(p.key) && p.live && (p.kind === 'number' || p.kind === 'int') && p.min !== undefined && p.max !== undefined);
  const maxUpdates = useLab((s) => Number(s.values[algorithmId]?.maxUpdates ?? 0));
  const error = usePbt((s) => s.error);
  const [settings, setSettings] = useState<PbtSettings>(() => {
    const d = defaultPbtSettings(schema);
    // An interval that gives a few steps within the form's total updates.
    return { ...d, members: 4, interval: Math.max(1, Math.min(d.interval, Math.round(maxUpdates / 5) || d.interval)) };
  });
  const [init, setInit] = useState<PbtInit>('near');
  const patch = (p: Partial<PbtSettings>) => setSettings((s) => ({ ...s, ...p }));
  const toggleKey = (key: string, on: boolean) => patch({ keys: on ? candidates.map((p) => p.key).filter((k) => k === key || settings.keys.includes(k)) : settings.keys.filter((k) => k !== key) });
  const workers = labPool().size;
  const defaults = new Set(pbtKeys(schema));

  return (
    <div className="pbt-form">
      <div className="pbt-fields">
        <label title={`2 to ${MAX_MEMBERS} runs`}>
          members{' '}
          <input type="number" min={2} max={MAX_MEMBERS} value={settings.members} onChange={(e) => patch({ members: Math.max(2, Math.min(MAX_MEMBERS, Math.floor(Number(e.target.value) || 2))) })} data-testid="pbt-members" />
        </label>
        <label title="Updates between a member's steps (each step waits for an evaluation after the multiple)">
          interval K{' '}
          <input type="number" min={1} value={settings.interval} onChange={(e) => patch({ interval: Math.max(1, Math.floor(Number(e.target.value) || 1)) })} data-testid="pbt-interval" />
        </label>
        <label title="The bottom quantile copies the top quantile (0.25: the worst quarter copies the best quarter; the paper uses 0.2)">
          quantile{' '}
          <input type="number" min={0.05} max={0.5} step={0.05} value={settings.quantile} onChange={(e) => patch({ quantile: Number(e.target.value) })} data-testid="pbt-quantile" />
        </label>
        <label title="Explore: multiply each value by one of the factors (clamped to its range), or draw it afresh from its range">
          explore{' '}
          <select value={settings.mode} onChange={(e) => patch({ mode: e.target.value as PbtSettings['mode'] })} data-testid="pbt-mode">
            <option value="perturb">perturb</option>
            <option value="resample">resample</option>
          </select>
        </label>
        <label title="The two perturbation factors, chosen with equal chance">
          factors{' '}
          <input type="number" min={0.01} step={0.05} value={settings.factors[0]} disabled={settings.mode !== 'perturb'} onChange={(e) => patch({ factors: [Number(e.target.value), settings.factors[1]] })} aria-label="lower factor" data-testid="pbt-factor-low" />
          <input type="number" min={0.01} step={0.05} value={settings.factors[1]} disabled={settings.mode !== 'perturb'} onChange={(e) => patch({ factors: [settings.factors[0], Number(e.target.value)] })} aria-label="upper factor" data-testid="pbt-factor-high" />
        </label>
        <label title="In perturb mode, the chance that a key is drawn afresh instead">
          resample chance{' '}
          <input type="number" min={0} max={1} step={0.05} value={settings.resampleProbability} disabled={settings.mode !== 'perturb'} onChange={(e) => patch({ resampleProbability: Number(e.target.value) })} data-testid="pbt-resample-p" />
        </label>
        <label title={INIT_HELP[init]}>
          members start{' '}
          <select value={init} onChange={(e) => setInit(e.target.value as PbtInit)} data-testid="pbt-init">
            {(Object.keys(INIT_LABEL) as PbtInit[]).map((k) => (
              <option key={k} value={k}>
                {INIT_LABEL[k]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <fieldset className="pbt-keys">
        <legend>explored hyperparameters</legend>
        {candidates.length === 0 && <span className="muted small">This algorithm has no live, bounded numbers to explore.</span>}
        {candidates.map((p) => (
          <label key={p.key} title={keyTitle(p, defaults.has(p.key))}>
            <input type="checkbox" checked={settings.keys.includes(p.key)} onChange={(e) => toggleKey(p.key, e.target.checked)} data-testid={`pbt-key-${p.key}`} /> {p.label}
          </label>
        ))}
      </fieldset>
      <p className="help">
        {INIT_HELP[init]} This page trains {workers} run{workers === 1 ? '' : 's'} at a time (one per worker): the other members wait in the queue and start as workers free up. Each member steps on its own when it is ready (asynchronous PBT), against the latest evaluations of the others, so a late member may copy one that has already finished. Each copy is an event in the member’s history and a marker on its charts.
      </p>
      <div className="pbt-actions">
        <button className="primary" disabled={settings.keys.length === 0} onClick={() => startPbt(settings, init)} data-testid="pbt-start">
          Start population of {settings.members}
        </button>
        {error && (
          <span className="error" role="alert" data-testid="pbt-error">
            {error}
          </span>
        )}
      </div>
    </div>
  );
}

function keyTitle(p: HyperParam, byDefault: boolean): string {
  const note = byDefault
    ? ''
    : p.key === 'batchSize'
      ? ' Not explored by default: a bigger batch costs more per update, so scores at equal updates would favour it.'
      : p.kind === 'int'
        ? ' Not explored by default: a whole number (×0.8 of a small one rounds back to itself).'
        : ' Not explored by default: it changes what evaluation asks of the agent rather than how it learns.';
  return `${p.help}${note}`;
}

/** One population: members, copies made, what its runs are doing, Stop; then its lineage. */
function PopulationStatus({ id }: { id: string }) {
  const population = usePbt((s) => s.populations[id]);
  // One string, so the row re-renders when a member's status changes, not on every report.
  const phases = useLab((s) => (population ? population.runIds.map((r) => s.runs[r]?.status ?? 'deleted').join(',') : ''));
  if (!population) return null;
  const counts = new Map<string, number>();
  for (const phase of phases.split(',')) if (phase) counts.set(phase, (counts.get(phase) ?? 0) + 1);
  const summary = [...counts].map(([phase, n]) => `${n} ${phase}`).join(', ');
  const live = phases.split(',').some((phase) => ACTIVE.has(phase));
  return (
    <div className="pbt-population" data-testid="pbt-status" data-pbt-id={id} data-status={population.status} data-copies={population.events.length}>
      <div className="pbt-population-head">
        <strong>{population.name}</strong>
        <span className="muted small">
          {population.settings.members} members, K = {population.settings.interval.toLocaleString()}, quantile {population.settings.quantile}, {population.settings.mode === 'perturb' ? `perturb ×${population.settings.factors.join(' / ×')}` : 'resample'}; explores {population.params.map((p) => p.label).join(', ')}
        </span>
        <span className="small">{summary}</span>
        <span className="small" data-testid="pbt-copies">
          {population.events.length} {population.events.length === 1 ? 'copy' : 'copies'}
        </span>
        <span className={`status status-${population.status === 'running' ? 'running' : population.status === 'done' ? 'finished' : 'stopped'}`}>{population.status}</span>
        {population.status === 'running' && live && (
          <button className="small" onClick={() => void stopPbt(id)} data-testid="pbt-stop">
            Stop
          </button>
        )}
      </div>
      {population.notice && <p className="notice small">{population.notice}</p>}
      <LineageView id={id} />
    </div>
  );
}
