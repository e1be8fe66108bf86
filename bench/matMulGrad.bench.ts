// The explicit-transpose matMul's gradients on wasm computed lazily (only those on the path to the differentiated
// variables: src/core/tf/explicitTransposeMatMul.ts) against eagerly (both for every product, as the tf.customGrad it
// replaced did), side by side in one process: one agent's update in alternating slices with either gradient registered,
// and the products' multiply-adds per update counted by tf.profile. Node, tfjs wasm, fixed random batches.
// Run: npx tsx bench/matMulGrad.bench.ts [--algos td3bc,sac] [--sizes d4rl,teaching] [--budget 8000] [--cycles 8]
// JSON on stdout and in bench/results/matMulGrad-<date>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { agentForSpec } from '../src/core/run/measure';
import { configureWasm } from '../src/core/tf/backend';
import { EXPLICIT_TRANSPOSE_KERNEL } from '../src/core/tf/explicitTransposeMatMul';
import { matMulFastGrad } from '../src/core/algos/nets';
import { interleaved, specOf, type Subject } from './populationSubjects';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const algos = arg('algos', 'td3bc,sac').split(',');
const sizes = arg('sizes', 'd4rl,teaching').split(',');
const budget = Number(arg('budget', '8000'));
const cycles = Number(arg('cycles', '8'));

configureWasm();
await tf.setBackend('wasm');
await tf.ready();
// Registers the kernel and its (lazy) gradient; the eager one computes both closures before handing them back.
tf.tidy(() => matMulFastGrad(tf.ones([1, 1]), tf.ones([1, 1])));
const lazy = tf.getGradient(EXPLICIT_TRANSPOSE_KERNEL)!;
const eager: tf.GradConfig = {
  ...lazy,
  gradFunc: (dy, saved, attrs) => {
    const closures = lazy.gradFunc(dy, saved, attrs);
    const grads = Object.fromEntries(Object.entries(closures).map(([name, f]) => [name, f()]));
    return Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, () => g]));
  },
};
let current: tf.GradConfig | null = null;
const useGradient = (config: tf.GradConfig) => {
  if (current === config) return;
  const warn = console.warn;
  console.warn = () => {}; // tfjs warns that a gradient is overridden: on purpose here
  tf.registerGradient(config);
  console.warn = warn;
  current = config;
};

/** The two variants on one agent (a lone run's variable names exist once per process), the gradient swapped per slice. */
function variants(algorithmId: string, size: string): { subjects: Subject[]; dispose: () => void } {
  const { agent, batch } = agentForSpec(specOf(algorithmId, size), 0);
  const subject = (name: string, config: tf.GradConfig): Subject => ({
    name,
    update: () => {
      useGradient(config);
      return agent.update(batch as never);
    },
    dispose: () => {},
  });
  return {
    subjects: [subject('lazy', lazy), subject('eager', eager)],
    dispose: () => {
      tf.dispose(Object.values(batch));
      agent.dispose();
    },
  };
}

/**
 * Multiply-adds of the explicit-transpose products per update (2 m k n per product, batched ones times their batch),
 * over two updates (TD3+BC's actor steps every second one).
 */
async function productGflop(s: Subject): Promise<{ products: number; gflop: number }> {
  const profile = await tf.profile(() => tf.tidy(() => [s.update(), s.update()]));
  const products = profile.kernels.filter((k) => k.name === EXPLICIT_TRANSPOSE_KERNEL);
  const flops = products.reduce((sum, k) => {
    const [a, b] = k.inputShapes as number[][];
    return sum + 2 * a.slice(0, -1).reduce((x, y) => x * y, 1) * a[a.length - 1] * b[b.length - 1];
  }, 0);
  return { products: products.length / 2, gflop: Number((flops / 2e9).toPrecision(4)) };
}

const round = (x: number) => Number(x.toPrecision(4));
const loadBefore = loadavg();
const cases: Record<string, unknown> = {};
for (const size of sizes) {
  for (const algorithmId of algos) {
    const { subjects, dispose } = variants(algorithmId, size);
    const work = { lazy: await productGflop(subjects[0]), eager: await productGflop(subjects[1]) };
    const ups = await interleaved(subjects, cycles, budget / cycles);
    cases[`${algorithmId} ${size}`] = { updatesPerSecond: { lazy: round(ups.lazy), eager: round(ups.eager) }, lazyOverEager: round(ups.lazy / ups.eager), productsPerUpdate: work };
    console.error(`${algorithmId} ${size}: ${JSON.stringify(cases[`${algorithmId} ${size}`])}`);
    dispose();
  }
}
const json = JSON.stringify({ note: 'Node wasm, one process, alternating slices after a warm-up; lazy: gradients only where asked (this branch); eager: both gradients of every product (the tf.customGrad before)', date: new Date().toISOString(), machineCores: cpus().length, budgetMs: budget, loadAverage: { before: loadBefore.map(round), after: loadavg().map(round) }, cases }, null, 2);
console.log(json);
mkdirSync('bench/results', { recursive: true });
writeFileSync(`bench/results/matMulGrad-${new Date().toISOString().slice(0, 10)}.json`, `${json}\n`);
