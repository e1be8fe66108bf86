import { Rng } from '../../rng';
import type { BoxSpace } from '../spaces';
import type { Action, Env, EnvSpec, StepResult } from '../types';
import { mujocoModule, type Mujoco } from './loadMujoco';

/**
 * Gymnasium 1.3.0's MuJoCo v5 locomotion contract (gymnasium/envs/mujoco/{hopper,walker2d,half_cheetah}_v5.py
 * and mujoco_env.py), on the official MuJoCo wasm bindings:
 * - reset: mj_resetData, qpos = init_qpos + U(-s, s); qvel = U(-s, s) (Hopper, Walker2d) or s·N(0, 1)
 *   (HalfCheetah); then mj_forward (MujocoEnv.set_state).
 * - step: ctrl = action (MuJoCo clamps it to ctrlrange), mj_step × frame_skip; x_velocity = Δqpos[0] / dt;
 *   reward = w_forward·x_velocity + healthy_reward·is_healthy − w_ctrl·Σ action² (the action as given, unclipped);
 *   terminated = not is_healthy (Hopper, Walker2d; HalfCheetah never terminates).
 * - observation: qpos[1:] then qvel, qvel clipped to ±10 where Gymnasium clips (Hopper, Walker2d).
 * Gymnasium also calls mj_rnePostConstraint after stepping; it only fills cacc/cfrc_*, which these envs never
 * read, so it is left out.
 */
export interface LocomotionConfig {
  readonly spec: EnvSpec;
  readonly xml: string;
  readonly frameSkip: number;
  /** The model's option timestep (checked against the compiled model); dt = timestep × frameSkip. */
  readonly timestep: number;
  readonly forwardRewardWeight: number;
  readonly ctrlCostWeight: number;
  /** Paid on each healthy step; 0 (and never terminating) for HalfCheetah. */
  readonly healthyReward: number;
  /** Gymnasium's is_healthy from qpos and qvel; absent: always healthy and never terminates. */
  readonly isHealthy?: (qpos: Float64Array, qvel: Float64Array) => boolean;
  /** Observation clip of qvel (±value), where Gymnasium clips. */
  readonly velocityClip?: number;
  readonly resetNoiseScale: number;
  readonly velocityResetNoise: 'uniform' | 'normal';
}

/** The part of a MuJoCo model and its data a renderer reads: geoms' world poses after the last step. */
export interface GeomPoses {
  /** ngeom × 3 world positions. */
  xpos: Float64Array;
  /** ngeom × 9 rotation matrices (row-major). */
  xmat: Float64Array;
  /** ngeom × 3 sizes (capsule: radius, half-length). */
  size: Float64Array;
  /** mjtGeom per geom (2 sphere, 3 capsule, 0 plane, ...). */
  type: Int32Array;
  /** ngeom × 4 colours from the model. */
  rgba: Float32Array;
  /** nu × 3 world positions of each actuator's joint anchor (where its torque acts). */
  actuatorAnchors: Float64Array;
}

type MjModel = ReturnType<Mujoco['MjModel']['from_xml_string']>;

// One compiled model per robot and thread, kept like the module itself: compiling an XML costs about 45 ms
// (mostly its renderer textures), copying a compiled model 0.5 ms. Each env owns a copy and frees it.
const compiled = new Map<string, MjModel>();

function compile(mj: Mujoco, xml: string): MjModel {
  let model = compiled.get(xml);
  if (!model) {
    model = mj.MjModel.from_xml_string(xml);
    compiled.set(xml, model);
  }
  return model;
}

export class MujocoLocomotionEnv implements Env {
  readonly spec: EnvSpec;
  readonly dt: number;
  private readonly mj: Mujoco;
  private model: MjModel | null;
  private data: InstanceType<Mujoco['MjData']> | null;
  private readonly nq: number;
  private readonly nv: number;
  private readonly nu: number;
  private readonly initQpos: Float64Array;
  private readonly initQvel: Float64Array;
  private readonly rng = new Rng();

  constructor(readonly config: LocomotionConfig) {
    this.spec = config.spec;
    this.mj = mujocoModule();
    const model = new this.mj.MjModel(compile(this.mj, config.xml));
    this.model = model;
    this.data = new this.mj.MjData(model);
    this.nq = model.nq;
    this.nv = model.nv;
    this.nu = model.nu;
    this.dt = model.opt.timestep * config.frameSkip;
    // MujocoEnv: init_qpos/init_qvel are the fresh MjData's qpos (model.qpos0) and qvel.
    this.initQpos = Float64Array.from(this.live().qpos);
    this.initQvel = Float64Array.from(this.live().qvel);
    const obsDim = (this.spec.observationSpace as BoxSpace).shape[0];
    if (model.opt.timestep !== config.timestep) {
      this.dispose();
      throw new Error(`${this.spec.id}: the model's timestep is ${model.opt.timestep}, the config says ${config.timestep}`);
    }
    if (obsDim !== this.nq - 1 + this.nv || (this.spec.actionSpace as BoxSpace).shape[0] !== this.nu) {
      this.dispose();
      throw new Error(`${this.spec.id}: the model has nq ${this.nq}, nv ${this.nv}, nu ${this.nu}, which does not fit the spec`);
    }
  }

  /** Fresh views of the wasm arrays: a view goes stale when the heap grows, so they are never kept. */
  private live(): { qpos: Float64Array; qvel: Float64Array; ctrl: Float64Array } {
    const data = this.data;
    if (!data || !this.model) throw new Error(`${this.spec.id}: the environment was disposed`);
    return { qpos: data.qpos as Float64Array, qvel: data.qvel as Float64Array, ctrl: data.ctrl as Float64Array };
  }

