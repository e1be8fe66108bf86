import { useEffect, useState } from 'react';
import { EDIT_KINDS, gridProblems, kindName, MAX_EDIT_SIDE, nextKind, resizeLayout, setCell, toggleCellReward } from '../../core/envs/gridEdit';
import { formatLayout, parseLayout, type GridLayout } from '../../core/envs/gridLayout';
import { customLayoutText, draftOf, editDraft, generateOnLayout, presetLayout, resetDraft, useGridEditor } from '../store/gridEditor';
import { selectedDataset, useLab } from '../store/labStore';
import './gridEditor.css';

type Brush = 'kind' | 'reward';

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
/** Cell size in pixels: the whole grid fits the sidebar. */
const cellSize = (cols: number): number => Math.max(16, Math.min(28, Math.floor(300 / cols)));

/**
 * Draw a GridWorld map by clicking cells, check it, and make datasets on it: a lecturer draws a maze in class and
 * trains IQL and BC on it. Every setting the map format has is reachable: the cell kinds and per-cell rewards by
 * clicking, size, slip and time limit by fields, the rest (kind rewards, action order) in the text form.
 */
export function GridEditor({ envId }: { envId: string }) {
  const draft = useGridEditor(draftOf(envId));
  const custom = useGridEditor((s) => customLayoutText(envId, s.drafts));
  const dataset = useLab(selectedDataset);
  const [brush, setBrush] = useState<Brush>('kind');
  const [reward, setReward] = useState(0.5);
  const [text, setText] = useState('');
  const [textError, setTextError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  useEffect(() => {
    if (draft) setText(formatLayout(draft));
    setTextError(null);
  }, [draft]);
  if (!draft) return null;

  const cols = draft.rows[0].length;
  const problems = gridProblems(draft);
  const datasetLayout = dataset?.envId === envId ? dataset.envOptions?.layout : undefined;
  const edit = (layout: GridLayout) => {
    setFieldError(null);
    editDraft(envId, layout);
  };
  const click = (r: number, c: number) => edit(brush === 'kind' ? setCell(draft, r, c, nextKind(draft.rows[r][c])) : toggleCellReward(draft, r, c, reward));
  const resize = (rows: number, columns: number) => {
    try {
      edit(resizeLayout(draft, rows, columns));
    } catch (e) {
      setFieldError(errorText(e));
    }
  };
  const applyText = (value: string) => {
    try {
      edit(parseLayout(value));
    } catch (e) {
      setTextError(errorText(e));
    }
  };

  return (
    <details className="subpanel grid-editor" data-testid="grid-editor">
      <summary>Edit the layout</summary>
      <p className="help">Click a cell to cycle it: {EDIT_KINDS.map((k) => k.name).join(' → ')}. Holes end the episode; a cliff sends the agent back to the start.</p>
      <div className="grid-fields">
        <label>
          rows <input type="number" min={1} max={MAX_EDIT_SIDE} value={draft.rows.length} onChange={(e) => resize(Math.floor(Number(e.target.value)), cols)} data-testid="grid-rows" />
        </label>
        <label>
          columns <input type="number" min={1} max={MAX_EDIT_SIDE} value={cols} onChange={(e) => resize(draft.rows.length, Math.floor(Number(e.target.value)))} data-testid="grid-cols" />
        </label>
        <label title="Probability that a move goes to one of the two perpendicular directions instead (half each).">
          slip <input type="number" min={0} max={1} step={0.05} value={draft.slip} onChange={(e) => edit({ ...draft, slip: Number(e.target.value) })} data-testid="grid-slip" />
        </label>
        <label title="Time limit: the episode is cut (truncated) after this many steps.">
          steps <input type="number" min={1} value={draft.maxSteps} onChange={(e) => edit({ ...draft, maxSteps: Math.floor(Number(e.target.value)) })} data-testid="grid-steps" />
        </label>
      </div>
      <div className="grid-brush" role="radiogroup" aria-label="what a click sets">
        <label>
          <input type="radio" checked={brush === 'kind'} onChange={() => setBrush('kind')} /> cell kind
        </label>
        <label title="Clicking a cell makes entering it pay this reward instead of its kind's; clicking again with the same value removes it.">
          <input type="radio" checked={brush === 'reward'} onChange={() => setBrush('reward')} data-testid="grid-brush-reward" /> reward on entering
          <input type="number" step={0.1} value={reward} onChange={(e) => setReward(Number(e.target.value))} disabled={brush !== 'reward'} aria-label="cell reward" />
        </label>
      </div>
      <div className="grid-cells" style={{ gridTemplateColumns: `repeat(${cols}, ${cellSize(cols)}px)`, gridAutoRows: `${cellSize(cols)}px` }} data-testid="grid-cells">
        {draft.rows.flatMap((row, r) =>
          [...row].map((ch, c) => {
            const own = draft.cellRewards[r * cols + c];
            const name = kindName(ch);
            return (
              <button
                key={`${r}-${c}`}
                className={`grid-cell kind-${name}`}
                onClick={() => click(r, c)}
                title={`row ${r}, column ${c}: ${name}${own !== undefined ? `, reward ${own} on entering` : ''}`}
                aria-label={`row ${r}, column ${c}: ${name}`}
                data-testid={`cell-${r}-${c}`}
                data-kind={ch}
              >
                {ch === '.' || ch === 'F' || ch === '#' ? '' : ch}
                {own !== undefined && <span className={`cell-reward${own < 0 ? ' negative' : ''}`}>{own > 0 ? `+${own}` : own}</span>}
              </button>
            );
          }),
        )}
      </div>
      {fieldError && <p className="error">{fieldError}</p>}
      {problems.length > 0 ? (
        <ul className="error grid-problems" data-testid="grid-problems">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : (
        <p className="help" data-testid="grid-ready">
          {custom !== undefined ? 'Ready: the preview and demo episodes above use this map.' : 'This is the registered map; change a cell to make your own.'}
        </p>
      )}
      <div className="grid-actions">
        <button className="small" onClick={() => resetDraft(envId)} data-testid="grid-reset">
          Reset to preset
        </button>
        {datasetLayout !== undefined && (
          <button className="small" onClick={() => applyText(datasetLayout)} title="The map of the dataset selected in the dataset panel" data-testid="grid-load-dataset">
            Load the selected dataset's map
          </button>
        )}
      </div>
      <details className="grid-text">
        <summary>As text (rewards, time limit, action order)</summary>
        <textarea value={text} rows={Math.min(14, text.split('\n').length + 1)} spellCheck={false} onChange={(e) => setText(e.target.value)} aria-label="layout as text" data-testid="grid-text" />
        <button className="small" onClick={() => applyText(text)} data-testid="grid-apply-text">
          Apply text
        </button>
        {textError && (
          <p className="error" data-testid="grid-text-error">
            {textError}
          </p>
        )}
      </details>
      <button className="primary" disabled={custom === undefined} onClick={() => void generateOnLayout(envId)} data-testid="grid-generate">
        Generate datasets on this layout
      </button>
      <p className="help">
        Makes random, medium and expert datasets here (the expert plans on this map by value iteration) and measures this map's own reference returns (random and expert policies, 100 episodes
        each), so the normalized score compares against this map, not {presetLayout(envId) ? `${envId}'s` : 'the registered one'}.
      </p>
    </details>
  );
}
