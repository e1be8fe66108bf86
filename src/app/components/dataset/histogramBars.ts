import type { Histogram } from '../../../core/data/histogram';
import { formatNumber, formatTicks } from '../../charts/numberFormat';

export interface BarDatum {
  /** The bin's range, for the tooltip. */
  label: string;
  /** The axis label: the bin's centre, with just enough digits that neighbouring bins read differently. */
  axis: string;
  n: number;
}

/**
 * The bars of a histogram. Data of one value (all returns 500) is one bar labelled with that value exactly, not
 * twenty bins around it that all print as "500".
 */
export function histogramBars(h: Histogram): BarDatum[] {
  if (h.constant !== undefined) {
    const total = h.counts.reduce((a, b) => a + b, 0);
    const exact = formatNumber(h.constant, 6);
    return [{ label: `all ${exact}`, axis: exact, n: total }];
  }
  const mids = Array.from(h.counts, (_, k) => (h.edges[k] + h.edges[k + 1]) / 2);
  const axis = formatTicks(mids);
  const edges = formatTicks(Array.from(h.edges));
  return Array.from(h.counts, (n, k) => ({ label: `${edges[k]} … ${edges[k + 1]}`, axis: axis[k], n }));
}