  reset(seed?: number): Float32Array {
    if (seed !== undefined) this.rng.seed(seed);
    const { resetNoiseScale: s, velocityResetNoise } = this.config;
    this.mj.mj_resetData(this.model!, this.data!);
    const { qpos, qvel } = this.live();
    for (let i = 0; i < this.nq; i++) qpos[i] = this.initQpos[i] + this.rng.uniform(-s, s);
    for (let i = 0; i < this.nv; i++) qvel[i] = this.initQvel[i] + (velocityResetNoise === 'uniform' ? this.rng.uniform(-s, s) : s * this.rng.normal());
    this.mj.mj_forward(this.model!, this.data!);
    return this.observe();
  }

  step(action: Action): StepResult {
    const a = this.checkAction(action);
    const { qpos, ctrl } = this.live();
    const xBefore = qpos[0];
    let ctrlCost = 0;
    for (let i = 0; i < this.nu; i++) {
      ctrl[i] = a[i];
      ctrlCost += a[i] * a[i];
    }
    for (let k = 0; k < this.config.frameSkip; k++) this.mj.mj_step(this.model!, this.data!);
    const after = this.live();
    const xVelocity = (after.qpos[0] - xBefore) / this.dt;
    const healthy = this.config.isHealthy ? this.config.isHealthy(after.qpos, after.qvel) : true;
    const reward = this.config.forwardRewardWeight * xVelocity + (healthy ? this.config.healthyReward : 0) - this.config.ctrlCostWeight * ctrlCost;
    return { observation: this.observe(), reward, terminated: this.config.isHealthy !== undefined && !healthy, truncated: false };
  }

  /** Length and finiteness are checked; out-of-range values are not clipped here (MuJoCo clamps ctrl, as in Gymnasium). */
  private checkAction(action: Action): ArrayLike<number> {
    const a = typeof action === 'number' ? [action] : action;
    if (a.length !== this.nu) throw new Error(`${this.spec.id}: action must have ${this.nu} values, got ${a.length}`);
    for (let i = 0; i < this.nu; i++) {
      if (!Number.isFinite(a[i])) throw new Error(`${this.spec.id}: action[${i}] is ${a[i]}; actions must be finite numbers`);
    }
    return a;
  }

  private observe(): Float32Array {
    const { qpos, qvel } = this.live();
    const obs = new Float32Array(this.nq - 1 + this.nv);
    for (let i = 1; i < this.nq; i++) obs[i - 1] = qpos[i];
    const clip = this.config.velocityClip ?? Infinity;
    for (let i = 0; i < this.nv; i++) obs[this.nq - 1 + i] = Math.min(clip, Math.max(-clip, qvel[i]));
    return obs;
  }

  /** qpos followed by qvel. */
  getState(): Float64Array {
    const { qpos, qvel } = this.live();
    const state = new Float64Array(this.nq + this.nv);
    state.set(qpos);
    state.set(qvel, this.nq);
    return state;
  }

  /** MujocoEnv.set_state: qpos and qvel, then mj_forward. */
  setState(state: Float64Array): void {
    if (state.length !== this.nq + this.nv) throw new Error(`${this.spec.id}: state must be qpos (${this.nq}) then qvel (${this.nv}), ${this.nq + this.nv} values; got ${state.length}`);
    for (let i = 0; i < state.length; i++) {
      if (!Number.isFinite(state[i])) throw new Error(`${this.spec.id}: state[${i}] is ${state[i]}`);
    }
    const { qpos, qvel } = this.live();
    qpos.set(state.subarray(0, this.nq));
    qvel.set(state.subarray(this.nq));
    this.mj.mj_forward(this.model!, this.data!);
  }

  /** The geoms' world poses now (copies), as MuJoCo computed them, for drawing. */
  geomPoses(): GeomPoses {
    this.live();
    const model = this.model!;
    const data = this.data!;
    const trnid = model.actuator_trnid as Int32Array;
    const xanchor = data.xanchor as Float64Array;
    const actuatorAnchors = new Float64Array(this.nu * 3);
    for (let i = 0; i < this.nu; i++) actuatorAnchors.set(xanchor.subarray(3 * trnid[2 * i], 3 * trnid[2 * i] + 3), 3 * i);
    return {
      xpos: Float64Array.from(data.geom_xpos as Float64Array),
      xmat: Float64Array.from(data.geom_xmat as Float64Array),
      size: Float64Array.from(model.geom_size as Float64Array),
      type: Int32Array.from(model.geom_type as Int32Array),
      rgba: Float32Array.from(model.geom_rgba as Float32Array),
      actuatorAnchors,
    };
  }

  /** Geom poses at a recorded state (qpos then qvel): MuJoCo's forward kinematics only, nothing is stepped. */
  posesAt(state: ArrayLike<number>): GeomPoses {
    if (state.length < this.nq) throw new Error(`${this.spec.id}: a state needs at least qpos (${this.nq} values), got ${state.length}`);
    const { qpos } = this.live();
    for (let i = 0; i < this.nq; i++) qpos[i] = state[i];
    this.mj.mj_kinematics(this.model!, this.data!);
    return this.geomPoses();
  }

  /** Frees the wasm model and data; the env cannot be used afterwards. Safe to call twice. */
  dispose(): void {
    this.data?.delete();
    this.model?.delete();
    this.data = null;
    this.model = null;
  }
}
