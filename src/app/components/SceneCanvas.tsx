import { useEffect, useRef } from 'react';

interface Props {
  width: number;
  height: number;
  /** Draws in CSS pixels; the canvas is scaled for the screen's pixel ratio so lines stay sharp. */
  draw: (ctx: CanvasRenderingContext2D) => void;
  testId?: string;
  label: string;
}

/** A canvas that redraws whenever `draw` changes (memoise it on what it shows). */
export function SceneCanvas({ width, height, draw, testId, label }: Props) {
  const ref = useRef<HTMLCanvasElement>(null);
  const dpr = typeof window !== 'undefined' ? Math.min(2, window.devicePixelRatio || 1) : 1;
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    draw(ctx);
  }, [draw, dpr]);
  return <canvas ref={ref} width={Math.round(width * dpr)} height={Math.round(height * dpr)} style={{ width, maxWidth: '100%', aspectRatio: `${width} / ${height}` }} data-testid={testId} role="img" aria-label={label} />;
}
