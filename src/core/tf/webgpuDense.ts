// A dense layer act(x w + b) on tfjs-backend-webgpu as one dispatch where the composite was three (BatchMatMul, Add,
// Relu): tfjs's own fused matMul program, which adds the bias and applies relu in the product's epilogue. Its gradient
// makes dz once with one program (`dy * step(y)`, read from the layer's output; two kernels as tf ops) and then only
// the input gradients the engine asks for (tf.fused.matMul's customGrad computes all three always, a wasted product
// for a first layer). On a real GPU a dispatch costs about 0.05-0.09 ms of JavaScript and Dawn whatever its size
// (bench/README.md, "Results on an NVIDIA H100"), so the count is the cost.
// Not bit for bit with the composite: a GPU compiler may fuse the product's last multiply with the bias's add
// (tests/browser/webgpuDense.test.ts bounds the difference).
// Taken: rank 2 with a bias [out] (a lone run's MLP), and rank 3 or more with a bias [...lead, 1, out] (a population's
// [K, 1, out], an ensemble's [N, 1, out] or [K, N, 1, out]), float32. tfjs's program broadcasts the bias over the
// product's [batch, rows, columns] coordinates, so the leading axes are folded into one first (a reshape dispatches
// nothing on webgpu).
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { denseShapesFit, registerDenseGradients } from './denseLayerKernel';
import { elementwise, webgpuKernels } from './webgpuPrograms';

const DENSE = 'LabDenseWebGpu';
const RELU_GRAD = 'LabReluGradWebGpu';
let enabled = true;

/** Turns the one-dispatch layer on or off (benches compare the two in one process; off: the composite). */
export function setWebGpuDense(on: boolean): void {
  enabled = on;
}

/** dy * step(y) for y a relu's output (>= 0 or NaN): tfjs's Step gives NaN for NaN, so dy * y there, as its Multiply. */
function reluGradProgram(shape: number[]): WebGPUProgram {
  return {
    ...elementwise(shape),
    variableNames: ['DY', 'Y'],
    shaderKey: 'labReluGrad',
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let y = Y[index];
          setOutputAtIndex(index, DY[index] * select(y, 1.0, y > 0.0));
        }
      }`,
  };
}

let fusedMatMul: tf.KernelConfig | undefined;

const registerKernels = webgpuKernels({
  [DENSE]: ({ inputs: { x, w, b }, backend, attrs }) => {
    fusedMatMul ??= tf.getKernel('_FusedMatMul', 'webgpu');
    if (!fusedMatMul) throw new Error(`${DENSE}: tfjs-backend-webgpu has no _FusedMatMul kernel`);
    const fused = fusedMatMul;
    const fusedAttrs = { transposeA: false, transposeB: false, activation: attrs.relu ? 'relu' : 'linear', leakyreluAlpha: 0 };
    return fused.kernelFunc({ inputs: { a: x, b: w, bias: b }, backend: backend as WebGPUBackend, attrs: fusedAttrs }) as tf.TensorInfo;
  },
  [RELU_GRAD]: ({ inputs: { dy, y }, backend }) => (backend as WebGPUBackend).runWebGPUProgram(reluGradProgram(dy.shape.slice()), [dy, y], 'float32'),
});

let gradientsRegistered = false;

function register(): void {
  registerKernels();
  if (gradientsRegistered) return;
  gradientsRegistered = true;
  registerDenseGradients({ dense: DENSE, reluGrad: RELU_GRAD }, (x, y, tx, ty) => tf.matMul(x, y, tx, ty));
}

/** Whether this layer can run as one dispatch now (see the header for what is taken). */
export function webgpuDenseTakes(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): boolean {
  return enabled && tf.getBackend() === 'webgpu' && denseShapesFit(x, w, b);
}

/** act(x w + b) as one dispatch; call only where webgpuDenseTakes says so. */
export function webgpuDense<T extends tf.Tensor>(x: T, w: tf.Tensor, b: tf.Tensor, relu: boolean): T {
  register();
  const run = (xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) => tf.engine().runKernel(DENSE, { x: xs, w: ws, b: bs } as unknown as tf.NamedTensorMap, { relu } as unknown as tf.NamedAttrMap) as tf.Tensor;
  if (x.rank <= 3) return run(x, w, b) as T;
  const lead = x.shape.slice(0, -2);
  const [n, m] = x.shape.slice(-2);
  const p = w.shape[w.rank - 1];
  const batch = tf.util.sizeFromShape(lead);
  return tf.reshape(run(tf.reshape(x, [batch, n, m]), tf.reshape(w, [batch, m, p]), tf.reshape(b, [batch, 1, p])), [...lead, n, p]) as T;
}
