import { useMemo, useState } from 'react';
import { Area, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Interval } from '../../../core/experiments/statistics';
import { decimalsFor, finalScoreSummary, IQM_CUTS_FROM, niceTicks, performanceProfiles, type FinalScoreSummary, type GroupScores, type ScoreGroupInput } from '../../store/finalScores';
import { useLab } from '../../store/labStore';
import { useRunGroups } from '../../store/runGroups';

/** The interval plots' drawing width and row height, in pixels (one shared axis across rows). */
const PLOT_W = 240;
const PLOT_H = 22;
const PLOT_PAD = 8;

const METRIC_NAME = { normalized: 'normalized score', return: 'return' } as const;

const fmt = (v: number, decimals: number) => (Number.isFinite(v) ? v.toFixed(decimals) : '—');
const withCI = (i: Interval | null, decimals: number, runs: number) =>
  i === null ? '—' : runs < 2 ? `${fmt(i.point, decimals)} (1 seed)` : `${fmt(i.point, decimals)} [${fmt(i.lo, decimals)}, ${fmt(i.hi, decimals)}]`;

/** What the summary depends on, as one string: each visible run's group, status and last evaluation. */
function scoreKey(groups: readonly ScoreGroupInput[]): string {
  const { runs } = useLab.getState();
  return groups
    .map((g) => `${g.id}:${g.runs.map((r) => { const live = runs[r.id] ?? r; const e = live.evaluations[live.evaluations.length - 1]; return e ? `${live.status}@${e.update}=${e.meanReturn},${e.normalizedScore ?? 'x'}` : live.status; }).join('|')}`)
    .join(';');
}

/**
 * Final scores of the visible configurations, summarised as rliable recommends for few seeds: per configuration the
 * IQM and the mean of its runs' last evaluations with 95% bootstrap intervals over seeds, an interval plot on one
 * shared axis so overlaps show at a glance, and on demand the performance profiles. Redraws on the chart clock.
 */
export function ScoreSummary() {
  const { groups } = useRunGroups();
  const version = useLab((s) => s.chartVersion);
  // Runs end (or start) without an evaluation: the status of every run, a short string that changes rarely.
  const statuses = useLab((s) => s.runOrder.map((id) => s.runs[id]?.status ?? '').join(','));
  const [profileShown, setProfileShown] = useState(false);
  // The bootstrap is redone only when a run's score or status changed, not on every tick of the clock.
  const key = useMemo(() => scoreKey(groups), [groups, version, statuses]);
  const summary = useMemo(() => {
    const { runs } = useLab.getState();
    return finalScoreSummary(groups.map((g) => ({ ...g, runs: g.runs.map((r) => runs[r.id] ?? r) })));
    // `key` stands for the live run records read above.
  }, [groups, key]);
  if (!summary.groups.some((g) => g.scores.length > 0)) return null;

  const decimals = decimalsFor(summary.domain);
  const scoredGroups = summary.groups.filter((g) => g.scores.length > 0);
  const best = summary.groups.find((g) => g.id === summary.bestId) ?? null;
  const labelOf = (id: string) => summary.groups.find((g) => g.id === id)?.label ?? id;
  const fewSeeds = scoredGroups.some((g) => g.scores.length > 1 && g.scores.length < IQM_CUTS_FROM);
  const active = summary.groups.reduce((n, g) => n + g.active, 0);

  return (
    <section className="panel score-summary" aria-label="final scores" data-testid="score-summary" data-metric={summary.metric}>
      <h2>
        Final scores <span className="muted small">{summary.metric === 'normalized' ? "each run's last evaluation, normalized score (0 = random policy, 100 = expert)" : "each run's last evaluation, mean return (not every run has a normalized score)"}</span>
      </h2>
      <div className="table-scroll">
        <table className="score-table">
          <thead>
            <tr>
              <th>configuration</th>
              <th className="num" title="runs with at least one evaluation / runs of this configuration">seeds</th>
              <th className="num" title="interquartile mean over seeds [95% bootstrap confidence interval]">IQM [95% CI]</th>
              <th className="num" title="mean over seeds [95% bootstrap confidence interval]">mean [95% CI]</th>
              <th className="score-plot-head">IQM and 95% CI</th>
            </tr>
          </thead>
          <tbody>
            {summary.groups.map((g) => (
              <ScoreRow key={g.id} g={g} domain={summary.domain} decimals={decimals} best={g.id === summary.bestId && scoredGroups.length > 1} />
            ))}
          </tbody>
          <tfoot>
            <tr>
              <td colSpan={4} />
              <td>
                <Axis domain={summary.domain} decimals={decimals} label={METRIC_NAME[summary.metric]} />
              </td>
            </tr>
          </tfoot>
        </table>
      </div>
      <p className="help">
        IQM: mean of the middle 50% of runs, robust to an outlier seed; bars: 95% bootstrap confidence interval over seeds. Overlapping bars: the difference may be chance.
        {fewSeeds && ` With fewer than ${IQM_CUTS_FROM} seeds the IQM cuts nothing and equals the mean, and the interval spans nearly every seed's score.`}
        {active > 0 && ` ${active} run${active === 1 ? ' is' : 's are'} still training: their score is the latest evaluation so far.`}
      </p>
      {!best && tiedAtTop(scoredGroups).length > 1 && (
        <p className="score-verdict small" data-testid="score-best">
          No single highest IQM: {tiedAtTop(scoredGroups).map((g) => g.label).join(', ')} tie.
        </p>
      )}
      {best && scoredGroups.length > 1 && (
        <p className="score-verdict small" data-testid="score-best">
          Highest IQM: <strong>{best.label}</strong>
          {summary.overlapsBest.length > 0 ? `; its interval overlaps ${summary.overlapsBest.map(labelOf).join(', ')}: the ranking may be chance.` : '; its interval overlaps no other configuration.'}
        </p>
      )}
      <button className="small" onClick={() => setProfileShown((v) => !v)} aria-expanded={profileShown} data-testid="profile-toggle">
        {profileShown ? 'Hide performance profile' : 'Performance profile'}
      </button>
      {profileShown && <Profile summary={summary} decimals={decimals} />}
    </section>
  );
}

