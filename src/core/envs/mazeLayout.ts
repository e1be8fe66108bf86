/**
 * D4RL maze2d layouts (d4rl/pointmaze/maze_model.py) and their geometry.
 *
 * Rows are D4RL's strings top to bottom: '#' wall, 'O' open, 'G' goal. D4RL's coordinates are kept so its
 * datasets and this lab agree: cell (row i, column j) is the point (x = i, y = j). In MuJoCo the wall box of
 * cell (i, j) sits at (i + 1, j + 1) while the ball's body starts at (1.2, 1.2), so in observation (qpos)
 * coordinates a wall cell is the square of half size 0.5 centred at (i - 0.2, j - 0.2); a ball at its cell's
 * index point is 0.2 off the square's centre (the D4RL layout's quirk, kept on purpose).
 */

export interface MazeLayout {
  readonly name: string;
  readonly rows: readonly string[];
  /** Goal cell [i, j]; the goal point is (x = i, y = j). */
  readonly goal: readonly [number, number];
}

/** Offset of a wall square's centre from its cell index, in observation coordinates. */
export const WALL_OFFSET = -0.2;
export const WALL_HALF_SIZE = 0.5;

export const U_MAZE: MazeLayout = layoutFromRows('umaze', ['#####', '#GOO#', '###O#', '#OOO#', '#####']);
export const MEDIUM_MAZE: MazeLayout = layoutFromRows('medium', [
  '########',
  '#OO##OO#',
  '#OO#OOO#',
  '##OOO###',
  '#OO#OOO#',
  '#O#OO#O#',
  '#OOO#OG#',
  '########',
]);
export const LARGE_MAZE: MazeLayout = layoutFromRows('large', [
  '############',
  '#OOOO#OOOOO#',
  '#O##O#O#O#O#',
  '#OOOOOO#OOO#',
  '#O####O###O#',
  '#OO#O#OOOOO#',
  '##O#O#O#O###',
  '#OO#OOO#OGO#',
  '############',
]);
export const OPEN_MAZE: MazeLayout = layoutFromRows('open', ['#######', '#OOOOO#', '#OOGOO#', '#OOOOO#', '#######']);

export function isWall(maze: MazeLayout, i: number, j: number): boolean {
  const row = maze.rows[i];
  return row === undefined || j < 0 || j >= row.length || row[j] === '#';
}

/** The cell whose wall square would contain (x, y). */
export function cellOf(x: number, y: number): [number, number] {
  return [Math.round(x - WALL_OFFSET), Math.round(y - WALL_OFFSET)];
}

/** Open and goal cells in D4RL's order (empty cells sorted, then the goal): the reset locations. */
export function resetCells(maze: MazeLayout): [number, number][] {
  const cells: [number, number][] = [];
  maze.rows.forEach((row, i) => {
    for (let j = 0; j < row.length; j++) if (row[j] === 'O') cells.push([i, j]);
  });
  maze.rows.forEach((row, i) => {
    for (let j = 0; j < row.length; j++) if (row[j] === 'G') cells.push([i, j]);
  });
  return cells;
}

function layoutFromRows(name: string, rows: string[]): MazeLayout {
  if (rows.length < 3) throw new Error(`Maze "${name}": needs at least 3 rows`);
  const w = rows[0].length;
  let goal: [number, number] | null = null;
  let firstOpen: [number, number] | null = null;
  rows.forEach((row, i) => {
    if (row.length !== w) throw new Error(`Maze "${name}": row ${i} has ${row.length} cells, expected ${w}`);
    for (let j = 0; j < w; j++) {
      const ch = row[j];
      if (ch !== '#' && ch !== 'O' && ch !== 'G') throw new Error(`Maze "${name}": unknown cell "${ch}" at row ${i}, column ${j} (use # O G)`);
      const border = i === 0 || j === 0 || i === rows.length - 1 || j === w - 1;
      if (border && ch !== '#') throw new Error(`Maze "${name}": the border must be wall, found "${ch}" at row ${i}, column ${j}`);
      if (ch === 'G') {
        if (goal) throw new Error(`Maze "${name}": more than one goal G`);
        goal = [i, j];
      }
      if (ch === 'O' && !firstOpen) firstOpen = [i, j];
    }
  });
  // D4RL: without a G the first empty cell is the target.
  const target = goal ?? firstOpen;
  if (!target) throw new Error(`Maze "${name}": no open cell`);
  return { name, rows, goal: target };
}

/** Parses a maze from text: rows split by newlines or D4RL's backslashes; ' ', '0' and '.' also mean open. */
export function parseMaze(text: string, name = 'custom'): MazeLayout {
  const rows = text
    .split(/\r?\n|\\/)
    .map((r) => r.trim().replace(/[ 0.]/g, 'O'))
    .filter((r) => r.length > 0);
  return layoutFromRows(name, rows);
}
