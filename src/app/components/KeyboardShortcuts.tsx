import { useEffect, useRef } from 'react';
import { useLab } from '../store/labStore';
import { pauseOrResumeCommand, startCommand, stepCommand } from '../store/runCommands';

/** The page's shortcuts: single keys, as in video players and TensorFlow Playground's successors. */
export const SHORTCUTS: { key: string; label: string; does: string }[] = [
  { key: 's', label: 'S', does: 'Start new runs of the chosen dataset, algorithm and settings' },
  { key: 'p', label: 'P', does: 'Pause the focused run, or resume it' },
  { key: 'n', label: 'N', does: 'Step the paused run by one update' },
  { key: 'f', label: 'F', does: 'Presentation mode on or off (large text, thick lines, fewer panels)' },
  { key: '?', label: '?', does: 'Show these shortcuts' },
];

/** Typing in these must never trigger a shortcut (a select takes letters to jump to an option). */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (!(target instanceof HTMLInputElement)) return false;
  return !['range', 'checkbox', 'radio', 'button', 'submit', 'reset', 'color', 'file'].includes(target.type);
}

export const togglePresentation = () => useLab.setState((s) => ({ presentation: !s.presentation }));

/**
 * The keyboard shortcuts (listened for on the whole page, never while typing in a field or with a modifier held)
 * and their help: a button in the header and a modal dialog that `?` opens and Escape closes, giving the focus
 * back where it was.
 */
export function KeyboardShortcuts() {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || isTyping(e.target)) return;
      if (dialog.current?.open) return;
      const action: Record<string, () => void> = {
        s: startCommand,
        p: pauseOrResumeCommand,
        n: () => stepCommand(1),
        f: togglePresentation,
        '?': () => dialog.current?.showModal(),
      };
      const run = Object.hasOwn(action, e.key.toLowerCase()) ? action[e.key.toLowerCase()] : undefined;
      if (!run) return;
      e.preventDefault();
      run();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <>
      <button className="header-button" onClick={() => dialog.current?.showModal()} aria-keyshortcuts="?" aria-haspopup="dialog" data-testid="shortcuts-open">
        Keys <kbd>?</kbd>
      </button>
      <dialog ref={dialog} className="shortcuts" aria-labelledby="shortcuts-title" data-testid="shortcuts-dialog">
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <table>
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.key}>
                <th scope="row">
                  <kbd>{s.label}</kbd>
                </th>
                <td>{s.does}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="help">
          Shortcuts do nothing while you type in a field. Tab and Shift+Tab move between controls; on a slider the arrow keys move one notch
          (PageUp and PageDown ten, Home and End to the ends), and the value is set when the key is released.
        </p>
        <form method="dialog">
          <button autoFocus data-testid="shortcuts-close">
            Close
          </button>
        </form>
      </dialog>
    </>
  );
}
