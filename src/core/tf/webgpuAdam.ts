// Adam's step (Kingma & Ba 2015, Algorithm 1, with PyTorch's bias correction) and the gradient norms on
// tfjs-backend-webgpu as the lab's own WebGPU programs: per variable one dispatch for the squared gradient norm and one
// each for the new first moment, second moment and weights, instead of the tf ops' 15 (lone) or 17 (population) kernels
// per variable and 3 more per optimizer. On a real GPU each kernel costs about 0.08 ms of JavaScript and Dawn whatever
// its size (bench/README.md, "Results on an NVIDIA H100"), so the count is the cost. Constants travel as uniforms written with each dispatch, never as
// tensors (nothing uploaded per step), and a program's shader key never holds a value, so each pipeline compiles once.
//
// The arithmetic is the tf ops' (population/memberAdamStep.ts adamStepOps, algos/optim.ts stepOps), operation by
// operation in float32: the same constants rounded the same way and the same order. It is not bit for bit: a GPU
// compiler may fuse a multiply and an add, WGSL's division and sqrt are not correctly rounded, and the norm sums in
// another order (tests/browser/webgpuAdam.test.ts bounds the difference). Callers choose it with webgpuAdamFits.
import * as tf from '@tensorflow/tfjs';
import { webgpu_util, type WebGPUBackend, type WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { elementwise, f32, i32, webgpuKernels } from './webgpuPrograms';
import { checkAdamInputs, type AdamConstants, type AdamKernelStep, type AdamStepSize } from './wasmAdam';

const NORM = 'LabSquaredNorms';
const MOMENT = 'LabAdamMoment';
const WEIGHTS = 'LabAdamWeights';
/** Threads that sum one member's squares: a power of two (the tree halves it), more for long sums as tfjs's Sum. */
const normThreads = (perMember: number) => (perMember >= 4096 ? 256 : 64);

/** On by default; tests and benches turn it off to run the tf ops on webgpu beside it. */
export const webgpuAdamChoice = { enabled: true };

/** Whether the step runs as these programs: on the webgpu backend, for every variable size. */
export function webgpuAdamFits(): boolean {
  return webgpuAdamChoice.enabled && tf.getBackend() === 'webgpu';
}

/**
 * Each member's sum of squares of G (`perMember` values each, members one after the other), plus the running sum P of
 * the variables before (absent for the first); `finish` 1 takes the square root (the last variable). One workgroup a
 * member: its threads sum strided values, then halve the partial sums in workgroup memory.
 */
function squaredNormProgram(outputShape: number[], members: number, perMember: number, first: boolean): WebGPUProgram {
  const dispatchLayout = webgpu_util.flatDispatchLayout(outputShape);
  const threads = normThreads(perMember);
  return {
    variableNames: first ? ['G'] : ['G', 'P'],
    uniforms: 'perMember : i32, finish : i32,',
    outputShape,
    dispatchLayout,
    dispatch: [members, 1, 1],
    workgroupSize: [threads, 1, 1], // in the shader key: one pipeline per size class
    shaderKey: `labSquaredNorms${first ? 'First' : ''}`,
    getUserCode: () => `
      var<workgroup> partial : array<f32, ${threads}>;
      fn main(index : i32) {
        let member = i32(workgroupId.x);
        let lane = i32(localId.x);
        let start = member * uniforms.perMember;
        var sum = 0.0;
        for (var j = lane; j < uniforms.perMember; j = j + ${threads}) {
          let g = G[start + j];
          sum = sum + g * g;
        }
        partial[lane] = sum;
        workgroupBarrier();
        for (var width = ${threads / 2}; width > 0; width = width / 2) {
          if (lane < width) {
            partial[lane] = partial[lane] + partial[lane + width];
          }
          workgroupBarrier();
        }
        if (lane == 0) {
          var total = ${first ? 'partial[0]' : 'P[member] + partial[0]'};
          if (uniforms.finish == 1) {
            total = sqrt(total);
          }
          setOutputAtIndex(member, total);
        }
      }`,
  };
}

/**
 * A moment's update, beta * M + (1 - beta) * g with g the gradient (first moment) or its square (second), after
 * clipping: g * min(1, clipNorm / (N + 1e-6)) with N the global gradient norm, as the lone Adam's ops.
 */
function momentProgram(shape: number[], second: boolean, clip: boolean): WebGPUProgram {
  return {
    ...elementwise(shape),
    variableNames: clip ? ['M', 'G', 'N'] : ['M', 'G'],
    uniforms: 'beta : f32, oneMinusBeta : f32, clipNorm : f32,',
    shaderKey: `labAdamMoment${second ? 2 : 1}${clip ? 'Clip' : ''}`,
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          var g = G[index];
          ${clip ? 'g = g * min(1.0, uniforms.clipNorm / (N[0] + 1e-6));' : ''}
          ${second ? 'g = g * g;' : ''}
          setOutputAtIndex(index, M[index] * uniforms.beta + g * uniforms.oneMinusBeta);
        }
      }`,
  };
}

/**
 * The new weights from the new moments: X * decay - M / (sqrt(V) / sqrtBc2 + eps) * step. The step is lr_k / bc1 of
 * the value's member k (L holds the rates) for a population, the uniform `step` for a lone run; decay is 1 without
 * weight decay (x * 1 is x exactly).
 */
function weightsProgram(shape: number[], perMember: boolean): WebGPUProgram {
  return {
    ...elementwise(shape),
    variableNames: perMember ? ['X', 'M', 'V', 'L'] : ['X', 'M', 'V'],
    uniforms: 'eps : f32, sqrtBc2 : f32, bc1 : f32, step : f32, decay : f32, perMember : i32,',
    shaderKey: `labAdamWeights${perMember ? 'Members' : ''}`,
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let step = ${perMember ? 'L[index / uniforms.perMember] / uniforms.bc1' : 'uniforms.step'};
          let update = M[index] / (sqrt(V[index]) / uniforms.sqrtBc2 + uniforms.eps) * step;
          setOutputAtIndex(index, X[index] * uniforms.decay - update);
        }
      }`,
  };
}

