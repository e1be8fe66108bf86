// x w on wasm as its own kernel whose gradients use explicit transposes: dx = dy w^T and dw = x^T dy. tfjs-wasm
// multiplies a transposed operand about ten times slower than a plain one (measured: [1920,64]^T [1920,64] 4.3 ms
// against 0.4 ms for transpose then multiply), and tfjs's own gradient of matMul multiplies exactly such operands.
// A registered kernel rather than tf.customGrad: a registered gradient hands the engine one function per input, and the
// engine calls only those of inputs on the path to the differentiated variables, so the input gradient of a network's
// first layer and the critics' weight gradients inside an actor step are never computed (customGrad computes both).
// Where the lab's own GEMM runs (core/tf/wasmGemm.ts) it reads a transposed operand in place, so the gradients pass
// transpose flags to the product instead of running a Transpose kernel first.
import * as tf from '@tensorflow/tfjs';
import { wasmReadsTransposes } from './wasmBatchMatMul';
import type { WasmKernel, WasmKernelArgs } from './wasmBackendView';

/** The kernel's name (what tf.profile lists; bench/matMulGrad.bench.ts swaps its gradient for an eager one). */
export const EXPLICIT_TRANSPOSE_KERNEL = 'LabMatMulExplicitTranspose';
const KERNEL = EXPLICIT_TRANSPOSE_KERNEL;

let registered = false;

/** Registers the kernel on wasm (after tfjs-backend-wasm registered its own BatchMatMul) and its gradient (once). */
function register(): void {
  if (registered) return;
  const batchMatMul = tf.getKernel('BatchMatMul', 'wasm');
  if (!batchMatMul) throw new Error('tfjs-backend-wasm has no BatchMatMul kernel registered: import the wasm backend first');
  registered = true;
  const plain = batchMatMul.kernelFunc as unknown as WasmKernel;
  tf.registerKernel({
    kernelName: KERNEL,
    backendName: 'wasm',
    kernelFunc: ((args: WasmKernelArgs) => plain({ ...args, attrs: { transposeA: Boolean(args.attrs.transposeA), transposeB: Boolean(args.attrs.transposeB) } })) as unknown as tf.KernelFunc,
  });
  tf.registerGradient({
    kernelName: KERNEL,
    inputsToSave: ['a', 'b'],
    // c = op(a) op(b): tf's own matMul gradient, case by case (second-order gradients, EDAC's, reach the flagged ones).
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved;
      const d = dy as tf.Tensor;
      const [ta, tb] = [Boolean(attrs.transposeA), Boolean(attrs.transposeB)];
      if (!ta && !tb) return { a: () => product(d, b, false, true), b: () => product(a, d, true, false) };
      if (!ta) return { a: () => product(d, b, false, false), b: () => product(d, a, true, false) };
      if (!tb) return { a: () => product(b, d, false, true), b: () => product(a, d, false, false) };
      return { a: () => product(b, d, true, true), b: () => product(d, a, true, true) };
    },
  });
}

/**
 * op(x) op(y) through the kernel, differentiable: the product reads the transposes itself where it can, else they are
 * made first. (core/tf/wasmDense.ts's gradients use it too.)
 */
export function product(x: tf.Tensor, y: tf.Tensor, transposeX: boolean, transposeY: boolean): tf.Tensor {
  if (!wasmReadsTransposes()) return explicitTransposeMatMul(transposeX ? swapLastAxes(x) : x, transposeY ? swapLastAxes(y) : y);
  register();
  return tf.engine().runKernel(KERNEL, { a: x, b: y } as unknown as tf.NamedTensorMap, { transposeA: transposeX, transposeB: transposeY }) as tf.Tensor;
}

/** Transposes the last two axes (a matrix, or each matrix of a batch). */
export function swapLastAxes(t: tf.Tensor): tf.Tensor {
  const perm = t.shape.map((_, i) => i);
  [perm[t.rank - 2], perm[t.rank - 1]] = [perm[t.rank - 1], perm[t.rank - 2]];
  return tf.transpose(t, perm);
}

/** a b on the wasm backend (rank 2, or batched with the same leading axes), gradients by explicit transposes, lazily. */
export function explicitTransposeMatMul<T extends tf.Tensor>(a: T, b: tf.Tensor): T {
  register();
  if (a.rank !== b.rank || a.shape.slice(0, -2).join() !== b.shape.slice(0, -2).join()) {
    throw new Error(`explicitTransposeMatMul: shapes ${a.shape.join('x')} and ${b.shape.join('x')} must be matrices with the same leading axes`);
  }
  // tf.matMul casts integer operands (a one-hot table lookup); the kernel multiplies float32 only.
  const [fa, fb] = [a, b].map((t) => (t.dtype === 'float32' ? t : tf.cast(t, 'float32')));
  return tf.engine().runKernel(KERNEL, { a: fa, b: fb } as unknown as tf.NamedTensorMap, {}) as T;
}
