import type { ReactNode } from 'react';

/** One step, play/pause and reset, the tabular views' shared controls; `children` go between play and reset. */
export function StepButtons({ step, onStep, playing, onPlaying, onReset, done = false, stepTestId, children }: { step: string; onStep: () => void; playing: boolean; onPlaying: (playing: boolean) => void; onReset: () => void; done?: boolean; stepTestId: string; children?: ReactNode }) {
  return (
    <div className="scrubber">
      <button onClick={onStep} disabled={done} data-testid={stepTestId}>
        {step}
      </button>
      <button onClick={() => onPlaying(!playing)} disabled={done} data-testid="tabular-play">
        {playing ? 'pause' : 'play'}
      </button>
      {children}
      <button onClick={onReset} data-testid="tabular-reset">
        reset
      </button>
    </div>
  );
}
