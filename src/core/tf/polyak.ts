// Polyak averaging of target networks, target <- tau * online + (1 - tau) * target, for every variable of a network
// at once. tau is a number (a lone run) or one rate per member ([K], read from the device; every variable then leads
// with the members axis). On wasm, where the lab's module runs, one kernel for all the variables (gemm.wat's `lerp`,
// the same float32 operations): as tf ops it was four or five kernels per variable, about 60 per update for twin
// critics, each mostly tfjs's per-kernel overhead (bench/README.md, "Polyak averaging as one kernel"). On webgpu one
// dispatch per variable (core/tf/webgpuPolyak.ts).
import * as tf from '@tensorflow/tfjs';
import { heapOffset, type WasmBackendView, type WasmKernelArgs } from './wasmBackendView';
import { wasmGemmFor } from './wasmGemm';
import { webgpuPolyak } from './webgpuPolyak';

const KERNEL = 'LabPolyak';
let registered = false;
let enabled = true;

/** Turns the one-kernel averaging (wasm) and the one-dispatch-per-variable one (webgpu) on or off (benches compare the
 * two in one process; off: the tf ops everywhere). */
export function setPolyakKernel(on: boolean): void {
  enabled = on;
}

export function polyakAverage(targets: readonly tf.Variable[], sources: readonly tf.Variable[], tau: number | tf.Tensor1D): void {
  if (targets.length !== sources.length) throw new Error(`Polyak averaging: ${targets.length} target variables but ${sources.length} online ones`);
  targets.forEach((v, i) => {
    if (v.shape.join() !== sources[i].shape.join()) throw new Error(`Polyak averaging: target ${v.name} is ${v.shape.join('x')}, online ${sources[i].name} ${sources[i].shape.join('x')}`);
  });
  tf.tidy(() => {
    const way = averagingWay();
    const averaged =
      way === 'wasm' ? polyakKernel(targets, sources, tau) : way === 'webgpu' ? webgpuPolyak(targets, sources, tau) : targets.map((v, i) => polyakOps(v, sources[i], tau));
    targets.forEach((v, i) => v.assign(averaged[i]));
  });
}

/** The tf ops: the lone rate as a float32 scalar and 1 - tau in double; per member, 1 - tau in float32. */
function polyakOps(v: tf.Tensor, source: tf.Tensor, tau: number | tf.Tensor1D): tf.Tensor {
  if (typeof tau === 'number') return tf.add(tf.mul(source, tau), tf.mul(v, 1 - tau));
  const t = tf.reshape(tau, [-1, ...v.shape.slice(1).map(() => 1)]);
  return tf.add(tf.mul(source, t), tf.mul(v, tf.sub(1, t)));
}

/** The lab's kernel on wasm (where its module runs), its programs on webgpu, else (or switched off) the tf ops. */
function averagingWay(): 'wasm' | 'webgpu' | 'ops' {
  if (!enabled) return 'ops';
  const backend = tf.getBackend();
  if (backend === 'wasm') return wasmGemmFor((tf.backend() as unknown as WasmBackendView).wasm) !== null ? 'wasm' : 'ops';
  return backend === 'webgpu' ? 'webgpu' : 'ops';
}

function polyakKernel(targets: readonly tf.Tensor[], sources: readonly tf.Tensor[], tau: number | tf.Tensor1D): tf.Tensor[] {
  if (!registered) {
    registered = true;
    tf.registerKernel({ kernelName: KERNEL, backendName: 'wasm', kernelFunc: polyakKernelFunc as unknown as tf.KernelFunc });
  }
  const inputs: Record<string, tf.Tensor> = typeof tau === 'number' ? {} : { tau };
  targets.forEach((v, i) => Object.assign(inputs, { [`t${i}`]: v, [`s${i}`]: sources[i] }));
  const attrs = { count: targets.length, tau: typeof tau === 'number' ? tau : null };
  return tf.engine().runKernel(KERNEL, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
}

const f = Math.fround;

function polyakKernelFunc({ inputs, attrs, backend }: WasmKernelArgs): tf.TensorInfo[] {
  const wasm = backend as WasmBackendView;
  const gemm = wasmGemmFor(wasm.wasm)!;
  const n = Number(attrs.count);
  // (t, u) per member: tf.mul(x, tau) multiplies by the float32 nearest tau, tf.mul(v, 1 - tau) by the one nearest
  // the double 1 - tau; per member tf.sub(1, t) subtracts in float32.
  const rates = attrs.tau == null ? Array.from(wasm.typedArrayFromHeap(inputs.tau), (t) => [t, f(1 - t)]) : [[f(Number(attrs.tau)), f(1 - Number(attrs.tau))]];
  const members = rates.length;
  const outputs = Array.from({ length: n }, (_, i) => wasm.makeOutput(inputs[`t${i}`].shape.slice(), 'float32'));
  const at = (t: tf.TensorInfo) => heapOffset(wasm, t);
  for (let i = 0; i < n; i++) {
    const [s, t, out] = [at(inputs[`s${i}`]), at(inputs[`t${i}`]), at(outputs[i])];
    const size = tf.util.sizeFromShape(outputs[i].shape) / members;
    for (let k = 0; k < members; k++) gemm.lerp(s + k * size * 4, t + k * size * 4, out + k * size * 4, size, rates[k][0], rates[k][1]);
  }
  return outputs;
}
