import { colourScale, formatNumber, rgb, scaleTicks, viridis, type ColourScale } from './colormap';
import { FONT, INK, MUTED } from './draw';
import { px, py, type Frame } from './frame';
import type { Heatmap } from './types';

interface Raster {
  image: CanvasImageSource;
  scale: ColourScale;
}

// Rasterised once per heatmap object: replays redraw at 60 fps over the same field.
const rasters = new WeakMap<Heatmap, Raster>();

/** Room a colour bar needs beside a plot, its tick labels included. */
export const COLOUR_BAR_WIDTH = 74;

function makeCanvas(width: number, height: number): HTMLCanvasElement | OffscreenCanvas {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(width, height);
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  return c;
}

export function heatmapScale(h: Heatmap): ColourScale {
  return raster(h).scale;
}

function raster(h: Heatmap): Raster {
  const cached = rasters.get(h);
  if (cached) return cached;
  if (h.values.length !== h.width * h.height) throw new Error(`Heatmap: ${h.values.length} values for ${h.width} × ${h.height} cells`);
  const scale = colourScale(h.values, { domain: h.domain, scale: h.scale });
  const canvas = makeCanvas(h.width, h.height);
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
  const image = ctx.createImageData(h.width, h.height);
  for (let k = 0; k < h.values.length; k++) {
    const t = scale.unit(h.values[k]);
    if (t === null) continue; // NaN: transparent
    const [r, g, b] = viridis(t);
    image.data.set([r, g, b, 255], k * 4);
  }
  ctx.putImageData(image, 0, 0);
  const made = { image: canvas, scale };
  rasters.set(h, made);
  return made;
}

/**
 * Paints a heatmap over its region of the frame, cells as sharp squares. Row 0 lies at yRange[0], so on a
 * y-up frame the raster is flipped.
 */
export function paintHeatmap(ctx: CanvasRenderingContext2D, h: Heatmap, frame: Frame, opacity = 1): void {
  const { image } = raster(h);
  const x0 = px(frame, h.xRange[0]);
  const x1 = px(frame, h.xRange[1]);
  const y0 = py(frame, h.yRange[0]);
  const y1 = py(frame, h.yRange[1]);
  ctx.save();
  ctx.beginPath();
  ctx.rect(frame.left, frame.top, frame.width, frame.height);
  ctx.clip();
  ctx.imageSmoothingEnabled = false;
  ctx.globalAlpha = opacity;
  if (y0 <= y1) ctx.drawImage(image, x0, y0, x1 - x0, y1 - y0);
  else {
    ctx.translate(0, y0 + y1);
    ctx.scale(1, -1);
    ctx.drawImage(image, x0, y1, x1 - x0, y0 - y1);
  }
  ctx.restore();
}

/** A vertical colour bar with its ticks and the heatmap's label, in the given box (COLOUR_BAR_WIDTH wide). */
export function colourBar(ctx: CanvasRenderingContext2D, scale: ColourScale, box: { left: number; top: number; height: number }, title?: string): void {
  const barW = 12;
  const titleH = title ? 16 : 0;
  const top = box.top + titleH;
  const h = box.height - titleH;
  ctx.save();
  for (let i = 0; i < h; i++) {
    ctx.fillStyle = rgb(viridis(1 - i / Math.max(1, h - 1)));
    ctx.fillRect(box.left, top + i, barW, 1.5);
  }
  ctx.strokeStyle = '#d1d5db';
  ctx.lineWidth = 1;
  ctx.strokeRect(box.left + 0.5, top + 0.5, barW - 1, h - 1);
  ctx.font = `11px ${FONT}`;
  ctx.fillStyle = MUTED;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  let previous = '';
  for (const v of scaleTicks(scale)) {
    const text = formatNumber(v);
    if (text === previous) continue;
    previous = text;
    const t = scale.unit(v) ?? 0;
    const y = top + (1 - t) * (h - 1);
    ctx.fillRect(box.left + barW, y - 0.5, 3, 1);
    ctx.fillText(text, box.left + barW + 5, Math.min(top + h - 5, Math.max(top + 5, y)));
  }
  if (title) {
    ctx.fillStyle = INK;
    ctx.textBaseline = 'top';
    ctx.font = `600 11px ${FONT}`;
    ctx.fillText(title, box.left - 2, box.top);
  }
  ctx.restore();
}
