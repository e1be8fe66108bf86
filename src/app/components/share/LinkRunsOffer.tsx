import { useLab } from '../../store/labStore';
import { startLinkRuns } from '../../store/linkRuns';

/** A shared link's runs, offered with one click (never started by the link alone). */
export function LinkRunsOffer() {
  const offer = useLab((s) => s.linkRuns);
  const ready = useLab((s) => s.datasetId !== null && s.catalog !== null);
  const names = useLab((s) => s.catalog?.algorithms);
  if (!offer) return null;
  const total = offer.runs.reduce((n, r) => n + r.seeds, 0);
  return (
    <div className="note link-offer" role="status" data-testid="link-runs">
      <p>
        This link sets up {total} run{total === 1 ? '' : 's'}:{' '}
        {offer.runs.map((r, i) => (
          <span key={i}>
            {i > 0 && '; '}
            {names?.find((a) => a.id === r.algo)?.name ?? r.algo} on {r.data}
            {r.seeds > 1 ? ` × ${r.seeds} seeds` : ''}
          </span>
        ))}
        .
      </p>
      <button className="primary" disabled={!ready} onClick={startLinkRuns} data-testid="link-runs-start">
        Start them
      </button>{' '}
      <button onClick={() => useLab.setState({ linkRuns: null })}>Dismiss</button>
    </div>
  );
}
