/** Small drawing pieces every scene shares, so the scenes look like one family. */

export const INK = '#1f2937';
export const MUTED = '#6b7280';
export const BACKGROUND = '#ffffff';
export const AGENT = '#ea580c';
export const GOAL = '#16a34a';
export const DANGER = '#dc2626';
export const ACTION = '#2563eb';
export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

export function clear(ctx: CanvasRenderingContext2D, width: number, height: number): void {
  ctx.save();
  ctx.fillStyle = BACKGROUND;
  ctx.fillRect(0, 0, width, height);
  ctx.restore();
}

/** The ground or track line a side-view scene stands on, across the whole canvas (leaves the stroke style set). */
export function groundLine(ctx: CanvasRenderingContext2D, y: number, width: number): void {
  ctx.strokeStyle = INK;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.moveTo(0, y);
  ctx.lineTo(width, y);
  ctx.stroke();
}

export function label(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, options: { size?: number; colour?: string; align?: CanvasTextAlign; baseline?: CanvasTextBaseline; bold?: boolean } = {}): void {
  ctx.save();
  ctx.font = `${options.bold ? '600 ' : ''}${options.size ?? 12}px ${FONT}`;
  ctx.fillStyle = options.colour ?? INK;
  ctx.textAlign = options.align ?? 'left';
  ctx.textBaseline = options.baseline ?? 'alphabetic';
  ctx.fillText(text, x, y);
  ctx.restore();
}

/** Small print (readouts, conventions, footers) only where there is room: not on thumbnails. */
export const roomy = (width: number): boolean => width >= 400;

/** Lines of "name value" text in a corner, for the state a lecturer wants to read out. */
export function readout(ctx: CanvasRenderingContext2D, lines: string[], x: number, y: number, align: CanvasTextAlign = 'left'): void {
  lines.forEach((line, i) => label(ctx, line, x, y + i * 15, { size: 12, colour: MUTED, align, baseline: 'top' }));
}

/** A straight arrow from (x0, y0) to (x1, y1) with a filled head. */
export function arrow(ctx: CanvasRenderingContext2D, x0: number, y0: number, x1: number, y1: number, options: { colour?: string; width?: number; head?: number } = {}): void {
  const len = Math.hypot(x1 - x0, y1 - y0);
  if (len < 1e-6) return;
  const head = Math.min(options.head ?? 9, len * 0.5);
  const ux = (x1 - x0) / len;
  const uy = (y1 - y0) / len;
  ctx.save();
  ctx.strokeStyle = ctx.fillStyle = options.colour ?? ACTION;
  ctx.lineWidth = options.width ?? 3;
  ctx.lineCap = 'round';
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1 - ux * head * 0.8, y1 - uy * head * 0.8);
  ctx.stroke();
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x1 - ux * head - uy * head * 0.55, y1 - uy * head + ux * head * 0.55);
  ctx.lineTo(x1 - ux * head + uy * head * 0.55, y1 - uy * head - ux * head * 0.55);
  ctx.closePath();
  ctx.fill();
  ctx.restore();
}

/**
 * A torque drawn as a circular arrow around (cx, cy): counter-clockwise on screen for a positive torque (the
 * direction that increases the angles of Pendulum and Acrobot as they are drawn), sweep proportional to |u|.
 */
export function torqueArc(ctx: CanvasRenderingContext2D, cx: number, cy: number, radius: number, u: number, maxU: number, colour = ACTION): void {
  const frac = Math.min(1, Math.abs(u) / maxU);
  if (frac < 0.02) return;
  const sweep = frac * 1.5 * Math.PI;
  // Canvas angles run clockwise on screen; start at the top of the circle.
  const start = -Math.PI / 2 + (u > 0 ? sweep / 2 : -sweep / 2);
  const end = u > 0 ? start - sweep : start + sweep;
  ctx.save();
  ctx.strokeStyle = ctx.fillStyle = colour;
  ctx.lineWidth = 3;
  ctx.lineCap = 'round';
  ctx.beginPath();
  ctx.arc(cx, cy, radius, start, end, u > 0);
  ctx.stroke();
  // Head: a triangle at the end, pointing along the direction of travel.
  const ex = cx + radius * Math.cos(end);
  const ey = cy + radius * Math.sin(end);
  const dir = u > 0 ? -1 : 1; // d(angle) sign of travel
  const tx = -Math.sin(end) * dir;
  const ty = Math.cos(end) * dir;
  const h = 9;
  ctx.beginPath();
  ctx.moveTo(ex + tx * h, ey + ty * h);
  ctx.lineTo(ex - ty * h * 0.6, ey + tx * h * 0.6);
  ctx.lineTo(ex + ty * h * 0.6, ey - tx * h * 0.6);
  ctx.closePath();
  ctx.fill();
  ctx.restore();
}

export function disc(ctx: CanvasRenderingContext2D, x: number, y: number, r: number, fill: string, stroke?: string, lineWidth = 2): void {
  ctx.save();
  ctx.beginPath();
  ctx.arc(x, y, r, 0, Math.PI * 2);
  ctx.fillStyle = fill;
  ctx.fill();
  if (stroke) {
    ctx.strokeStyle = stroke;
    ctx.lineWidth = lineWidth;
    ctx.stroke();
  }
  ctx.restore();
}

/** A signed number with fixed digits, for readouts ("+0.12", "-3.40"). */
export function signed(v: number, digits = 2): string {
  return `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(digits)}`;
}
