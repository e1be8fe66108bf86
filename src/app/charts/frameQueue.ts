import { useEffect, useState } from 'react';
import { flushSync } from 'react-dom';

/**
 * Chart redraws spread over animation frames: each frame draws queued charts until FRAME_BUDGET_MS is spent, so a
 * clock tick that changes nine charts is nine short tasks, not one long one (zustand updates render synchronously,
 * so a transition alone does not split them).
 */
const FRAME_BUDGET_MS = 8;
const queue = new Map<object, () => void>();
let scheduled = false;

function runFrame(): void {
  const start = performance.now();
  for (const [key, job] of queue) {
    queue.delete(key);
    job();
    if (performance.now() - start > FRAME_BUDGET_MS) break;
  }
  scheduled = false;
  if (queue.size > 0) {
    scheduled = true;
    if (typeof requestAnimationFrame !== 'undefined') requestAnimationFrame(runFrame);
    else setTimeout(runFrame, 16);
  }
}

/** Queues `job` under `key` (a later job for the same key replaces a waiting one). */
export function scheduleDraw(key: object, job: () => void): () => void {
  queue.set(key, job);
  if (!scheduled) {
    scheduled = true;
    if (typeof requestAnimationFrame !== 'undefined') requestAnimationFrame(runFrame);
    else setTimeout(runFrame, 16);
  }
  return () => queue.delete(key);
}

/**
 * `value` as a chart should draw it: it follows `value` through the frame queue, rendering the chart on its own turn
 * (the first value at once).
 */
export function useFrameDeferred<T>(value: T): T {
  const [drawn, setDrawn] = useState(value);
  const [key] = useState(() => ({}));
  useEffect(() => {
    if (Object.is(value, drawn)) return;
    return scheduleDraw(key, () => flushSync(() => setDrawn(value)));
  }, [value, drawn, key]);
  return drawn;
}
