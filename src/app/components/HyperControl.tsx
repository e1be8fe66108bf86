import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { formatValue, type HyperParam, type HyperValue } from '../../core/run/hyperparameters';
import { nearestNotch, sliderNotches, stepNotch } from './sliderNotches';

interface Props {
  param: HyperParam;
  value: HyperValue;
  error?: string;
  /** False for non-live parameters while a run trains. */
  editable: boolean;
  /** The settings this one waits for ("lagrange on"), when it is inert with the current values; it stays editable. */
  inactive?: string | null;
  onCommit(value: unknown): void;
}

/** Slider keys and how many notches each moves (Home and End go to the ends). */
const NOTCH_KEYS: Record<string, number> = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1, PageUp: 10, PageDown: -10, Home: -Infinity, End: Infinity };

/**
 * One control generated from the schema: a text field (commits on Enter or when it loses focus after an edit) and,
 * for bounded numbers, a slider over notches (see sliderNotches). The slider commits when a key or the pointer is
 * released; focusing or leaving a control never changes its value.
 */
export function HyperControl({ param, value, error, editable, inactive, onCommit }: Props) {
  const [draft, setDraft] = useState(String(value));
  useEffect(() => setDraft(typeof value === 'number' ? formatValue(value) : String(value)), [value]);
  const id = `hp-${param.key}`;
  const helpId = `${id}-help`;
  const notches = useMemo(() => sliderNotches(param), [param]);
  /** The slider's value not yet committed (a key still held, a drag not yet released). */
  const pending = useRef<number | null>(null);
  const dragging = useRef(false);

  let input;
  if (param.kind === 'bool') {
    input = <input id={id} data-testid={id} type="checkbox" checked={Boolean(value)} disabled={!editable} onChange={(e) => onCommit(e.target.checked)} aria-describedby={helpId} />;
  } else if (param.kind === 'choice') {
    input = (
      <select id={id} data-testid={id} value={String(value)} disabled={!editable} onChange={(e) => onCommit(e.target.value)} aria-describedby={helpId}>
        {param.choices?.map((c) => (
          <option key={c}>{c}</option>
        ))}
      </select>
    );
  } else {
    const commitDraft = () => draft !== formatValue(Number(value)) && onCommit(draft.trim() === '' ? NaN : Number(draft));
    const shown = Number.isFinite(Number(draft)) && draft.trim() !== '' ? Number(draft) : Number(value);
    const propose = (v: number) => {
      pending.current = v;
      setDraft(formatValue(v));
    };
    const commitPending = () => {
      const v = pending.current;
      pending.current = null;
      if (v !== null && v !== Number(value)) onCommit(v);
    };
    const onSliderKey = (e: KeyboardEvent<HTMLInputElement>) => {
      const steps = NOTCH_KEYS[e.key];
      if (steps === undefined || !notches) return;
      e.preventDefault();
      propose(stepNotch(notches, pending.current ?? shown, steps));
    };
    input = (
      <span className="number-control">
        {notches && (
          <input
            type="range"
            aria-label={`${param.label} slider`}
            aria-valuetext={formatValue(shown)}
            aria-describedby={helpId}
            min={0}
            max={notches.length - 1}
            step={1}
            disabled={!editable}
            value={nearestNotch(notches, shown, !!param.log)}
            onKeyDown={onSliderKey}
            onKeyUp={(e) => e.key in NOTCH_KEYS && commitPending()}
            onBlur={commitPending}
            onPointerDown={(e) => {
              dragging.current = true;
              // The release reaches the slider even when the pointer leaves it mid-drag.
              e.currentTarget.setPointerCapture(e.pointerId);
            }}
            onPointerUp={() => {
              dragging.current = false;
              commitPending();
            }}
            onChange={(e) => {
              propose(notches[Number(e.target.value)]);
              // Not a drag (assistive technology set the value): commit at once.
              if (!dragging.current) commitPending();
            }}
          />
        )}
        <input
          id={id}
          data-testid={id}
          type="text"
          inputMode="decimal"
          value={draft}
          disabled={!editable}
          aria-describedby={helpId}
          aria-invalid={error ? true : undefined}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commitDraft}
          onKeyDown={(e) => e.key === 'Enter' && commitDraft()}
        />
      </span>
    );
  }

  return (
    <div className={`control ${error ? 'has-error' : ''} ${inactive ? 'inactive' : ''}`} data-inactive={inactive ? true : undefined}>
      <label htmlFor={id}>
        {param.label}
        {param.live && <span className="live" title="can change while training">live</span>}
      </label>
      {input}
      <p className="help" id={helpId}>
        {inactive && <span className="inactive-note">Takes effect only with {inactive}. </span>}
        {param.help}
      </p>
      {error && (
        <p className="error" role="alert" data-testid={`error-${param.key}`}>
          {error}
        </p>
      )}
    </div>
  );
}
