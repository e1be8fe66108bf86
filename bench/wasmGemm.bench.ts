// GFLOP/s of the lab's wasm GEMM (src/core/tf/gemm.wat, in place on tfjs-wasm's heap) against tfjs-wasm's XNNPACK path
// (the lab's BatchMatMul before it: an XNNPACK operator made, and the right-hand matrix packed, on every call), for the
// products an IQL update really runs: their shapes are recorded from one profiled update of a lone run or a population
// of K (bench/populationSubjects.ts), then each shape is timed through both paths in alternating rounds in one process.
// Also the gradients' transposed layouts of the widest layer (dY W^T, X^T dY): today an explicit Transpose kernel
// then the product, against the GEMM reading the transposed operand itself.
// Run: npx tsx bench/wasmGemm.bench.ts [--cases teaching:1,teaching:8,teaching:32,d4rl:1,d4rl:8] [--algo iql] [--rounds 7] [--ms 60]
import * as tf from '@tensorflow/tfjs';
import { configureWasm } from '../src/core/tf/backend';
import { setWasmProducts, type WasmProducts } from '../src/core/tf/wasmBatchMatMul';
import type { LaidOutProduct } from '../src/core/tf/wasmGemm';
import { round, startBench } from './benchResult';
import { loneSubject, populationSubject, specOf } from './populationSubjects';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const PRODUCTS = new Set(['BatchMatMul', 'LabMatMulExplicitTranspose']);
const PATHS: WasmProducts[] = ['xnnpack', 'lab-gemm'];

interface Shape extends LaidOutProduct {
  /** How often an update runs it. */
  count: number;
}
const key = (s: LaidOutProduct) => `${s.batch}x[${s.n},${s.m}]${s.transposeA ? 'T' : ''}x[${s.m},${s.p}]${s.transposeB ? 'T' : ''}`;

/** The products of one update (after a warm-up one), by shape, as the XNNPACK path runs them (plain operands). */
async function recordedShapes(algo: string, size: string, k: number): Promise<Shape[]> {
  const spec = specOf(algo, size);
  const subject = k === 1 ? loneSubject(spec) : populationSubject(spec, k);
  setWasmProducts('xnnpack'); // the gradients' products as plain layouts after explicit transposes (the same FLOPs)
  subject.update().dispose();
  const info = await tf.profile(() => subject.update());
  tf.dispose(info.result as tf.Tensor);
  subject.dispose();
  setWasmProducts('lab-gemm');
  const shapes = new Map<string, Shape>();
  for (const kernel of info.kernels) {
    if (!PRODUCTS.has(kernel.name)) continue;
    const [a, b] = kernel.inputShapes as number[][];
    const s = { batch: a.length === 3 ? a[0] : 1, n: a[a.length - 2], m: a[a.length - 1], p: b[b.length - 1], transposeA: false, transposeB: false };
    const seen = shapes.get(key(s));
    if (seen) seen.count += 1;
    else shapes.set(key(s), { ...s, count: 1 });
  }
  return [...shapes.values()];
}

/** Median ms of one product of `s` through each path, in alternating rounds of about `ms` each. */
function timeShape(s: Shape, rounds: number, ms: number): Record<WasmProducts, number> {
  const a = tf.randomUniform(s.transposeA ? [s.batch, s.m, s.n] : [s.batch, s.n, s.m], -1, 1, 'float32', 1);
  const b = tf.randomUniform(s.transposeB ? [s.batch, s.p, s.m] : [s.batch, s.m, s.p], -1, 1, 'float32', 2);
  const times: Record<WasmProducts, number[]> = { xnnpack: [], 'lab-gemm': [] };
  const once = () => tf.matMul(a, b, s.transposeA, s.transposeB).dispose();
  for (let r = 0; r <= rounds; r++) {
    for (const path of r % 2 === 0 ? PATHS : [...PATHS].reverse()) {
      setWasmProducts(path);
      const start = performance.now();
      let count = 0;
      while (count < 3 || performance.now() - start < ms) {
        once();
        count += 1;
      }
      if (r > 0) times[path].push((performance.now() - start) / count); // round 0 warms both up
    }
  }
  setWasmProducts('lab-gemm');
  tf.dispose([a, b]);
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  return { xnnpack: median(times.xnnpack), 'lab-gemm': median(times['lab-gemm']) };
}

