/**
 * Where the labels of a chart's markers go, so that none overlaps another or leaves the plot: each label sits beside
 * its line (left of it near the right edge), in the first row where it is free; when no row is free it is
 * abbreviated, and when even that does not fit only the line stays (the full text is always on hover).
 */

export interface MarkerLabelInput {
  /** The marker's position in pixels from the plot's left edge. */
  x: number;
  label: string;
  /** A shorter form tried when the full label finds no room (default: its first word). */
  short?: string;
}

export interface PlacedLabel {
  /** The text drawn; '' when there was no room at all. */
  text: string;
  /** Row from the top (0, 1, ...). */
  row: number;
  /** The text's anchor point in pixels, and which side of the line it is on. */
  x: number;
  anchor: 'start' | 'end';
  abbreviated: boolean;
}

export interface LabelLayoutOptions {
  /** Plot width in pixels. */
  width: number;
  /** Average character width in pixels at the label's font size. */
  charWidth?: number;
  rows?: number;
  /** Space between the line and its label, and between labels, in pixels. */
  gap?: number;
}

export const shortLabel = (label: string) => label.split(' ')[0];

/** The labels' places, in the order of `markers`. */
export function layoutMarkerLabels(markers: readonly MarkerLabelInput[], { width, charWidth = 6.2, rows = 3, gap = 3 }: LabelLayoutOptions): PlacedLabel[] {
  const taken: [number, number][][] = Array.from({ length: rows }, () => []);
  const free = (row: number, a: number, b: number) => taken[row].every(([l, r]) => b + gap <= l || a >= r + gap);
  const order = markers.map((_, i) => i).sort((i, j) => markers[i].x - markers[j].x);
  const out: PlacedLabel[] = new Array(markers.length);
  for (const i of order) {
    const m = markers[i];
    const texts = [m.label, m.short ?? shortLabel(m.label)].filter((t, k, all) => t && all.indexOf(t) === k);
    let placed: PlacedLabel | null = null;
    for (const [k, text] of texts.entries()) {
      const w = text.length * charWidth;
      // Right of the line when it fits, else left of it; a label wider than the plot on both sides does not fit.
      const right: [number, number] = [m.x + gap, m.x + gap + w];
      const left: [number, number] = [m.x - gap - w, m.x - gap];
      const sides = ([[right, 'start'], [left, 'end']] as const).filter(([[a, b]]) => a >= 0 && b <= width);
      for (let row = 0; row < rows && !placed; row++) {
        for (const [[a, b], anchor] of sides) {
          if (!free(row, a, b)) continue;
          taken[row].push([a, b]);
          placed = { text, row, x: anchor === 'start' ? a : b, anchor, abbreviated: k > 0 };
          break;
        }
      }
      if (placed) break;
    }
    out[i] = placed ?? { text: '', row: 0, x: m.x, anchor: 'start', abbreviated: true };
  }
  return out;
}
