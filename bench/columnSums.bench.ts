// The bias gradients' column sums on wasm: tfjs-wasm's Sum (transpose the reduced axis innermost, then reduce) against
// gemm.wat's sumRows (core/tf/wasmColumnSums.ts: SIMD over the rows in place, the same bits), first alone on the
// shapes of a population update, then inside whole updates (a lone run and populations of K), both ways alternating
// in one process. Node, tfjs wasm, the lab's GEMM for the products either way. JSON on stdout and in bench/results.
// Run: npx tsx bench/columnSums.bench.ts [--budget 4000] [--cycles 8] [--ks 1,8] [--algos iql,td3bc,sac] [--size teaching]
import * as tf from '@tensorflow/tfjs';
import { configureWasm } from '../src/core/tf/backend';
import { setWasmColumnSums } from '../src/core/tf/wasmColumnSums';
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

configureWasm();
await tf.setBackend('wasm');
await tf.ready();
const bench = startBench();

/** The same subject with the column sums on or off. */
const way = (s: Subject, on: boolean): Subject => ({
  name: `${s.name}@${on ? 'sumRows' : 'tfjs'}`,
  update: () => {
    setWasmColumnSums(on);
    return s.update();
  },
  dispose: () => s.dispose(),
});

// Alone: microseconds per Sum over the rows.
const alone: Record<string, unknown> = {};
for (const shape of [[256, 64], [8, 256, 64], [32, 256, 64], [8, 256, 256], [8, 256, 1]]) {
  const x = tf.randomNormal(shape);
  const subject = (on: boolean): Subject => way({ name: shape.join('x'), update: () => tf.sum(x, -2), dispose: () => {} }, on);
  const rates = await interleaved([subject(false), subject(true)], cycles, budget / cycles / 4);
  const [tfjs, mine] = Object.values(rates);
  alone[shape.join('x')] = { tfjsMicroseconds: round(1e6 / tfjs), sumRowsMicroseconds: round(1e6 / mine), speedup: round(mine / tfjs) };
  console.error(`[columnSums] ${shape.join('x')}: ${JSON.stringify(alone[shape.join('x')])}`);
  x.dispose();
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
      const [tfjs, mine] = [rates[`${s.name}@tfjs`], rates[`${s.name}@sumRows`]];
      return [s.name, { memberUpdatesPerSecondTfjs: round(tfjs * members[i]), memberUpdatesPerSecondSumRows: round(mine * members[i]), speedup: round(mine / tfjs) }];
    }),
  );
  console.error(`[columnSums] ${algorithmId} ${size}: ${JSON.stringify(updates[algorithmId])}`);
  for (const s of subjects) s.dispose();
}
setWasmColumnSums(true);
bench.finish(arg('out', 'columnSums'), { note: 'Node wasm, one thread; tfjs-wasm Sum against gemm.wat sumRows (same bits), alternating in one process after a warm-up', size, budgetMs: budget, alone, updates });