const flops = (s: Shape) => 2 * s.batch * s.n * s.m * s.p;

const bench = startBench();
configureWasm();
await tf.setBackend('wasm');
await tf.ready();
const algo = arg('algo', 'iql');
const rounds = Number(arg('rounds', '7'));
const ms = Number(arg('ms', '60'));
const cases: Record<string, unknown> = {};
for (const c of arg('cases', 'teaching:1,teaching:8,teaching:32,d4rl:1,d4rl:8').split(',')) {
  const [size, kText] = c.split(':');
  const k = Number(kText);
  const recorded = await recordedShapes(algo, size, k);
  // The hidden layer's gradient products in their transposed layouts: x W is [rows, h] x [h, h]; dY W^T, X^T dY.
  const batchRows = Number(specOf(algo, size).hyperparameters?.batchSize);
  const wide = recorded.filter((s) => s.n === batchRows).reduce((best, s) => (s.m * s.p > best.m * best.p ? s : best));
  const transposed: Shape[] = [
    { batch: k, n: wide.n, m: wide.p, p: wide.m, transposeA: false, transposeB: true, count: 0 },
    { batch: k, n: wide.m, m: wide.n, p: wide.p, transposeA: true, transposeB: false, count: 0 },
  ];
  const rows = [...recorded, ...transposed].map((s) => {
    const t = timeShape(s, rounds, ms);
    const gflops = (path: WasmProducts) => round(flops(s) / t[path] / 1e6);
    return { shape: key(s), perUpdate: s.count, xnnpackMs: round(t.xnnpack), gemmMs: round(t['lab-gemm']), xnnpackGflops: gflops('xnnpack'), gemmGflops: gflops('lab-gemm'), speedup: round(t.xnnpack / t['lab-gemm']) };
  });
  const update = (path: 'xnnpackMs' | 'gemmMs') => rows.reduce((sum, r) => sum + r.perUpdate * r[path], 0);
  const updateFlops = recorded.reduce((sum, s) => sum + s.count * flops(s), 0);
  const [xnnpackMs, gemmMs] = [update('xnnpackMs'), update('gemmMs')];
  cases[c] = {
    productsPerUpdate: recorded.reduce((sum, s) => sum + s.count, 0),
    productGflopPerUpdate: round(updateFlops / 1e9),
    productMsPerUpdate: { xnnpack: round(xnnpackMs), gemm: round(gemmMs) },
    updateGflops: { xnnpack: round(updateFlops / xnnpackMs / 1e6), gemm: round(updateFlops / gemmMs / 1e6) },
    speedup: round(xnnpackMs / gemmMs),
    shapes: rows,
  };
  console.error(`${algo} ${c}: products ${round(xnnpackMs)} -> ${round(gemmMs)} ms per update (${round(xnnpackMs / gemmMs)}x)`);
}
bench.finish(arg('out', 'wasmGemm'), {
  note: `tfjs wasm (one thread) in Node. Products of one ${algo} update recorded by tf.profile (lone run for K=1, else a population of K; shapes in the explicit-transpose kernel's plain layout, perUpdate = calls per update), each timed through tfjs's XNNPACK path and the lab's GEMM: median over ${rounds} alternating rounds of about ${ms} ms. productMsPerUpdate sums the recorded shapes' medians times their counts. The two rows with perUpdate 0 are the widest layer's gradient products in transposed layouts (xnnpack: Transpose kernel then product, as today; gemm: read in place).`,
  algo,
  cases,
});
