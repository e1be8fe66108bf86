import { loadMujoco } from '../../core/envs/mujoco/loadMujoco';
import { geomPosesAt } from '../../core/envs/mujoco/poses';
import { ACTION, clear, DANGER, groundLine, INK, label, MUTED, readout, roomy } from './draw';
import type { SceneRenderer } from './types';

const CAPSULE = 3;
const SPHERE = 2;
/** Metres of ground shown across the canvas; the camera follows the torso (qpos[0]). */
const VIEW_WIDTH_M = 4.2;
const GROUND_SHARE = 0.8; // the ground line sits this far down the canvas

/**
 * Side view (x right, z up) of a planar MuJoCo robot at a recorded state: every capsule where MuJoCo's forward
 * kinematics puts it (geom_xpos, geom_xmat, geom_size, geom_rgba of the very model that was simulated), a camera
 * that follows the torso, the ground with a mark every metre, and each actuated joint's control as an arc
 * (blue one way, red the other, its sweep the torque's share of the actuator's range).
 */
export const drawLocomotion =
  (envId: string): SceneRenderer =>
  (ctx, state, { width, height, action }) => {
    clear(ctx, width, height);
    const poses = geomPosesAt(envId, state);
    if (!poses) {
      label(ctx, 'loading MuJoCo…', width / 2, height / 2, { align: 'center', colour: MUTED });
      void loadMujoco();
      return;
    }
    const scale = width / VIEW_WIDTH_M;
    const camX = state[0];
    const groundY = height * GROUND_SHARE;
    const X = (x: number) => width / 2 + (x - camX) * scale;
    const Y = (z: number) => groundY - z * scale;

    // Sky-less ground: a band below the line, a tick every half metre and a labelled mark every metre.
    ctx.save();
    ctx.fillStyle = '#eef2e6';
    ctx.fillRect(0, groundY, width, height - groundY);
    groundLine(ctx, groundY, width);
    ctx.strokeStyle = '#9ca3af';
    ctx.lineWidth = 1;
    const first = Math.floor((camX - VIEW_WIDTH_M / 2) * 2) / 2;
    for (let m = first; m <= camX + VIEW_WIDTH_M / 2 + 0.5; m += 0.5) {
      const whole = Math.abs(m - Math.round(m)) < 1e-9;
      ctx.beginPath();
      ctx.moveTo(X(m), groundY);
      ctx.lineTo(X(m), groundY + (whole ? 9 : 4));
      ctx.stroke();
      if (whole) label(ctx, `${Math.round(m)} m`, X(m), groundY + 22, { align: 'center', size: 11, colour: MUTED });
    }
    ctx.restore();

    // Capsules (and spheres) in the x-z plane: a capsule's axis is its frame's local z, the third column of xmat.
    ctx.save();
    ctx.lineCap = 'round';
    const n = poses.type.length;
    for (let g = 0; g < n; g++) {
      const type = poses.type[g];
      if (type !== CAPSULE && type !== SPHERE) continue;
      const [px, , pz] = poses.xpos.subarray(3 * g, 3 * g + 3);
      const radius = poses.size[3 * g];
      const half = type === CAPSULE ? poses.size[3 * g + 1] : 0;
      const ax = poses.xmat[9 * g + 2];
      const az = poses.xmat[9 * g + 8];
      const [r, gr, b] = poses.rgba.subarray(4 * g, 4 * g + 3);
      ctx.strokeStyle = `rgb(${Math.round(r * 255)}, ${Math.round(gr * 255)}, ${Math.round(b * 255)})`;
      ctx.lineWidth = Math.max(2, 2 * radius * scale);
      ctx.beginPath();
      ctx.moveTo(X(px - half * ax), Y(pz - half * az));
      ctx.lineTo(X(px + half * ax) + (half === 0 ? 0.01 : 0), Y(pz + half * az));
      ctx.stroke();
    }
    ctx.restore();

    // Each actuator's control at its joint.
    const nu = poses.actuatorAnchors.length / 3;
    for (let i = 0; i < nu; i++) {
      const x = X(poses.actuatorAnchors[3 * i]);
      const y = Y(poses.actuatorAnchors[3 * i + 2]);
      ctx.save();
      ctx.fillStyle = INK;
      ctx.beginPath();
      ctx.arc(x, y, 3, 0, 2 * Math.PI);
      ctx.fill();
      const u = action && i < action.length ? Math.max(-1, Math.min(1, action[i])) : 0;
      if (u !== 0) {
        ctx.strokeStyle = u > 0 ? ACTION : DANGER;
        ctx.lineWidth = 3;
        ctx.beginPath();
        ctx.arc(x, y, 11, -Math.PI / 2, -Math.PI / 2 + u * Math.PI, u < 0);
        ctx.stroke();
      }
      ctx.restore();
    }

    if (roomy(width)) {
      // The torso is the first geom after the floor; HalfCheetah's qpos[1] is a slide offset, not a height.
      const torso = Array.from(poses.type).findIndex((t) => t === CAPSULE || t === SPHERE);
      readout(ctx, [`x ${state[0].toFixed(2)} m`, `torso height ${poses.xpos[3 * torso + 2].toFixed(2)} m`, `torso angle ${state[2].toFixed(2)} rad`], 10, 10);
      label(ctx, 'arcs: torque per joint (blue +, red −)', width - 10, 20, { align: 'right', size: 11, colour: MUTED });
    }
  };
