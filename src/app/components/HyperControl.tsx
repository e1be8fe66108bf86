import { useEffect, useState } from 'react';
import { formatValue, type HyperParam, type HyperValue } from '../../core/run/hyperparameters';

interface Props {
  param: HyperParam;
  value: HyperValue;
  error?: string;
  /** False for non-live parameters while a run trains. */
  editable: boolean;
  onCommit(value: unknown): void;
}

const SLIDER_STEPS = 1000;

function toSlider(p: HyperParam, v: number): number {
  const [lo, hi] = [p.min ?? 0, p.max ?? 1];
  const t = p.log ? (Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) : (v - lo) / (hi - lo);
  return Math.round(Math.min(1, Math.max(0, t)) * SLIDER_STEPS);
}

function fromSlider(p: HyperParam, s: number): number {
  const [lo, hi] = [p.min ?? 0, p.max ?? 1];
  const t = s / SLIDER_STEPS;
  const v = p.log ? Math.exp(Math.log(lo) + t * (Math.log(hi) - Math.log(lo))) : lo + t * (hi - lo);
  return p.kind === 'int' ? Math.round(v) : Number(v.toPrecision(2));
}

/** One control generated from the schema: the value commits on Enter, blur, or slider release. */
export function HyperControl({ param, value, error, editable, onCommit }: Props) {
  const [draft, setDraft] = useState(String(value));
  useEffect(() => setDraft(typeof value === 'number' ? formatValue(value) : String(value)), [value]);
  const id = `hp-${param.key}`;

  let input;
  if (param.kind === 'bool') {
    input = <input id={id} data-testid={id} type="checkbox" checked={Boolean(value)} disabled={!editable} onChange={(e) => onCommit(e.target.checked)} />;
  } else if (param.kind === 'choice') {
    input = (
      <select id={id} data-testid={id} value={String(value)} disabled={!editable} onChange={(e) => onCommit(e.target.value)}>
        {param.choices?.map((c) => (
          <option key={c}>{c}</option>
        ))}
      </select>
    );
  } else {
    const commitDraft = () => draft !== formatValue(Number(value)) && onCommit(draft.trim() === '' ? NaN : Number(draft));
    const sliderable = param.min !== undefined && param.max !== undefined && (param.log || param.max - param.min <= 100_000);
    input = (
      <span className="number-control">
        {sliderable && (
          <input
            type="range"
            aria-label={`${param.label} slider`}
            min={0}
            max={SLIDER_STEPS}
            disabled={!editable}
            value={toSlider(param, Number.isFinite(Number(draft)) ? Number(draft) : Number(value))}
            onChange={(e) => setDraft(formatValue(fromSlider(param, Number(e.target.value))))}
            onPointerUp={(e) => onCommit(fromSlider(param, Number((e.target as HTMLInputElement).value)))}
            onKeyUp={(e) => onCommit(fromSlider(param, Number((e.target as HTMLInputElement).value)))}
          />
        )}
        <input
          id={id}
          data-testid={id}
          type="text"
          inputMode="decimal"
          value={draft}
          disabled={!editable}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commitDraft}
          onKeyDown={(e) => e.key === 'Enter' && commitDraft()}
        />
      </span>
    );
  }

  return (
    <div className={`control ${error ? 'has-error' : ''}`}>
      <label htmlFor={id}>
        {param.label}
        {param.live && <span className="live" title="can change while training">live</span>}
      </label>
      {input}
      <p className="help">{param.help}</p>
      {error && (
        <p className="error" role="alert" data-testid={`error-${param.key}`}>
          {error}
        </p>
      )}
    </div>
  );
}
