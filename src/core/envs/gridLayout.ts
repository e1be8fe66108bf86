/**
 * Layouts for the tabular GridWorld: the map, slip, rewards, action order and time limit, a text format
 * that round-trips (for the URL and an editor), and the presets (Gymnasium's FrozenLake maps and
 * CliffWalking, and a small teaching grid).
 *
 * Map characters: S start (several: uniform start), G goal (ends the episode), H hole / pit (ends the
 * episode), C cliff (back to the first start, episode goes on), # wall (cannot be entered), . or F free.
 *
 * Text format: the map rows, then optional `key: value` lines:
 *   slip: 0.2            probability of moving perpendicular to the intended direction (half each side)
 *   step: -0.04          reward for entering a free or start cell (bumping into a wall or the edge = entering your own cell)
 *   goal: 1              reward for entering a goal
 *   hole: -1             reward for entering a hole
 *   cliff: -100          reward for stepping onto a cliff cell
 *   steps: 100           time limit (truncation)
 *   actions: up right down left   direction of each action index, a cyclic order (a±1 are perpendicular)
 *   reward 2,3: 0.5      reward for entering cell (row 2, column 3), overriding its kind's reward
 */

export type Direction = 'up' | 'right' | 'down' | 'left';

export interface GridRewards {
  readonly step: number;
  readonly goal: number;
  readonly hole: number;
  readonly cliff: number;
}

export interface GridLayout {
  readonly rows: readonly string[];
  readonly slip: number;
  readonly rewards: GridRewards;
  /** Rewards for entering particular cells (key: row * columns + column), overriding the kind's reward. */
  readonly cellRewards: Readonly<Record<number, number>>;
  /** Direction of each action index; Gymnasium's FrozenLake is left, down, right, up and CliffWalking up, right, down, left. */
  readonly actions: readonly Direction[];
  readonly maxSteps: number;
}

export const CELL_CHARS = 'SGHC#.F';
export const DIRECTION_DELTA: Record<Direction, readonly [number, number]> = {
  up: [-1, 0],
  right: [0, 1],
  down: [1, 0],
  left: [0, -1],
};
const DIRECTIONS: readonly Direction[] = ['up', 'right', 'down', 'left'];
const DEFAULT_REWARDS: GridRewards = { step: 0, goal: 1, hole: 0, cliff: -100 };
const DEFAULT_ACTIONS: readonly Direction[] = ['up', 'right', 'down', 'left'];
const MAX_CELLS = 10_000;

/** Checks a layout and throws a message naming the problem. */
export function validateLayout(layout: GridLayout): GridLayout {
  const { rows } = layout;
  if (rows.length === 0) throw new Error('Grid layout: the map has no rows');
  const cols = rows[0].length;
  if (cols === 0) throw new Error('Grid layout: the first row is empty');
  if (rows.length * cols > MAX_CELLS) throw new Error(`Grid layout: at most ${MAX_CELLS} cells, got ${rows.length * cols}`);
  rows.forEach((row, r) => {
    if (row.length !== cols) throw new Error(`Grid layout: row ${r} has ${row.length} cells, expected ${cols} like row 0`);
    for (let c = 0; c < row.length; c++) {
      if (!CELL_CHARS.includes(row[c])) throw new Error(`Grid layout: unknown cell "${row[c]}" at row ${r}, column ${c} (use ${CELL_CHARS.split('').join(' ')})`);
    }
  });
  if (!rows.some((row) => row.includes('S'))) throw new Error('Grid layout: the map needs a start cell S');
  if (!(layout.slip >= 0 && layout.slip <= 1)) throw new Error(`Grid layout: slip must be in [0, 1], got ${layout.slip}`);
  for (const [key, v] of Object.entries(layout.rewards)) {
    if (!Number.isFinite(v)) throw new Error(`Grid layout: reward "${key}" must be a finite number, got ${v}`);
  }
  for (const [key, v] of Object.entries(layout.cellRewards)) {
    const cell = Number(key);
    if (!Number.isInteger(cell) || cell < 0 || cell >= rows.length * cols) throw new Error(`Grid layout: cell reward for cell ${key} is outside the map`);
    if (!Number.isFinite(v)) throw new Error(`Grid layout: cell reward for cell ${key} must be a finite number, got ${v}`);
  }
  const acts = layout.actions;
  if (acts.length !== 4 || new Set(acts).size !== 4 || acts.some((a) => !DIRECTIONS.includes(a))) {
    throw new Error(`Grid layout: actions must name each of up, right, down, left once, got "${acts.join(' ')}"`);
  }
  for (let i = 0; i < 4; i++) {
    const [a, b] = [DIRECTION_DELTA[acts[i]], DIRECTION_DELTA[acts[(i + 1) % 4]]];
    if (a[0] * b[0] + a[1] * b[1] !== 0) throw new Error(`Grid layout: actions must go round (each perpendicular to the next), got "${acts.join(' ')}"`);
  }
  if (!Number.isInteger(layout.maxSteps) || layout.maxSteps < 1) throw new Error(`Grid layout: steps must be a positive integer, got ${layout.maxSteps}`);
  return layout;
}

function parseNumber(text: string, what: string, line: number): number {
  const v = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(v)) throw new Error(`Grid layout line ${line + 1}: ${what} must be a number, got "${text.trim()}"`);
  return v;
}

