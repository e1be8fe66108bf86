// The lab's wasm kernels for populations against tfjs-wasm's own, in one process: a lone run and populations of K,
// each updated alternately with tfjs's Identity, Cast and Sum and MemberAdam as tf ops ("tfjs"), and with the lab's
// buffer-sharing Identity and Cast (core/tf/wasmSharedCopies.ts), in-place middle-axis Sum (core/tf/wasmMiddleSum.ts)
// and one-kernel Adam step (core/tf/wasmAdam.ts) ("lab"). The batched matMul of core/tf/wasmBatchMatMul.ts
// is in both. Both give the same bits, so the updates/s are the only difference. JSON on stdout and in bench/results.
// `--only adam` swaps only the Adam step (tf/wasmAdam.ts, which the lone runs' Adam uses too) and keeps the lab's other
// kernels in both; `--ks none` measures lone runs only; `--cases bc:teaching,dqn:cartpole` names algorithm and size pairs.
// Run: npx tsx bench/populationKernels.bench.ts [--budget 8000] [--cycles 8] [--ks 1,8|none] [--algos iql,td3bc,sac]
//   [--sizes teaching] [--cases algo:size,...] [--only adam] [--adam-kernel-below 8192] [--out name]
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { adamKernelChoice } from '../src/core/tf/wasmAdam';
import { configureWasm } from '../src/core/tf/backend';
import { round, startBench } from './benchResult';
import { interleaved, loneSubject, populationSubject, specOf, type Subject } from './populationSubjects';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const budget = Number(arg('budget', '8000'));
const cycles = Number(arg('cycles', '8'));
const ks = arg('ks', '1,8') === 'none' ? [] : arg('ks', '1,8').split(',').map(Number);
const algos = arg('algos', 'iql,td3bc,sac').split(',');
const sizes = arg('sizes', 'teaching').split(',');
const cases = arg('cases', '')
  ? arg('cases', '').split(',').map((c) => c.split(':') as [string, string])
  : sizes.flatMap((size) => algos.map((algorithmId) => [algorithmId, size] as [string, string]));
const onlyAdam = arg('only', '') === 'adam';
if (arg('only', 'adam') !== 'adam') throw new Error(`--only takes "adam" (the Adam step alone), not "${arg('only', '')}"`);

const REPLACED = ['Identity', 'Cast', 'Concat'];
const tfjsKernels = REPLACED.map((name) => tf.getKernel(name, 'wasm')!);
configureWasm();
const labKernels = REPLACED.map((name) => tf.getKernel(name, 'wasm')!);
// `--adam-kernel-below N` moves the lab's choice (Infinity: the kernel for every size).
const labAdam = Number(arg('adam-kernel-below', String(adamKernelChoice.valuesPerVariable)));
await tf.setBackend('wasm');
await tf.ready();

type Config = 'tfjs' | 'lab';
let current: Config = 'lab';
function use(config: Config): void {
  if (config === current) return;
  current = config;
  for (const k of config === 'lab' || onlyAdam ? labKernels : tfjsKernels) {
    tf.unregisterKernel(k.kernelName, 'wasm');
    tf.registerKernel(k);
  }
  adamKernelChoice.valuesPerVariable = config === 'lab' ? labAdam : 0;
  adamKernelChoice.simdValuesPerVariable = config === 'lab' ? Infinity : 0;
}

/** The same subject under one configuration (switched before each update: the registry swap costs microseconds). */
function under(config: Config, s: Subject): Subject {
  return { name: `${s.name} ${config}`, update: () => (use(config), s.update()), dispose: () => undefined };
}

const log = (s: string) => console.error(`[populationKernels.bench] ${s}`);
const bench = startBench();
const rows: Record<string, unknown> = {};
for (const [algorithmId, size] of cases) {
  const name = `${algorithmId} ${size}`;
  log(`${name}: lone and K = ${ks.join(', ')}, tfjs and lab kernels alternating ...`);
  const spec = specOf(algorithmId, size);
  const subjects = [loneSubject(spec), ...ks.map((k) => populationSubject(spec, k))];
  const measured = await interleaved(
    subjects.flatMap((s) => [under('tfjs', s), under('lab', s)]),
    cycles,
    budget / cycles / (2 * subjects.length),
  );
  for (const s of subjects) s.dispose();
  const lone = { tfjs: measured['lone tfjs'], lab: measured['lone lab'] };
  const row: Record<string, unknown> = { lone: { tfjs: round(lone.tfjs), lab: round(lone.lab), labOverTfjs: round(lone.lab / lone.tfjs) } };
  for (const k of ks) {
    const [a, b] = [measured[`K=${k} tfjs`], measured[`K=${k} lab`]];
    row[`K=${k}`] = {
      memberUpdatesPerSecond: { tfjs: round(a * k), lab: round(b * k) },
      labOverTfjs: round(b / a),
      overOneLoneRun: { tfjs: round((a * k) / lone.tfjs), lab: round((b * k) / lone.lab) },
    };
  }
  rows[name] = row;
  log(`${name}: ${JSON.stringify(row)}`);
}
bench.finish(arg('out', 'populationKernels'), {
  note: `Node wasm (one thread). updates/s of one lone run and of populations of K, each with ${onlyAdam ? 'the Adam step as tf ops (tfjs) and as the lab kernel (lab), the other lab kernels in both' : 'tfjs-wasm kernels (tfjs) and the lab kernels (lab)'}, all alternating in one process after a warm-up; fixed random batches`,
  budgetMs: budget,
  cycles,
  cases: rows,
});
