// The rows an N-critic ensemble sees (src/core/algos/ensemble.ts's forEveryMember) made by a broadcast add against
// tf.tile, side by side in one process: SAC-N's actor step differentiates through them, and tile's gradient in tfjs is
// a loop of one slice and one add per copy (2N kernels) where a broadcast's is one sum. Measured: the actor step's
// critic part at the teaching size (Pendulum-shaped, 64x64 critics, batch 256): grad_a of mean_B min_j Q_j(s, a)
// through an EnsembleMLP of N critics, with either input, in alternating slices; kernels of one step by tf.profile.
// Node, tfjs wasm, fixed random rows.
// Run: npx tsx bench/ensembleInput.bench.ts [--ns 10,50] [--budget 6000] [--cycles 8]
// JSON on stdout and in bench/results/ensembleInput-<date>.json.
import * as tf from '@tensorflow/tfjs';
import { EnsembleMLP, forEveryMember, minOverMembers } from '../src/core/algos/ensemble';
import { Rng } from '../src/core/rng';
import { configureWasm } from '../src/core/tf/backend';
import { round, startBench } from './benchResult';
import { interleaved, type Subject } from './populationSubjects';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const ns = arg('ns', '10,50').split(',').map(Number);
const budget = Number(arg('budget', '6000'));
const cycles = Number(arg('cycles', '8'));

configureWasm();
await tf.setBackend('wasm');
await tf.ready();

const [B, OBS, A] = [256, 3, 1];

/** The critic part of SAC-N's actor step: grad_a of mean over rows of min_j Q_j(s, a), the rows made by `input`. */
function subject(name: string, net: EnsembleMLP, input: (x: tf.Tensor2D) => tf.Tensor3D): Subject {
  const obs = tf.randomNormal([B, OBS], 0, 1, 'float32', 1) as tf.Tensor2D;
  const action = tf.randomUniform([B, A], -1, 1, 'float32', 2) as tf.Tensor2D;
  const gradient = tf.grad((a: tf.Tensor) => tf.mean(minOverMembers(tf.squeeze(net.apply(input(tf.concat([obs, a], 1) as tf.Tensor2D)), [2]) as tf.Tensor2D)));
  return {
    name,
    update: () => tf.tidy(() => gradient(action)),
    dispose: () => tf.dispose([obs, action]),
  };
}

async function kernelsOf(s: Subject): Promise<number> {
  tf.dispose(s.update());
  return (await tf.profile(() => tf.dispose(s.update()))).kernels.length;
}

const bench = startBench();
const cases: Record<string, unknown> = {};
for (const N of ns) {
  const net = new EnsembleMLP('bench/q', N, [OBS + A, 64, 64, 1], new Rng(0));
  const subjects = [subject('broadcast', net, (x) => forEveryMember(x, N)), subject('tile', net, (x) => tf.tile(tf.expandDims(x, 0), [N, 1, 1]) as tf.Tensor3D)];
  // Both give the same gradient.
  const [g1, g2] = subjects.map((s) => s.update());
  const agree = Math.max(...(await tf.sub(g1, g2).abs().data()));
  tf.dispose([g1, g2]);
  const kernels = { broadcast: await kernelsOf(subjects[0]), tile: await kernelsOf(subjects[1]) };
  const ups = await interleaved(subjects, cycles, budget / cycles);
  for (const s of subjects) s.dispose();
  net.dispose();
  const name = `teaching N=${N}`;
  cases[name] = { largestGradientDifference: agree, kernelsPerStep: kernels, stepsPerSecond: { broadcast: round(ups.broadcast), tile: round(ups.tile) }, broadcastOverTile: round(ups.broadcast / ups.tile) };
  console.error(`[ensembleInput.bench] ${name}: ${JSON.stringify(cases[name])}`);
}
bench.finish('ensembleInput', {
  note: 'Node wasm (one thread); grad_a of mean min_j Q_j(s, a) through N 64x64 critics, batch 256, with the ensemble input made by a broadcast add (the code) or by tf.tile (the code before), in alternating slices in one process after a warm-up; kernels per step by tf.profile',
  budgetMs: budget,
  cases,
});
