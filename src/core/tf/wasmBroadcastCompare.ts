// tfjs-backend-wasm 4.22 runs Maximum, Minimum and the comparisons on operands of different shapes through a generic
// broadcasting loop that costs about 115 ns a value (measured: maximum of [4, 256, 64] and [4, 1, 64] 7.5 ms, of
// [4, 256, 1] and a per-member [4, 1, 1] 134 us, against 4-28 us for Add and Sub of the same shapes). Populations meet
// them in every per-member clip and mask ([K, n, 1] against a [K, 1, 1] hyperparameter column). These replacements
// take the broadcasting cases of float32 and int32 operands: the axes are merged where both operands step alike, and
// each output row is one loop. Same values as tfjs-wasm, NaN and signed zeros included (max(a, b) = a < b ? b : a,
// min(a, b) = b < a ? b : a, as its C++; tested against the cpu backend). Equal shapes keep tfjs's kernels.
import * as tf from '@tensorflow/tfjs';
import type { WasmBackendView, WasmKernel, WasmKernelArgs } from './wasmBackendView';

type Values = Float32Array | Int32Array | Uint8Array;
/** out[o + j] = op(a[ia + j*sa], b[ib + j*sb]) for j < n. */
type RowLoop = (a: Values, ia: number, sa: number, b: Values, ib: number, sb: number, out: Values, o: number, n: number) => void;

const LOOPS: Record<string, { loop: RowLoop; bool: boolean }> = {
  Maximum: { bool: false, loop: (a, ia, sa, b, ib, sb, out, o, n) => { for (let j = 0; j < n; j++, ia += sa, ib += sb) { const x = a[ia], y = b[ib]; out[o + j] = x < y ? y : x; } } },
  Minimum: { bool: false, loop: (a, ia, sa, b, ib, sb, out, o, n) => { for (let j = 0; j < n; j++, ia += sa, ib += sb) { const x = a[ia], y = b[ib]; out[o + j] = y < x ? y : x; } } },
  Greater: { bool: true, loop: (a, ia, sa, b, ib, sb, out, o, n) => { for (let j = 0; j < n; j++, ia += sa, ib += sb) out[o + j] = a[ia] > b[ib] ? 1 : 0; } },
  GreaterEqual: { bool: true, loop: (a, ia, sa, b, ib, sb, out, o, n) => { for (let j = 0; j < n; j++, ia += sa, ib += sb) out[o + j] = a[ia] >= b[ib] ? 1 : 0; } },
  Less: { bool: true, loop: (a, ia, sa, b, ib, sb, out, o, n) => { for (let j = 0; j < n; j++, ia += sa, ib += sb) out[o + j] = a[ia] < b[ib] ? 1 : 0; } },
  LessEqual: { bool: true, loop: (a, ia, sa, b, ib, sb, out, o, n) => { for (let j = 0; j < n; j++, ia += sa, ib += sb) out[o + j] = a[ia] <= b[ib] ? 1 : 0; } },
  Equal: { bool: true, loop: (a, ia, sa, b, ib, sb, out, o, n) => { for (let j = 0; j < n; j++, ia += sa, ib += sb) out[o + j] = a[ia] === b[ib] ? 1 : 0; } },
  NotEqual: { bool: true, loop: (a, ia, sa, b, ib, sb, out, o, n) => { for (let j = 0; j < n; j++, ia += sa, ib += sb) out[o + j] = a[ia] !== b[ib] ? 1 : 0; } },
};

/** The output's axes merged where both operands step alike: sizes and each operand's step per axis (0: broadcast). */
export function broadcastPlan(aShape: number[], bShape: number[]): { outShape: number[]; sizes: number[]; aSteps: number[]; bSteps: number[] } {
  const outShape = tf.backend_util.assertAndGetBroadcastShape(aShape, bShape);
  const steps = (shape: number[]) => {
    const padded = [...outShape.map(() => 1).slice(shape.length), ...shape];
    const strides = [...tf.util.computeStrides(padded), 1];
    return padded.map((d, i) => (d === 1 ? 0 : strides[i]));
  };
  const [as, bs] = [steps(aShape), steps(bShape)];
  const sizes: number[] = [];
  const aSteps: number[] = [];
  const bSteps: number[] = [];
  outShape.forEach((n, i) => {
    if (n === 1) return;
    const last = sizes.length - 1;
    if (last >= 0 && aSteps[last] === as[i] * n && bSteps[last] === bs[i] * n) {
      sizes[last] *= n;
      aSteps[last] = as[i];
      bSteps[last] = bs[i];
    } else {
      sizes.push(n);
      aSteps.push(as[i]);
      bSteps.push(bs[i]);
    }
  });
  return { outShape, sizes, aSteps, bSteps };
}

let installed = false;
let enabled = true;

/** Turns the replacements on or off (benches compare the two in one process; off: tfjs's kernels). */
export function setWasmBroadcastCompare(on: boolean): void {
  enabled = on;
}

/** Registers the broadcasting Maximum, Minimum and comparisons for the wasm backend (once; before it starts is fine). */
export function installWasmBroadcastCompare(): void {
  if (installed) return;
  installed = true;
  for (const [name, { loop, bool }] of Object.entries(LOOPS)) {
    const original = tf.getKernel(name, 'wasm');
    if (!original) continue;
    const originalKernel = original.kernelFunc as unknown as WasmKernel;
    const kernel = (args: WasmKernelArgs): tf.TensorInfo => {
      const { a, b } = args.inputs;
      const same = a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
      if (!enabled || same || a.dtype !== b.dtype || (a.dtype !== 'float32' && a.dtype !== 'int32')) return originalKernel(args);
      const backend = args.backend as WasmBackendView;
      const { outShape, sizes, aSteps, bSteps } = broadcastPlan(a.shape, b.shape);
      const out = backend.makeOutput(outShape, bool ? 'bool' : a.dtype);
      const total = tf.util.sizeFromShape(outShape);
      if (total === 0) return out;
      const [av, bv, ov] = [backend.typedArrayFromHeap(a), backend.typedArrayFromHeap(b), backend.typedArrayFromHeap(out)];
      if (sizes.length === 0) {
        loop(av, 0, 0, bv, 0, 0, ov, 0, 1);
        return out;
      }
      const inner = sizes.length - 1;
      const n = sizes[inner];
      const index = sizes.map(() => 0);
      for (let o = 0; o < total; o += n) {
        let ia = 0;
        let ib = 0;
        for (let i = 0; i < inner; i++) {
          ia += index[i] * aSteps[i];
          ib += index[i] * bSteps[i];
        }
        loop(av, ia, aSteps[inner], bv, ib, bSteps[inner], ov, o, n);
        for (let i = inner - 1; i >= 0 && ++index[i] === sizes[i]; i--) index[i] = 0;
      }
      return out;
    };
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ ...original, kernelFunc: kernel as unknown as tf.KernelFunc });
  }
}
