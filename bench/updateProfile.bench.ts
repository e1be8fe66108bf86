// Where an update's time goes on tfjs wasm in Node, for a lone run and a population of K members: kernel time by
// kernel (tf.profile), the matrix products' share, their FLOPs and rate, and from these the most a population could
// gain over lone runs on this core. Why the bound holds: every member's products are still computed (a population
// batches them, it does not remove them), so a member-update can never cost less than its share of the population's
// product time; everything else (elementwise kernels, per-kernel overhead) is what batching can save. Run: npx tsx bench/updateProfile.bench.ts [--algos iql,td3bc,sac] [--ks 8] [--size teaching] [--budget 3000]
import * as tf from '@tensorflow/tfjs';
import { configureWasm } from '../src/core/tf/backend';
import { round, startBench } from './benchResult';
import { interleaved, loneSubject, populationSubject, specOf, type Subject } from './populationSubjects';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const MATMULS = new Set(['BatchMatMul', 'LabMatMulExplicitTranspose', '_FusedMatMul', 'MatMul']);
const PROFILED_UPDATES = 10;

/** FLOPs of a product from its shapes: 2 x (output elements) x the inner dimension (A is [.., m, k] or [.., k, m]). */
function productFlops(inputShapes: number[][], outputShape: number[]): number {
  const a = inputShapes[0];
  const m = outputShape[outputShape.length - 2];
  const inner = (a[a.length - 2] * a[a.length - 1]) / m;
  return 2 * outputShape.reduce((x, y) => x * y, 1) * inner;
}

/** Kernel time per update by kernel name, and the products' FLOPs, over a few profiled updates. */
async function profile(subject: Subject) {
  const byKernel = new Map<string, { calls: number; ms: number }>();
  let flops = 0;
  for (let r = 0; r < PROFILED_UPDATES; r++) {
    const info = await tf.profile(() => subject.update());
    tf.dispose(info.result as tf.Tensor);
    for (const k of info.kernels) {
      const e = byKernel.get(k.name) ?? { calls: 0, ms: 0 };
      e.calls += 1;
      e.ms += Number(k.kernelTimeMs);
      byKernel.set(k.name, e);
      if (MATMULS.has(k.name)) flops += productFlops(k.inputShapes as number[][], k.outputShapes[0] as number[]);
    }
  }
  const rows = [...byKernel.entries()].map(([name, e]) => ({ name, calls: e.calls / PROFILED_UPDATES, ms: e.ms / PROFILED_UPDATES })).sort((x, y) => y.ms - x.ms);
  const kernelMs = rows.reduce((s, r) => s + r.ms, 0);
  const productMs = rows.filter((r) => MATMULS.has(r.name)).reduce((s, r) => s + r.ms, 0);
  return {
    kernelsPerUpdate: rows.reduce((s, r) => s + r.calls, 0),
    kernelMsPerUpdate: round(kernelMs),
    productMsPerUpdate: round(productMs),
    productGflopPerUpdate: round(flops / PROFILED_UPDATES / 1e9),
    productGflopsPerSecond: round(flops / PROFILED_UPDATES / 1e6 / productMs),
    top: rows.slice(0, 8).map((r) => ({ ...r, ms: round(r.ms) })),
  };
}

const bench = startBench();
configureWasm();
await tf.setBackend('wasm');
await tf.ready();
const ks = arg('ks', '8').split(',').map(Number);
const size = arg('size', 'teaching');
const budget = Number(arg('budget', '3000'));
const cases: Record<string, unknown> = {};
for (const algorithmId of arg('algos', 'iql,td3bc,sac').split(',')) {
  const spec = specOf(algorithmId, size);
  const subjects = [loneSubject(spec), ...ks.map((k) => populationSubject(spec, k))];
  const rates = await interleaved(subjects, 4, budget / 4);
  const lone = await profile(subjects[0]);
  const loneMs = 1000 / rates.lone;
  const populations: Record<string, unknown> = {};
  for (const [i, k] of ks.entries()) {
    const p = await profile(subjects[i + 1]); // one profile at a time: tf.profile is not reentrant
    const productMsPerMember = p.productMsPerUpdate / k;
    populations[`K=${k}`] = {
      populationUpdatesPerSecond: round(rates[`K=${k}`]),
      overOneLoneRun: round((rates[`K=${k}`] * k) / rates.lone),
      productMsPerMember: round(productMsPerMember),
      // Even if everything but the products were free, a member-update costs its products at this rate.
      boundOverOneLoneRun: round(loneMs / productMsPerMember),
      ...p,
    };
  }
  for (const s of subjects) s.dispose();
  cases[algorithmId] = { loneUpdatesPerSecond: round(rates.lone), lone: { msPerUpdate: round(loneMs), ...lone }, populations };
  const said = ks.map((k) => {
    const p = populations[`K=${k}`] as { overOneLoneRun: number; boundOverOneLoneRun: number };
    return `K=${k} ${p.overOneLoneRun}x of at most ${p.boundOverOneLoneRun}x`;
  });
  console.error(`${algorithmId}: lone ${round(rates.lone)}/s; ${said.join(', ')}`);
}
bench.finish(arg('out', `update-profile-${size}`), {
  note: 'tfjs wasm (one thread) in Node, fixed random batches (bench/populationSubjects.ts). Kernel times from tf.profile (wall time of each kernel on wasm). boundOverOneLoneRun (per K): lone ms per update / the product ms per member at that K, the most that population could gain even if all but its products were free. Profiled kernel times include the overhead of tf.profile (large for the small kernels of a lone run); the rates are unprofiled.',
  size,
  cases,
});