/** Parses the text format (see the file comment). */
export function parseLayout(text: string): GridLayout {
  const rows: string[] = [];
  let slip = 0;
  let maxSteps = 100;
  let actions: Direction[] = [...DEFAULT_ACTIONS];
  const rewards: { -readonly [K in keyof GridRewards]: GridRewards[K] } = { ...DEFAULT_REWARDS };
  const cellRewards: Record<number, number> = {};
  const pendingCells: { r: number; c: number; v: number; line: number }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const colon = line.indexOf(':');
    if (colon < 0) {
      rows.push(line);
      return;
    }
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1);
    const cell = /^reward\s+(\d+)\s*,\s*(\d+)$/.exec(key);
    if (cell) pendingCells.push({ r: Number(cell[1]), c: Number(cell[2]), v: parseNumber(value, `reward ${cell[1]},${cell[2]}`, i), line: i });
    else if (key === 'slip') slip = parseNumber(value, 'slip', i);
    else if (key === 'steps') maxSteps = parseNumber(value, 'steps', i);
    else if (key === 'actions') actions = value.trim().toLowerCase().split(/[\s,]+/) as Direction[];
    else if (key === 'step' || key === 'goal' || key === 'hole' || key === 'cliff') rewards[key] = parseNumber(value, key, i);
    else throw new Error(`Grid layout line ${i + 1}: unknown setting "${key}" (known: slip, step, goal, hole, cliff, steps, actions, reward r,c)`);
  });
  const cols = rows.length > 0 ? rows[0].length : 0;
  for (const p of pendingCells) {
    if (p.r >= rows.length || p.c >= cols) throw new Error(`Grid layout line ${p.line + 1}: cell ${p.r},${p.c} is outside the ${rows.length}x${cols} map`);
    cellRewards[p.r * cols + p.c] = p.v;
  }
  return validateLayout({ rows, slip, rewards, cellRewards, actions, maxSteps });
}

/** The text form of a layout; parseLayout(formatLayout(l)) gives l back. */
export function formatLayout(layout: GridLayout): string {
  const cols = layout.rows[0].length;
  const lines = [...layout.rows];
  lines.push(`slip: ${layout.slip}`, `step: ${layout.rewards.step}`, `goal: ${layout.rewards.goal}`, `hole: ${layout.rewards.hole}`, `cliff: ${layout.rewards.cliff}`);
  lines.push(`steps: ${layout.maxSteps}`, `actions: ${layout.actions.join(' ')}`);
  for (const [key, v] of Object.entries(layout.cellRewards)) {
    const cell = Number(key);
    lines.push(`reward ${Math.floor(cell / cols)},${cell % cols}: ${v}`);
  }
  return lines.join('\n');
}

// Gymnasium FrozenLake (toy_text/frozen_lake.py): MAPS, is_slippery with success_rate 1/3 (so 2/3 slip,
// 1/3 to each side), reward_schedule (1, 0, 0), actions LEFT=0 DOWN=1 RIGHT=2 UP=3, limits 100 / 200.
const FROZEN_LAKE_ACTIONS: readonly Direction[] = ['left', 'down', 'right', 'up'];
const FROZEN_LAKE_REWARDS: GridRewards = { step: 0, goal: 1, hole: 0, cliff: 0 };

export const FROZEN_LAKE_4X4: GridLayout = {
  rows: ['SFFF', 'FHFH', 'FFFH', 'HFFG'],
  slip: 2 / 3,
  rewards: FROZEN_LAKE_REWARDS,
  cellRewards: {},
  actions: FROZEN_LAKE_ACTIONS,
  maxSteps: 100,
};

export const FROZEN_LAKE_8X8: GridLayout = {
  rows: ['SFFFFFFF', 'FFFFFFFF', 'FFFHFFFF', 'FFFFFHFF', 'FFFHFFFF', 'FHHFFFHF', 'FHFFHFHF', 'FFFHFFFG'],
  slip: 2 / 3,
  rewards: FROZEN_LAKE_REWARDS,
  cellRewards: {},
  actions: FROZEN_LAKE_ACTIONS,
  maxSteps: 200,
};

// Gymnasium CliffWalking-v1 (toy_text/cliffwalking.py): 4x12, start (3, 0), goal (3, 11), cliff (3, 1..10),
// -1 per step (entering the goal too), -100 and back to start on the cliff, actions UP=0 RIGHT=1 DOWN=2 LEFT=3.
// Gymnasium sets no time limit; the lab truncates at 200 steps so random rollouts end.
export const CLIFF_WALKING: GridLayout = {
  rows: ['............', '............', '............', 'SCCCCCCCCCCG'],
  slip: 0,
  rewards: { step: -1, goal: -1, hole: 0, cliff: -100 },
  cellRewards: {},
  actions: ['up', 'right', 'down', 'left'],
  maxSteps: 200,
};

/**
 * A small teaching grid: a short path to the goal along a row of pits, and a longer safe path round the wall.
 * With slip 0 the short path is optimal; with the default slip 0.2 the safe one is.
 */
export const TEACHING_GRID: GridLayout = {
  rows: ['........', '.######.', 'S......G', '.HHHHHH.'],
  slip: 0.2,
  rewards: { step: -0.04, goal: 1, hole: -1, cliff: -100 },
  cellRewards: {},
  actions: ['up', 'right', 'down', 'left'],
  maxSteps: 100,
};