// Each program is its own kernel, so tf.profile and the engine see every dispatch and own every output.
const register = webgpuKernels({
  [NORM]: ({ inputs: { g, p }, backend, attrs }) => {
    const members = Number(attrs.members);
    const perMember = g.shape.reduce((a, b) => a * b, 1) / Math.max(members, 1);
    const program = squaredNormProgram(members === 0 ? [] : [members], Math.max(members, 1), perMember, p === undefined);
    const uniforms = [i32(perMember), i32(attrs.finish ? 1 : 0)];
    return (backend as WebGPUBackend).runWebGPUProgram(program, p === undefined ? [g] : [g, p], 'float32', uniforms);
  },
  [MOMENT]: ({ inputs: { m, g, norm }, backend, attrs }) => {
    const beta = Number(attrs.beta);
    const program = momentProgram(m.shape.slice(), Boolean(attrs.second), norm !== undefined);
    const uniforms = [f32(beta), f32(1 - beta), f32(Number(attrs.clipNorm))];
    return (backend as WebGPUBackend).runWebGPUProgram(program, norm === undefined ? [m, g] : [m, g, norm], 'float32', uniforms);
  },
  [WEIGHTS]: ({ inputs: { x, m, v, lr }, backend, attrs }) => {
    const program = weightsProgram(x.shape.slice(), lr !== undefined);
    const members = lr === undefined ? 1 : lr.shape[0];
    const size = x.shape.reduce((a, b) => a * b, 1);
    const uniforms = [f32(Number(attrs.eps)), f32(Number(attrs.sqrtBc2)), f32(Number(attrs.bc1)), f32(Number(attrs.step)), f32(Number(attrs.decay)), i32(size / members)];
    return (backend as WebGPUBackend).runWebGPUProgram(program, lr === undefined ? [x, m, v] : [x, m, v, lr], 'float32', uniforms);
  },
});

function run(name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, number | boolean>): tf.Tensor {
  register();
  return tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/**
 * The gradient norm over all the variables: [K] per member when `members` is K, a scalar when 0 (a lone run).
 * One dispatch per variable, each adding its squares to the running sums of the ones before.
 */
function gradientNorms(gs: readonly tf.Tensor[], members: number): tf.Tensor {
  if (gs.length === 0) throw new Error('gradient norm of no gradients');
  let sums: tf.Tensor | undefined;
  gs.forEach((g, i) => {
    const next = run(NORM, sums === undefined ? { g } : { g, p: sums }, { members, finish: i === gs.length - 1 });
    sums?.dispose();
    sums = next;
  });
  return sums!;
}

/**
 * One Adam step of every variable on webgpu: the new values and moments, and the gradient norms (before clipping).
 * The same inputs and results as tf/wasmAdam.ts's adamKernel.
 */
export function webgpuAdamStep(xs: readonly tf.Tensor[], gs: readonly tf.Tensor[], ms: readonly tf.Tensor[], vs: readonly tf.Tensor[], c: AdamConstants, size: AdamStepSize): AdamKernelStep {
  checkAdamInputs(xs, gs, ms, vs, size);
  const lr = 'lr' in size ? size.lr : undefined;
  const gradNorm = gradientNorms(gs, lr ? lr.shape[0] : 0);
  const clipNorm = 'clipNorm' in size ? size.clipNorm : undefined;
  const clip: Record<string, tf.Tensor> = clipNorm === undefined ? {} : { norm: gradNorm };
  const weights = { eps: c.eps, sqrtBc2: c.sqrtBc2, bc1: c.bc1, step: 'step' in size ? size.step : 0, decay: ('decay' in size ? size.decay : undefined) ?? 1 };
  const out: AdamKernelStep = { x: [], m: [], v: [], gradNorm };
  xs.forEach((x, i) => {
    const m = run(MOMENT, { m: ms[i], g: gs[i], ...clip }, { beta: c.b1, second: false, clipNorm: clipNorm ?? 0 });
    const v = run(MOMENT, { m: vs[i], g: gs[i], ...clip }, { beta: c.b2, second: true, clipNorm: clipNorm ?? 0 });
    out.m.push(m);
    out.v.push(v);
    out.x.push(run(WEIGHTS, lr ? { x, m, v, lr } : { x, m, v }, weights));
  });
  return out;
}
