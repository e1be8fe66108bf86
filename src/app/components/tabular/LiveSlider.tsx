/** A labelled range with its value printed, for settings that change while a learner runs. */
export function LiveSlider({ label, min, max, step, value, onChange, testId, title }: { label: string; min: number; max: number; step: number; value: number; onChange: (v: number) => void; testId: string; title: string }) {
  return (
    <label title={title}>
      {label}{' '}
      <input type="range" min={min} max={max} step={step} value={value} onChange={(e) => onChange(Number(e.target.value))} data-testid={testId} aria-label={label} />{' '}
      <output>{value}</output>
    </label>
  );
}
