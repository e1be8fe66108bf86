import { useState } from 'react';
import type { Interval } from '../../../core/experiments/statistics';
import { formatValue, type HyperParam } from '../../../core/run/hyperparameters';
import { useLab } from '../../store/labStore';
import { columnId, sortRows, type SortDirection, type SweepColumn, type SweepRow } from '../../store/sweepResults';
import { isHighlighted, toggleHighlight } from '../../store/sweeps';

interface Props {
  rows: SweepRow[];
  /** The swept hyperparameters, in the sweep's order. */
  params: HyperParam[];
  /** Normalized scores (else returns). */
  scored: boolean;
  /** Each configuration's line colour on the charts. */
  colors: Record<number, string>;
}

const num = (v: number) => (Math.abs(v) >= 1000 ? v.toFixed(0) : v.toFixed(1));
const withCI = (i: Interval | null) => (i === null ? '—' : i.lo === i.hi ? num(i.point) : `${num(i.point)} [${num(i.lo)}, ${num(i.hi)}]`);

/** Scores and speeds read best first; configuration columns read in order. */
const firstDirection = (c: SweepColumn): SortDirection => (c.kind === 'point' || c.kind === 'param' ? 'ascending' : 'descending');

/**
 * A sweep's configurations with their final and best scores over seeds (mean and 95% bootstrap CI), IQM from 4
 * seeds, progress and speed. A header sorts (again: the other way); a row picks its runs out on the charts.
 */
export function SweepResults({ rows, params, scored, colors }: Props) {
  const highlight = useLab((s) => s.highlight);
  const [sort, setSort] = useState<{ column: SweepColumn; direction: SortDirection }>({ column: { kind: 'final' }, direction: 'descending' });
  const sorted = sortRows(rows, sort.column, sort.direction);
  const showIqm = rows.some((r) => r.finalIqm !== null);
  const what = scored ? 'normalized score' : 'return';

  const header = (column: SweepColumn, label: string, title: string, numeric = true) => {
    const active = columnId(column) === columnId(sort.column);
    const next = active ? (sort.direction === 'ascending' ? 'descending' : 'ascending') : firstDirection(column);
    return (
      <th key={columnId(column)} className={numeric ? 'num' : undefined} aria-sort={active ? sort.direction : 'none'} title={title}>
        <button className="sort" onClick={() => setSort({ column, direction: next })} data-testid={`sweep-sort-${columnId(column)}`}>
          {label}
          <span className="sort-mark" aria-hidden>
            {active ? (sort.direction === 'ascending' ? ' ▲' : ' ▼') : ''}
          </span>
        </button>
      </th>
    );
  };

  return (
    <div className="table-scroll">
      <table className="run-list sweep-results" data-testid="sweep-results">
        <caption className="small muted">
          {rows.length} configurations; scores are the {what} of the greedy policy, mean over seeds with a 95% bootstrap CI. Click a row to pick its runs out on the charts.
        </caption>
        <thead>
          <tr>
            {header({ kind: 'point' }, '#', 'configuration number', false)}
            {params.map((p) => header({ kind: 'param', key: p.key }, p.key, `${p.label}${p.log ? ' (log scale)' : ''}`))}
            {header({ kind: 'final' }, `final ${what}`, "mean over seeds of each run's last evaluation, [95% bootstrap CI]")}
            {header({ kind: 'best' }, `best ${what}`, "mean over seeds of each run's best evaluation, [95% bootstrap CI]")}
            {showIqm && header({ kind: 'finalIqm' }, 'IQM final', 'interquartile mean over seeds of the final scores (from 4 seeds)')}
            <th className="num" title="runs with an evaluation / runs of this configuration (ended)">
              seeds
            </th>
            {header({ kind: 'speed' }, 'upd/s', 'mean over runs of updates per second of training time')}
          </tr>
        </thead>
        <tbody>
          {sorted.map((row) => {
            const picked = isHighlighted(highlight, row.runIds);
            return (
              <tr
                key={row.point}
                className={`sweep-row ${picked ? 'picked' : ''}`}
                data-testid="sweep-row"
                data-point={row.point}
                aria-selected={picked}
                tabIndex={0}
                onClick={() => toggleHighlight(row.runIds)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    toggleHighlight(row.runIds);
                  }
                }}
                title={picked ? 'click again to show every run' : 'pick these runs out on the charts'}
              >
                <td>
                  <span className="swatch-static" style={{ background: colors[row.point] ?? '#9ca3af' }} />
                  {row.point}
                </td>
                {params.map((p) => (
                  <td key={p.key} className="num">
                    {row.values[p.key] === undefined ? '—' : formatValue(row.values[p.key])}
                  </td>
                ))}
                <td className="num" data-testid="sweep-final">
                  {withCI(row.final)}
                </td>
                <td className="num">{withCI(row.best)}</td>
                {showIqm && <td className="num">{row.finalIqm === null ? '—' : num(row.finalIqm)}</td>}
                <td className="num">
                  {row.scoredSeeds} / {row.runIds.length}
                  {row.ended < row.runIds.length && <span className="muted"> ({row.ended} ended)</span>}
                </td>
                <td className="num">{row.updatesPerSecond === null ? '—' : row.updatesPerSecond.toFixed(0)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
