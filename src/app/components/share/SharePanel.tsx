import { useRef, useState } from 'react';
import { useLab } from '../../store/labStore';
import { PANELS, shareLink } from '../../store/urlSync';

const PANEL_LABEL: Record<(typeof PANELS)[number], string> = {
  environment: 'environment',
  dataset: 'dataset',
  algorithm: 'algorithm & hyperparameters',
  backend: 'compute backend',
  runs: 'run list',
  compare: 'chart settings',
  sweeps: 'sweeps',
  pbt: 'population-based training',
  inspector: 'dataset inspector',
  replay: 'replay',
  valuemap: 'value map & Q slice',
};

/**
 * Share the whole lab as a link: the environment, the dataset (or how to make it), the algorithm and its settings,
 * the visible runs with their seeds, chart choices; optionally with panels or hyperparameters hidden for a lesson.
 */
export function SharePanel() {
  const [open, setOpen] = useState(false);
  const [hide, setHide] = useState<string[]>(() => useLab.getState().hiddenControls);
  const [keys, setKeys] = useState('');
  const [present, setPresent] = useState(() => useLab.getState().presentation);
  const [link, setLink] = useState('');
  const [copied, setCopied] = useState<string | null>(null);
  const hiddenNow = useLab((s) => s.hiddenControls);
  const toggle = useRef<HTMLButtonElement>(null);

  const make = async () => {
    const extra = keys.split(/[\s,]+/).filter(Boolean);
    const url = shareLink([...hide, ...extra], present);
    setLink(url);
    try {
      await navigator.clipboard.writeText(url);
      setCopied('Copied to the clipboard.');
    } catch {
      setCopied('Select the link and copy it (the browser did not allow the clipboard).');
    }
  };

  return (
    <span className="share">
      <button ref={toggle} onClick={() => setOpen((o) => !o)} aria-expanded={open} data-testid="share">
        Share
      </button>
      {hiddenNow.length > 0 && (
        <button className="small link" onClick={() => useLab.setState({ hiddenControls: [] })} title={`hidden by the link: ${hiddenNow.join(', ')}`} data-testid="show-hidden">
          show hidden controls
        </button>
      )}
      {open && (
        <div
          className="share-box panel"
          role="dialog"
          aria-label="share the lab"
          onKeyDown={(e) => {
            // Escape closes the box and gives the focus back to the Share button.
            if (e.key !== 'Escape') return;
            setOpen(false);
            toggle.current?.focus();
          }}
        >
          <p className="help">The link opens this lab elsewhere: environment, dataset (rebuilt there when it was generated), algorithm and settings, the visible runs with their seeds (started on a click), chart settings.</p>
          <fieldset>
            <legend>Hide for students</legend>
            {PANELS.map((p) => (
              <label key={p} className="check">
                <input type="checkbox" checked={hide.includes(p)} onChange={(e) => setHide((h) => (e.target.checked ? [...h, p] : h.filter((x) => x !== p)))} data-testid={`share-hide-${p}`} /> {PANEL_LABEL[p]}
              </label>
            ))}
            <label className="check">
              hyperparameters <input type="text" value={keys} placeholder="e.g. batchSize, tau" onChange={(e) => setKeys(e.target.value)} aria-label="hyperparameters to hide" data-testid="share-hide-keys" />
            </label>
          </fieldset>
          <label className="check">
            <input type="checkbox" checked={present} onChange={(e) => setPresent(e.target.checked)} data-testid="share-present" /> open in presentation mode (large text for a projector)
          </label>
          <button className="primary" onClick={() => void make()} data-testid="share-copy">
            Copy link
          </button>
          {link && <input className="share-link" readOnly value={link} onFocus={(e) => e.target.select()} aria-label="link to this lab" data-testid="share-link" />}
          {copied && <p className="help">{copied}</p>}
        </div>
      )}
    </span>
  );
}
