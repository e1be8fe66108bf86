import { isGridWorldSpec } from '../../core/envs/gridWorld';
import { isMujocoEnvId } from '../../core/envs/mujoco/locomotionEnvs';
import { isPointMazeSpec } from '../../core/envs/pointMaze';
import type { Space } from '../../core/envs/spaces';
import type { EnvSpec } from '../../core/envs/types';
import { formatNumber } from '../render/colormap';

export interface EnvGroup {
  label: string;
  envs: EnvSpec[];
}

/** The environment list as the select shows it: classic control, grid worlds, point mazes, MuJoCo locomotion. */
export function groupEnvs(specs: readonly EnvSpec[]): EnvGroup[] {
  const groups: EnvGroup[] = [
    { label: 'Classic control', envs: [] },
    { label: 'Grid worlds', envs: [] },
    { label: 'Point mazes', envs: [] },
    { label: 'MuJoCo locomotion', envs: [] },
  ];
  for (const spec of specs) groups[isGridWorldSpec(spec) ? 1 : isPointMazeSpec(spec) ? 2 : isMujocoEnvId(spec.id) ? 3 : 0].envs.push(spec);
  return groups.filter((g) => g.envs.length > 0);
}

function bound(v: number): string {
  if (Math.abs(v) > 1e30) return v < 0 ? '−∞' : '∞';
  return formatNumber(v).replace('-', '−');
}

/** "Discrete(3)" or "Box(2) in [−1, 1]" (per-dimension ranges are listed separately). */
export function spaceSummary(space: Space): string {
  if (space.kind === 'discrete') return `Discrete(${space.n})`;
  const lows = new Set(Array.from(space.low));
  const highs = new Set(Array.from(space.high));
  const same = lows.size === 1 && highs.size === 1;
  return `Box(${space.shape.join(', ')})${same ? ` in [${bound(space.low[0])}, ${bound(space.high[0])}]` : ''}`;
}

/** One line per dimension: its label and range ("cart velocity [−∞, ∞]"), or per discrete action its index and label. */
export function spaceRows(space: Space, labels: readonly string[]): string[] {
  if (space.kind === 'discrete') return Array.from({ length: space.n }, (_, i) => `${i}: ${labels[i] ?? `action ${i}`}`);
  return Array.from(space.low, (lo, i) => `${labels[i] ?? `dim ${i}`} [${bound(lo)}, ${bound(space.high[i])}]`);
}
