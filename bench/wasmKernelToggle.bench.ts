// One of the lab's wasm kernels in gemm.wat on and off, both giving the same bits: first alone on the shapes of a
// population update, then inside whole updates (a lone run and populations of K), both ways alternating in one
// process. Node, tfjs wasm, the lab's GEMM for the products either way. JSON on stdout and in bench/results.
// --kernel column-sums: a bias gradient's Sum over the rows, tfjs-wasm's (transpose the reduced axis innermost, then
//   reduce) against gemm.wat's sumRows (core/tf/wasmColumnSums.ts);
// --kernel adam-simd: the Adam kernel's loop (core/tf/wasmAdam.ts) in JavaScript against gemm.wat's adamStep;
// --kernel dense: a layer relu(x w + b) as tfjs's product, Add and Relu against one kernel (core/tf/wasmDense.ts);
// --kernel polyak: Polyak averaging of a network as tf ops per variable against one kernel (core/tf/polyak.ts);
// --kernel broadcast-compare: Maximum/Minimum/comparisons of broadcast operands, tfjs-wasm's against
//   core/tf/wasmBroadcastCompare.ts; --kernel strided-slices: strided Slice and SplitV, tfjs-wasm's against wasmSlices.ts;
// --kernel fused: the last four together (what a population update gained from them);
// --kernel narrow-gemm: products with 2-3 output columns on XNNPACK against the GEMM with B padded to 4 columns;
// --kernel fma: the GEMM module as written (baseline SIMD) against the one with relaxed SIMD's fused multiply-add
//   (core/tf/wasmGemm.ts; not the same bits: one rounding per multiply-add instead of two).
// Run: npx tsx bench/wasmKernelToggle.bench.ts --kernel column-sums|adam-simd|dense|polyak|broadcast-compare|strided-slices|fused|narrow-gemm|fma [--budget 4000] [--cycles 8] [--ks 1,8]
//   [--algos iql,td3bc,sac] [--size teaching]
import * as tf from '@tensorflow/tfjs';
import { configureWasm } from '../src/core/tf/backend';
import { dense } from '../src/core/algos/nets';
import { polyakAverage, setPolyakKernel } from '../src/core/tf/polyak';
import { adamKernel, adamKernelChoice } from '../src/core/tf/wasmAdam';
import { setWasmNarrowProducts } from '../src/core/tf/wasmBatchMatMul';
import { setWasmBroadcastCompare } from '../src/core/tf/wasmBroadcastCompare';
import { setWasmColumnSums } from '../src/core/tf/wasmColumnSums';
import { setWasmDense } from '../src/core/tf/wasmDense';
import { setWasmFusedMultiplyAdd } from '../src/core/tf/wasmGemm';
import { setWasmStridedSlices } from '../src/core/tf/wasmSlices';
import { round, startBench } from './benchResult';
import { interleaved, loneSubject, populationSubject, specOf, type Subject } from './populationSubjects';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const budget = Number(arg('budget', '4000'));
const cycles = Number(arg('cycles', '8'));
const ks = arg('ks', '1,8').split(',').map(Number);
const algos = arg('algos', 'iql,td3bc,sac').split(',');
const size = arg('size', 'teaching');
const kernel = arg('kernel', '');
const toggles: Record<string, { set(on: boolean): void; off: string; on: string }> = {
  'column-sums': { set: setWasmColumnSums, off: 'tfjs', on: 'sumRows' },
  'adam-simd': { set: (on) => (adamKernelChoice.simd = on), off: 'javascript', on: 'simd' },
  dense: { set: setWasmDense, off: 'tfjs', on: 'labDense' },
  polyak: { set: setPolyakKernel, off: 'tfjs', on: 'labPolyak' },
  'broadcast-compare': { set: setWasmBroadcastCompare, off: 'tfjs', on: 'lab' },
  'strided-slices': { set: setWasmStridedSlices, off: 'tfjs', on: 'lab' },
  'narrow-gemm': { set: setWasmNarrowProducts, off: 'xnnpack', on: 'gemm' },
  fma: { set: setWasmFusedMultiplyAdd, off: 'baseline', on: 'fma' },
  fused: {
    set: (on) => [setWasmDense, setPolyakKernel, setWasmBroadcastCompare, setWasmStridedSlices].forEach((set) => set(on)),
    off: 'tfjs',
    on: 'lab',
  },
};
const toggle = toggles[kernel];
if (!toggle) throw new Error(`--kernel takes ${Object.keys(toggles).join(' or ')}, not "${kernel}"`);

configureWasm();
await tf.setBackend('wasm');
await tf.ready();
const bench = startBench();

/** The same subject with the kernel on or off. */
const way = (s: Subject, on: boolean): Subject => ({
  name: `${s.name}@${on ? toggle.on : toggle.off}`,
  update: () => {
    toggle.set(on);
    return s.update();
  },
  dispose: () => s.dispose(),
});

