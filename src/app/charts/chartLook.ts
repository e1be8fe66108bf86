import { createContext } from 'react';

/** How large the charts draw their text; presentation mode raises it, and margins and label widths follow. */
export interface ChartLook {
  font: number;
}

export const ChartLookContext = createContext<ChartLook>({ font: 11 });

/** Plot margins and the width of one label character for a tick font size (tuned at 11 px, scaled from there). */
export function chartMetrics(font: number) {
  const k = font / 11;
  return { margin: { left: Math.round(56 * k), right: 12, top: 8, bottom: Math.round(22 * k) }, charW: 6.2 * k };
}
