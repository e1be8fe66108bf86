// Measured mean returns, 100 seeded episodes (policies/evaluate.ts, bench/policies.bench.ts):
//   env                          random   medium   expert   D4RL ref min / max
//   PointMaze-Open-v1              2.59    37.63   113.34    0.01 / 20.66 (maze2d-open-v0)
//   PointMaze-Open-Dense-v1       35.05    63.89   120.95   11.18 / 27.17 (maze2d-open-dense-v0)
//   PointMaze-UMaze-v1            15.95    88.63   239.34   23.85 / 161.86
//   PointMaze-UMaze-Dense-v1      63.21   122.83   249.15   68.54 / 193.66
//   PointMaze-Medium-v1            9.17   157.66   466.97   13.13 / 277.39
//   PointMaze-Medium-Dense-v1     29.18   170.49   476.94   44.26 / 297.46
//   PointMaze-Large-v1             2.95   186.13   622.47    6.70 / 273.99
//   PointMaze-Large-Dense-v1      22.43   220.58   635.90   30.57 / 303.49
// This expert scores well above D4RL's REF_MAX (so normalised scores above 100 are possible, as published
// maze2d results also show). It is not the simulator: run in MuJoCo 3 with D4RL's model, this expert scored
// 240.5 on UMaze (here 239.3) and a D4RL-style waypoint controller 220.3.
import { cellOf, isWall, type MazeLayout, WALL_OFFSET } from '../envs/mazeLayout';
import { isPointMazeSpec } from '../envs/pointMaze';
import { getEnvSpec } from '../envs/registry';
import type { EnvSpec } from '../envs/types';
import { epsilonMix, randomPolicy } from './random';
import type { BehaviorPolicy, PolicyLevel } from './types';

// D4RL's WaypointController gains (d4rl/pointmaze/waypoint_controller.py): action = 10 (waypoint - x) - 1 v.
const P_GAIN = 10.0;
const D_GAIN = -1.0;
const NEIGHBOURS: readonly (readonly [number, number])[] = [
  [-1, 0],
  [1, 0],
  [0, -1],
  [0, 1],
];

/** Steps from every cell to the goal cell through open cells (breadth-first); -1 where unreachable. */
export function distancesToGoal(maze: MazeLayout): Int32Array[] {
  const dist = maze.rows.map((row) => new Int32Array(row.length).fill(-1));
  const [gi, gj] = maze.goal;
  dist[gi][gj] = 0;
  const queue: [number, number][] = [[gi, gj]];
  for (let h = 0; h < queue.length; h++) {
    const [i, j] = queue[h];
    for (const [di, dj] of NEIGHBOURS) {
      const [ni, nj] = [i + di, j + dj];
      if (!isWall(maze, ni, nj) && dist[ni][nj] < 0) {
        dist[ni][nj] = dist[i][j] + 1;
        queue.push([ni, nj]);
      }
    }
  }
  return dist;
}

/**
 * Expert: D4RL-style waypoint following. The path through the cells comes from a breadth-first search from
 * the goal (D4RL runs Q-iteration on the grid: the same shortest paths); the waypoint is the middle of the
 * next cell on the path (the goal point itself in the goal cell), steered to with D4RL's PD gains.
 */
export function pointMazeExpert(maze: MazeLayout): BehaviorPolicy {
  const dist = distancesToGoal(maze);
  return {
    id: 'expert',
    label: 'expert',
    act: (o) => {
      const [i, j] = cellOf(o[0], o[1]);
      let tx = maze.goal[0];
      let ty = maze.goal[1];
      const here = dist[i]?.[j] ?? -1;
      if (here > 0) {
        let best: [number, number] = [i, j];
        for (const [di, dj] of NEIGHBOURS) {
          const d = dist[i + di]?.[j + dj] ?? -1;
          if (d >= 0 && d < dist[best[0]][best[1]]) best = [i + di, j + dj];
        }
        [tx, ty] = best[0] === maze.goal[0] && best[1] === maze.goal[1] ? [tx, ty] : [best[0] + WALL_OFFSET, best[1] + WALL_OFFSET];
      }
      const ax = P_GAIN * (tx - o[0]) + D_GAIN * o[2];
      const ay = P_GAIN * (ty - o[1]) + D_GAIN * o[3];
      return Float32Array.of(Math.max(-1, Math.min(1, ax)), Math.max(-1, Math.min(1, ay)));
    },
  };
}

function mazeOf(envId: string, spec?: EnvSpec): MazeLayout {
  const s = spec ?? getEnvSpec(envId);
  if (!isPointMazeSpec(s)) throw new Error(`${envId}: not a PointMaze environment`);
  return s.maze;
}

// Share of random forces in the medium policy per maze (tuned so medium sits about a third of the way from
// random to expert; zero-mean random forces cancel out, so it takes a high share).
const MEDIUM_EPSILON: Record<string, number> = { open: 0.8, umaze: 0.88, medium: 0.86, large: 0.78 };
const DEFAULT_MEDIUM_EPSILON = 0.85;

export function pointMazePolicies(envId: string): PolicyLevel[] {
  const spec = getEnvSpec(envId);
  const actionSpace = spec.actionSpace;
  const eps = MEDIUM_EPSILON[isPointMazeSpec(spec) ? spec.maze.name : ''] ?? DEFAULT_MEDIUM_EPSILON;
  return [
    { id: 'random', label: 'random', description: 'uniform random forces', make: () => randomPolicy(actionSpace) },
    {
      id: 'medium',
      label: 'medium',
      description: `the waypoint controller, but a uniform random force ${Math.round(eps * 100)}% of the time`,
      make: (s) => epsilonMix(pointMazeExpert(mazeOf(envId, s)), randomPolicy(actionSpace), eps, 'medium', 'medium'),
    },
    { id: 'expert', label: 'expert', description: 'waypoints along the shortest cell path, PD steering (D4RL gains)', make: (s) => pointMazeExpert(mazeOf(envId, s)) },
  ];
}