/** The kernel alone on one shape (K leading): what each toggle replaces, on the shapes of a population update. */
function aloneUpdate(shape: number[]): () => tf.Tensor | tf.Tensor[] {
  const x = tf.randomNormal(shape);
  const K = shape[0];
  if (kernel === 'column-sums') return () => tf.sum(x, -2);
  if (kernel === 'dense' || kernel === 'fused') {
    const [w, b] = [tf.randomNormal([K, shape[2], 64]), tf.randomNormal([K, 1, 64])];
    return () => dense(x, w, b, 'relu');
  }
  if (kernel === 'polyak') {
    const layers = [[K, 3, 64], [K, 64, 64], [K, 64, 1], [K, 1, 64], [K, 1, 64], [K, 1, 1]];
    const [online, target] = [layers.map((l) => tf.variable(tf.randomNormal(l))), layers.map((l) => tf.variable(tf.randomNormal(l)))];
    const tau = tf.fill([K], 0.005) as tf.Tensor1D;
    return () => {
      polyakAverage(target, online, tau);
      return tf.scalar(0);
    };
  }
  if (kernel === 'broadcast-compare') {
    const column = tf.randomNormal([K, 1, shape[2]]);
    return () => tf.maximum(x, column);
  }
  if (kernel === 'strided-slices') return () => tf.split(x, [shape[2] - 1, 1], -1);
  if (kernel === 'fma') {
    const w = tf.randomNormal([K, shape[2], shape[2]]);
    return () => tf.matMul(x, w);
  }
  if (kernel === 'narrow-gemm') {
    const [w, dz] = [tf.randomNormal([K, shape[2], 2]), tf.randomNormal([K, shape[1], 2])];
    return () => [tf.matMul(x, w), tf.matMul(x, dz, true, false)]; // a 2-column head's product and its weight gradient
  }
  const [g, m, v] = [tf.randomNormal(shape), tf.zeros(shape), tf.zeros(shape)];
  const lr = tf.fill([shape[0]], 1e-3) as tf.Tensor1D;
  const c = { b1: 0.9, b2: 0.999, eps: 1e-8, bc1: 0.1, sqrtBc2: Math.sqrt(0.001) };
  return () => {
    const step = adamKernel([x], [g], [m], [v], c, { lr });
    tf.dispose([...step.x, ...step.m, ...step.v]);
    return step.gradNorm;
  };
}

// Alone: microseconds per call.
const alone: Record<string, unknown> = {};
const SHAPES: Record<string, number[][]> = {
  'column-sums': [[256, 64], [8, 256, 64], [32, 256, 64], [8, 256, 256], [8, 256, 1]],
  'adam-simd': [[1, 64, 64], [8, 64, 64], [32, 64, 64], [8, 256, 256], [8, 1, 64]],
  dense: [[1, 256, 64], [4, 256, 64], [8, 256, 64], [8, 256, 4]],
  fused: [[4, 256, 64]],
  polyak: [[1], [4], [8]],
  'broadcast-compare': [[4, 256, 1], [8, 256, 1], [4, 256, 64]],
  'strided-slices': [[4, 256, 4], [8, 256, 4], [8, 256, 18]],
  'narrow-gemm': [[1, 256, 64], [4, 256, 64], [8, 256, 64]],
  fma: [[1, 256, 64], [8, 256, 64], [1, 256, 256]],
};
for (const shape of SHAPES[kernel]) {
  const update = aloneUpdate(shape);
  const subject = (on: boolean): Subject<tf.Tensor> => way({ name: shape.join('x'), update: () => wrap(update()), dispose: () => {} }, on);
  const rates = await interleaved([subject(false), subject(true)], cycles, budget / cycles / 4);
  const [off, on] = Object.values(rates);
  alone[shape.join('x')] = { [`${toggle.off}Microseconds`]: round(1e6 / off), [`${toggle.on}Microseconds`]: round(1e6 / on), speedup: round(on / off) };
  console.error(`[${kernel}] ${shape.join('x')}: ${JSON.stringify(alone[shape.join('x')])}`);
}

/** One tensor for the timing's read-back: a list of outputs (a split) is reduced to its first, the rest disposed. */
function wrap(out: tf.Tensor | tf.Tensor[]): tf.Tensor {
  if (!Array.isArray(out)) return out;
  tf.dispose(out.slice(1));
  return out[0];
}

// Inside updates: member-updates/s, both ways alternating.
const updates: Record<string, unknown> = {};
for (const algorithmId of algos) {
  const spec = specOf(algorithmId, size);
  const subjects = [loneSubject(spec), ...ks.map((k) => populationSubject(spec, k))];
  const members = [1, ...ks];
  const rates = await interleaved(subjects.flatMap((s) => [way(s, false), way(s, true)]), cycles, budget / cycles);
  updates[algorithmId] = Object.fromEntries(
    subjects.map((s, i) => {
      const [off, on] = [rates[`${s.name}@${toggle.off}`], rates[`${s.name}@${toggle.on}`]];
      return [s.name, { [toggle.off]: round(off * members[i]), [toggle.on]: round(on * members[i]), speedup: round(on / off) }];
    }),
  );
  console.error(`[${kernel}] ${algorithmId} ${size}: ${JSON.stringify(updates[algorithmId])}`);
  for (const s of subjects) s.dispose();
}
toggle.set(true);
const OUT: Record<string, string> = { 'column-sums': 'columnSums', 'adam-simd': 'adamSimd' };
bench.finish(arg('out', OUT[kernel] ?? `kernelToggle-${kernel}`), { note: `Node wasm, one thread; ${kernel}: ${toggle.off} against ${toggle.on} (${kernel === 'fma' ? 'one rounding per multiply-add against two' : 'same bits'}), alternating in one process after a warm-up; updates: member-updates/s`, kernel, size, budgetMs: budget, alone, updates });