/** The groups sharing the highest IQM (when no single best). */
function tiedAtTop(groups: readonly GroupScores[]): GroupScores[] {
  const top = Math.max(...groups.map((g) => (g.iqm && Number.isFinite(g.iqm.point) ? g.iqm.point : -Infinity)));
  return groups.filter((g) => g.iqm?.point === top);
}

function ScoreRow({ g, domain, decimals, best }: { g: GroupScores; domain: [number, number] | null; decimals: number; best: boolean }) {
  const n = g.scores.length;
  return (
    <tr className={best ? 'score-row best' : 'score-row'} data-testid="score-row" data-group={g.id}>
      <td>
        <span className="swatch-static" style={{ background: g.color }} />
        <span className="legend-label">{g.label}</span>
        {best && <span className="score-best-tag">highest IQM</span>}
      </td>
      <td className="num" title={`${n} of ${g.total} runs have an evaluation${g.unscored ? `; ${g.unscored} not yet, left out` : ''}${g.active ? `; ${g.active} still training` : ''}`}>
        {n}/{g.total}
        {g.active > 0 && <span className="muted"> training</span>}
      </td>
      <td className="num" data-testid="score-iqm" data-value={g.iqm?.point}>
        {withCI(g.iqm, decimals, n)}
      </td>
      <td className="num" data-testid="score-mean">
        {withCI(g.mean, decimals, n)}
      </td>
      <td className="score-plot">
        <IntervalPlot g={g} domain={domain} />
      </td>
    </tr>
  );
}

const xOf = (domain: [number, number], v: number) => PLOT_PAD + ((v - domain[0]) / (domain[1] - domain[0])) * (PLOT_W - 2 * PLOT_PAD);

/** One row of rliable's aggregate plot: the CI as a bar, the IQM as a dot, each seed's score as a faint tick. */
function IntervalPlot({ g, domain }: { g: GroupScores; domain: [number, number] | null }) {
  if (!domain || !g.iqm) return <svg width={PLOT_W} height={PLOT_H} aria-hidden="true" />;
  const mid = PLOT_H / 2;
  const ticks = niceTicks(domain[0], domain[1], 5);
  const ok = (v: number) => Number.isFinite(v);
  const { point, lo, hi } = g.iqm;
  return (
    <svg width={PLOT_W} height={PLOT_H} role="img" aria-label={`${g.label}: IQM ${point}, 95% CI ${lo} to ${hi}`}>
      {ticks.map((t) => (
        <line key={t} x1={xOf(domain, t)} x2={xOf(domain, t)} y1={0} y2={PLOT_H} className="score-grid" />
      ))}
      {g.scores.filter((s) => ok(s.score)).map((s) => (
        <line key={s.runId} x1={xOf(domain, s.score)} x2={xOf(domain, s.score)} y1={mid - 8} y2={mid + 8} stroke={g.color} strokeOpacity={0.45} strokeWidth={1.5}>
          <title>{`${s.name}: ${s.score} (update ${s.update})`}</title>
        </line>
      ))}
      {ok(lo) && ok(hi) && <rect x={xOf(domain, lo)} y={mid - 4} width={Math.max(xOf(domain, hi) - xOf(domain, lo), 1.5)} height={8} rx={2} fill={g.color} fillOpacity={0.35} stroke={g.color} strokeOpacity={0.8} />}
      {ok(point) && <circle cx={xOf(domain, point)} cy={mid} r={4.5} fill={g.color} stroke="white" strokeWidth={1.5} />}
    </svg>
  );
}

