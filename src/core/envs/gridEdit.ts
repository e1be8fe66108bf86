import { type GridLayout, validateLayout } from './gridLayout';

/**
 * Editing a GridWorld layout cell by cell (the page's layout editor) and saying what is wrong with a draft.
 * Drafts may be invalid while they are drawn (no start yet), so these work on GridLayout values without
 * validating; gridProblems() names every problem before the draft is used.
 */

/** The kinds a click cycles through, in order, with the names the editor shows. ('F' is the same as '.'.) */
export const EDIT_KINDS: readonly { ch: string; name: string }[] = [
  { ch: '.', name: 'open' },
  { ch: '#', name: 'wall' },
  { ch: 'S', name: 'start' },
  { ch: 'G', name: 'goal' },
  { ch: 'H', name: 'hole' },
  { ch: 'C', name: 'cliff' },
];

/** Editor limits: a grid a class can see and click. */
export const MAX_EDIT_SIDE = 16;

const kindIndex = (ch: string): number => Math.max(0, EDIT_KINDS.findIndex((k) => k.ch === (ch === 'F' ? '.' : ch)));

/** The kind after `ch` in the click cycle. */
export function nextKind(ch: string): string {
  return EDIT_KINDS[(kindIndex(ch) + 1) % EDIT_KINDS.length].ch;
}

export const kindName = (ch: string): string => EDIT_KINDS[kindIndex(ch)].name;

/** The layout with cell (row, col) set to `ch`; a wall loses its own reward (walls are never entered). */
export function setCell(layout: GridLayout, row: number, col: number, ch: string): GridLayout {
  const rows = layout.rows.map((r, i) => (i === row ? r.slice(0, col) + ch + r.slice(col + 1) : r));
  const cell = row * layout.rows[0].length + col;
  if (ch !== '#' || layout.cellRewards[cell] === undefined) return { ...layout, rows };
  const { [cell]: _gone, ...cellRewards } = layout.cellRewards;
  return { ...layout, rows, cellRewards };
}

/** The layout with cell (row, col) paying `reward` on entry, or its kind's reward again when it already pays that. */
export function toggleCellReward(layout: GridLayout, row: number, col: number, reward: number): GridLayout {
  const cell = row * layout.rows[0].length + col;
  if (layout.rows[row][col] === '#') return layout;
  const { [cell]: old, ...rest } = layout.cellRewards;
  return { ...layout, cellRewards: old === reward ? rest : { ...rest, [cell]: reward } };
}

/** The layout cut or padded (with open cells) to rows × cols; cell rewards keep their (row, column). */
export function resizeLayout(layout: GridLayout, rows: number, cols: number): GridLayout {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1 || rows > MAX_EDIT_SIDE || cols > MAX_EDIT_SIDE) {
    throw new Error(`rows and columns must be whole numbers from 1 to ${MAX_EDIT_SIDE}, got ${rows} × ${cols}`);
  }
  const oldCols = layout.rows[0].length;
  const next = Array.from({ length: rows }, (_, r) => (layout.rows[r] ?? '').slice(0, cols).padEnd(cols, '.'));
  const cellRewards: Record<number, number> = {};
  for (const [key, v] of Object.entries(layout.cellRewards)) {
    const r = Math.floor(Number(key) / oldCols);
    const c = Number(key) % oldCols;
    if (r < rows && c < cols) cellRewards[r * cols + c] = v;
  }
  return { ...layout, rows: next, cellRewards };
}

const at = (layout: GridLayout, cell: number): string => layout.rows[Math.floor(cell / layout.rows[0].length)][cell % layout.rows[0].length];

/**
 * Cells from which some goal can be reached by moves between neighbours (breadth-first, backwards from the goals).
 * Walls are never entered, and holes (the episode ends) and cliffs (back to the start) are entered but never
 * left, so no path goes on through them. Slip only changes which neighbour a move reaches, not what is reachable.
 */
export function cellsReachingGoal(layout: GridLayout): Set<number> {
  const nRows = layout.rows.length;
  const nCols = layout.rows[0].length;
  const seen = new Set<number>();
  const queue: number[] = [];
  for (let s = 0; s < nRows * nCols; s++) {
    if (at(layout, s) === 'G') {
      seen.add(s);
      queue.push(s);
    }
  }
  for (let k = 0; k < queue.length; k++) {
    const t = queue[k];
    const r = Math.floor(t / nCols);
    const c = t % nCols;
    for (const [dr, dc] of [[-1, 0], [0, 1], [1, 0], [0, -1]]) {
      const rr = r + dr;
      const cc = c + dc;
      if (rr < 0 || rr >= nRows || cc < 0 || cc >= nCols) continue;
      const s = rr * nCols + cc;
      // s can step into t only if s is a cell one can move on from.
      if (!seen.has(s) && !'#GHC'.includes(at(layout, s))) {
        seen.add(s);
        queue.push(s);
      }
    }
  }
  return seen;
}

/**
 * Everything that stops a drawn grid from being a useful environment, each naming the problem: the format's own
 * errors (validateLayout: no start, bad slip, ...), no goal, and a goal no start can reach. Empty: ready to use.
 */
export function gridProblems(layout: GridLayout): string[] {
  const problems: string[] = [];
  try {
    validateLayout(layout);
  } catch (e) {
    problems.push(e instanceof Error ? e.message : String(e));
  }
  const cells = layout.rows.join('');
  if (!cells.includes('G')) problems.push('Grid layout: the map needs a goal cell G (without one, episodes end only at the time limit)');
  if (problems.length) return problems;
  const reaching = cellsReachingGoal(layout);
  const cols = layout.rows[0].length;
  const stuck = [...cells].flatMap((ch, i) => (ch === 'S' && !reaching.has(i) ? [`row ${Math.floor(i / cols)}, column ${i % cols}`] : []));
  if (stuck.length === 0) return [];
  return [`Grid layout: the goal cannot be reached from the start at ${stuck.join('; ')}: walls, holes or cliffs cut every path`];
}
