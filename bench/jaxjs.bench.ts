// The lab's DQN population on tfjs-wasm against the same population written with jax-js (vmap + valueAndGrad + jit on
// its wasm device, bench/jaxjsDqn.ts), in one Node process: first a check that both compute the same update (member
// metrics after 3 updates from the same weights and batches), then member-updates/s of a lone tfjs run, tfjs
// populations and jax-js populations of K members, measured in alternating slices (bench/populationSubjects.ts).
// jax-js runs each population two ways: jit(vmap(member step)) on stacked members, and the K member steps unrolled in one
// jit (each member's own 2-d products), to tell what vmap's batched kernels cost.
// Run: npx tsx bench/jaxjs.bench.ts [--budget 4000] [--cycles 8] [--ks 1,8,32] [--sizes cartpole,d4rl-discrete] [--modes vmap,unrolled] [--out jaxjs]
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { memberBatch, type MeasureSpec } from '../src/core/run/measure';
import { configureWasm } from '../src/core/tf/backend';
import { round, startBench } from './benchResult';
import { jaxDqnPopulation, startJaxWasm } from './jaxjsDqn';
import { interleaved, loneSubject, populationSubject, specOf, type Readback, type Subject } from './populationSubjects';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const budget = Number(arg('budget', '4000'));
const cycles = Number(arg('cycles', '8'));
const ks = arg('ks', '1,8,32').split(',').map(Number);
const sizes = arg('sizes', 'cartpole,d4rl-discrete').split(',');
type JaxMode = 'vmap' | 'unrolled';
const modes = arg('modes', 'vmap,unrolled').split(',') as JaxMode[];
const log = (s: string) => console.error(`[jaxjs.bench] ${s}`);

/** The jax-js population of K members on the tfjs population's batches and member settings. */
function jaxSubject(spec: MeasureSpec, K: number, mode: JaxMode): Subject<Readback> {
  const hp = spec.hyperparameters as Record<string, number | string>;
  const b = memberBatch(spec, K, Number(hp.batchSize));
  const host = (t: tf.Tensor) => t.dataSync() as Float32Array;
  const pop = jaxDqnPopulation(K, {
    observationDim: spec.observationDim,
    numActions: spec.discreteActions!,
    hidden: String(hp.hidden).split(',').map(Number),
    gamma: Number(hp.gamma),
    lr: Array(K).fill(Number(hp.lr)),
    tau: Array(K).fill(Number(hp.tau)),
    batchSize: Number(hp.batchSize),
    batch: { observations: host(b.observations), actions: host(b.actions), rewards: host(b.rewards), nextObservations: host(b.nextObservations), dones: host(b.dones), mcReturns: host(b.mcReturns) },
  }, mode);
  tf.dispose(Object.values(b));
  return {
    name: `jax ${mode} K=${K}`,
    update: () => {
      const m = pop.update();
      // jax-js's data() consumes its array (reference-counted ownership): read a new reference, dispose the held one.
      return { data: () => m.ref.data() as Promise<Float32Array>, dispose: () => m.dispose() };
    },
    dispose: () => pop.dispose(),
  };
}

/** Largest |a - b| / max(1, |a|) over every member's metrics after `updates` updates of both. */
async function sameUpdate(a: Subject<Readback>, b: Subject<Readback>, updates: number): Promise<{ maxRelativeDifference: number; tfjs: number[]; jax: number[] }> {
  const last = async (s: Subject<Readback>) => {
    for (let i = 1; i < updates; i++) s.update().dispose();
    const m = s.update();
    const values = [...(await m.data())];
    m.dispose();
    return values;
  };
  const [x, y] = [await last(a), await last(b)];
  if (x.length !== y.length) throw new Error(`metrics differ in size: tfjs ${x.length}, jax-js ${y.length}`);
  return { maxRelativeDifference: Math.max(...x.map((v, i) => Math.abs(v - y[i]) / Math.max(1, Math.abs(v)))), tfjs: x.slice(0, 8).map(round), jax: y.slice(0, 8).map(round) };
}

configureWasm();
await tf.setBackend('wasm');
await tf.ready();
await startJaxWasm();
const bench = startBench();
const cases: Record<string, unknown> = {};
for (const size of sizes) {
  const spec = specOf('dqn', size);
  const name = `dqn ${size}`;
  const checkK = 4;
  const check: Record<string, unknown> = {};
  for (const mode of modes) {
    log(`${name}: same update check, ${mode} (K=${checkK}, 3 updates) ...`);
    const [labCheck, jaxCheck] = [populationSubject(spec, checkK), jaxSubject(spec, checkK, mode)];
    check[mode] = await sameUpdate(labCheck, jaxCheck, 3);
    labCheck.dispose();
    jaxCheck.dispose();
    log(`${name}: ${JSON.stringify(check[mode])}`);
  }

  log(`${name}: lone tfjs run, tfjs and jax-js populations of ${ks.join(', ')}, alternating ...`);
  const subjects = [loneSubject(spec), ...ks.map((k) => populationSubject(spec, k)), ...modes.flatMap((mode) => ks.filter((k) => mode === 'vmap' || k > 1).map((k) => jaxSubject(spec, k, mode)))];
  const loadCase = loadavg()[0];
  const measured = await interleaved(subjects, cycles, budget / cycles);
  for (const s of subjects) s.dispose();
  const lone = measured.lone;
  const population = Object.fromEntries(
    ks.map((k) => {
      const labUps = measured[`K=${k}`] * k;
      const jax = Object.fromEntries(
        modes
          .filter((mode) => measured[`jax ${mode} K=${k}`] !== undefined)
          .map((mode) => {
            const ups = measured[`jax ${mode} K=${k}`] * k;
            return [`jaxjs ${mode}`, { memberUpdatesPerSecond: round(ups), overTfjsPopulation: round(ups / labUps), overTfjsLoneRun: round(ups / lone) }];
          }),
      );
      return [`K=${k}`, { tfjsMemberUpdatesPerSecond: round(labUps), tfjsOverLoneRun: round(labUps / lone), ...jax }];
    }),
  );
  cases[name] = {
    networks: { observationDim: spec.observationDim, actions: spec.discreteActions, hidden: spec.hyperparameters!.hidden, batchSize: spec.hyperparameters!.batchSize },
    sameUpdate: check,
    tfjsLoneRunUpdatesPerSecond: round(lone),
    population,
    loadAverage1MinAtStart: round(loadCase),
    loadAverage1MinAtEnd: round(loadavg()[0]),
  };
  log(`${name}: ${JSON.stringify(cases[name])}`);
}
bench.finish(arg('out', 'jaxjs'), {
  note: 'Node 20, one process, one thread each: tfjs 4.22 wasm (the lab population, src/core/population/dqn.ts) and @jax-js/jax 0.1.25 wasm (bench/jaxjsDqn.ts: jit(vmap(member step)), and the member steps unrolled in one jit); member-updates/s = population updates/s x K; all subjects of a case in alternating slices after a warm-up (jit compile included in the warm-up); fixed random batches',
  budgetMs: budget,
  cases,
});
