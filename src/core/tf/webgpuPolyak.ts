// Polyak averaging on tfjs-backend-webgpu: one dispatch per variable, source * tau + target * (1 - tau), where the
// tf ops were three (lone: two Multiply and an Add) or four (per member: and a Sub for 1 - tau). Twin critics' targets
// are a dozen variables, so an update saved two or three dozen dispatches, each about 0.05-0.09 ms on a real GPU
// whatever its size (bench/README.md, "Results on an NVIDIA H100").
// The ops' float32 operations in their order; a GPU compiler may fuse a multiply and the add, so not bit for bit
// (tests/browser/webgpuPolyak.test.ts bounds the difference). Called by core/tf/polyak.ts.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { elementwise, f32, i32, webgpuKernels } from './webgpuPrograms';

const KERNEL = 'LabPolyakWebGpu';

/** One variable: a lone rate (uniforms tau and 1 - tau as the ops round them) or member k's rate L[k], 1 - L[k]. */
function polyakProgram(shape: number[], perMember: boolean): WebGPUProgram {
  return {
    ...elementwise(shape),
    variableNames: perMember ? ['S', 'T', 'L'] : ['S', 'T'],
    uniforms: 'tau : f32, oneMinusTau : f32, perMember : i32,',
    shaderKey: `labPolyak${perMember ? 'Members' : ''}`,
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${perMember ? 'let tau = L[index / uniforms.perMember];\n          let oneMinusTau = 1.0 - tau;' : 'let tau = uniforms.tau;\n          let oneMinusTau = uniforms.oneMinusTau;'}
          setOutputAtIndex(index, S[index] * tau + T[index] * oneMinusTau);
        }
      }`,
  };
}

const register = webgpuKernels({
  [KERNEL]: ({ inputs: { s, t, tau }, backend, attrs }) => {
    const size = tf.util.sizeFromShape(t.shape);
    const members = tau === undefined ? 1 : tau.shape[0];
    const rate = Number(attrs.tau ?? 0);
    // tf.mul(x, tau) multiplies by the float32 nearest tau, tf.mul(v, 1 - tau) by the one nearest the double 1 - tau.
    const uniforms = [f32(rate), f32(1 - rate), i32(size / members)];
    return (backend as WebGPUBackend).runWebGPUProgram(polyakProgram(t.shape.slice(), tau !== undefined), tau === undefined ? [s, t] : [s, t, tau], 'float32', uniforms);
  },
});

/** The averaged values of every target variable (the caller assigns them); tau a number or one rate per member. */
export function webgpuPolyak(targets: readonly tf.Tensor[], sources: readonly tf.Tensor[], tau: number | tf.Tensor1D): tf.Tensor[] {
  register();
  return targets.map((t, i) => {
    const inputs = typeof tau === 'number' ? { s: sources[i], t } : { s: sources[i], t, tau };
    return tf.engine().runKernel(KERNEL, inputs as unknown as tf.NamedTensorMap, { tau: typeof tau === 'number' ? tau : null } as unknown as tf.NamedAttrMap) as tf.Tensor;
  });
}