function Axis({ domain, decimals, label }: { domain: [number, number] | null; decimals: number; label: string }) {
  if (!domain) return null;
  const ticks = niceTicks(domain[0], domain[1], 5);
  const tickDecimals = ticks.length > 1 ? Math.max(0, Math.min(decimals, -Math.floor(Math.log10(ticks[1] - ticks[0])))) : decimals;
  return (
    <svg width={PLOT_W} height={30} className="score-axis" aria-hidden="true">
      <line x1={PLOT_PAD} x2={PLOT_W - PLOT_PAD} y1={1} y2={1} stroke="#9ca3af" />
      {ticks.map((t) => (
        <g key={t} transform={`translate(${xOf(domain, t)},0)`}>
          <line y1={1} y2={5} stroke="#9ca3af" />
          <text y={15} textAnchor="middle" className="score-tick">
            {t.toFixed(tickDecimals)}
          </text>
        </g>
      ))}
      <text x={PLOT_W / 2} y={28} textAnchor="middle" className="score-axis-label">
        final {label}
      </text>
    </svg>
  );
}

/** rliable's performance profiles: per configuration, the fraction of its runs scoring above each threshold tau. */
function Profile({ summary, decimals }: { summary: FinalScoreSummary; decimals: number }) {
  const profiles = useMemo(() => performanceProfiles(summary, { count: 121 }), [summary]);
  const data = useMemo(
    () =>
      profiles.taus.map((tau, j) => {
        const row: Record<string, number | [number, number]> = { tau };
        profiles.groups.forEach((g, i) => {
          row[`f${i}`] = g.points[j].fraction;
          row[`b${i}`] = [g.points[j].lo, g.points[j].hi];
        });
        return row;
      }),
    [profiles],
  );
  const name = METRIC_NAME[summary.metric];
  return (
    <figure className="chart score-profile" data-testid="performance-profile" data-groups={profiles.groups.length}>
      <figcaption>Performance profile: fraction of runs with final {name} &gt; τ</figcaption>
      <ResponsiveContainer width="100%" height={230}>
        <ComposedChart data={data} margin={{ top: 8, right: 16, bottom: 16, left: 4 }}>
          <CartesianGrid stroke="#eee" />
          <XAxis
            dataKey="tau"
            type="number"
            domain={[profiles.taus[0], profiles.taus[profiles.taus.length - 1]]}
            ticks={niceTicks(profiles.taus[0], profiles.taus[profiles.taus.length - 1], 6)}
            tickFormatter={(v: number) => Number(v.toFixed(decimals)).toString()}
            fontSize={11}
            label={{ value: `threshold τ (${name})`, position: 'insideBottom', offset: -8, fontSize: 11, fill: '#4b5563' }}
          />
          <YAxis domain={[0, 1]} ticks={[0, 0.25, 0.5, 0.75, 1]} fontSize={11} width={40} />
          <Tooltip
            formatter={(v) => (Array.isArray(v) ? v.map((x) => Number(x).toFixed(2)).join(' – ') : Number(v).toFixed(2))}
            labelFormatter={(l) => `τ = ${Number(l).toFixed(decimals)}`}
            isAnimationActive={false}
          />
          {profiles.groups.map((g, i) => (
            <Area key={`b${g.id}`} dataKey={`b${i}`} type="stepAfter" name={`${g.label} (95% band)`} stroke="none" fill={g.color} fillOpacity={0.15} isAnimationActive={false} legendType="none" />
          ))}
          {profiles.groups.map((g, i) => (
            <Line key={`f${g.id}`} dataKey={`f${i}`} type="stepAfter" name={`${g.label} (${g.runs} run${g.runs === 1 ? '' : 's'})`} stroke={g.color} strokeWidth={2} dot={false} isAnimationActive={false} />
          ))}
          <Legend wrapperStyle={{ fontSize: 12, paddingTop: 12 }} />
        </ComposedChart>
      </ResponsiveContainer>
      <p className="help">
        Each curve: the share of a configuration&apos;s runs whose final score is above τ, with a 95% bootstrap band over its runs. A curve above another at every τ is better at every
        threshold (stochastic dominance); curves that cross, or bands that overlap, do not rank the configurations.
      </p>
    </figure>
  );
}
