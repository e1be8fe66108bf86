import { useState } from 'react';
import type { AxisBounds } from './ticks';

interface Props {
  bounds: AxisBounds;
  onChange(bounds: AxisBounds): void;
  /** Why the chart could not use the bounds (it then draws its automatic range). */
  error: string | null;
  log: boolean;
  testId: string;
}

const parse = (text: string): number | null | 'bad' => {
  const t = text.trim();
  if (t === '' || t === 'auto') return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : 'bad';
};

/**
 * A chart's y range: automatic (round values around the data and its reference lines) or from the user's min and
 * max, either end left empty for automatic. Shown beside the chart's title with the scale (log or linear).
 */
export function RangeControl({ bounds, onChange, error, log, testId }: Props) {
  const [min, setMin] = useState(bounds.min === null ? '' : String(bounds.min));
  const [max, setMax] = useState(bounds.max === null ? '' : String(bounds.max));
  const [bad, setBad] = useState<string | null>(null);
  const auto = bounds.min === null && bounds.max === null;
  const apply = (nextMin: string, nextMax: string) => {
    const lo = parse(nextMin);
    const hi = parse(nextMax);
    if (lo === 'bad' || hi === 'bad') {
      setBad(`"${(lo === 'bad' ? nextMin : nextMax).slice(0, 20)}" is not a number (leave it empty for auto)`);
      return;
    }
    setBad(null);
    onChange({ min: lo, max: hi });
  };
  return (
    <details className="range-control" data-testid={testId}>
      <summary title="y range of this chart">
        y: {log ? 'log' : 'linear'}, {auto ? 'auto' : `${bounds.min ?? 'auto'} to ${bounds.max ?? 'auto'}`}
      </summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          apply(min, max);
        }}
      >
        <label>
          min <input inputMode="decimal" size={7} value={min} placeholder="auto" onChange={(e) => setMin(e.target.value)} onBlur={() => apply(min, max)} aria-label="y axis minimum" data-testid={`${testId}-min`} />
        </label>
        <label>
          max <input inputMode="decimal" size={7} value={max} placeholder="auto" onChange={(e) => setMax(e.target.value)} onBlur={() => apply(min, max)} aria-label="y axis maximum" data-testid={`${testId}-max`} />
        </label>
        <button type="submit">set</button>
        <button
          type="button"
          onClick={() => {
            setMin('');
            setMax('');
            setBad(null);
            onChange({ min: null, max: null });
          }}
          data-testid={`${testId}-auto`}
        >
          auto
        </button>
      </form>
      {(bad ?? error) && (
        <p className="error small" role="alert">
          {bad ?? `${error}; showing the automatic range`}
        </p>
      )}
    </details>
  );
}
