// Lockstep diagnosis of online DQN on CartPole-v1 against bench/dqn_cartpole_peer.py --lockstep: both sides take every
// random number from the same recorded streams (initial weights, episode start states, epsilon draws and random
// actions, replay indices), so if the two implementations are the same they take the same actions and make the same
// updates until float rounding flips a near-tie of the greedy argmax. The lab side uses the lab's agent, replay buffer
// and CartPole (the schedule of bench/online.bench.ts's Trainer written out: 256 steps, then 128 updates once past
// 1000 steps). Writes the streams, the actions taken and each update's TD loss under --out, and prints JSON.
// Run: npx tsx bench/dqnLockstep.ts [--seed 0] [--steps 50000] [--out bench/.cache/dqn-lockstep]
//   then: python3 bench/dqn_cartpole_peer.py --lockstep bench/.cache/dqn-lockstep
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createOnlineDQNAgent, dqnOnlineHyperparameters, epsilonAt } from '../src/core/algos/dqnOnline';
import { CartPole } from '../src/core/envs/cartpole';
import { TimeLimit } from '../src/core/envs/timeLimit';
import { resolveValues } from '../src/core/run/hyperparameters';
import { ReplayBuffer } from '../src/core/run/replayBuffer';
import { Rng } from '../src/core/rng';
import { configureWasm } from '../src/core/tf/backend';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};

const seed = Number(arg('seed', '0'));
const steps = Number(arg('steps', '50000'));
const out = arg('out', 'bench/.cache/dqn-lockstep');
const hp = resolveValues(dqnOnlineHyperparameters, {}, 'DQN (online)');
const [trainFreq, gradientSteps, batchSize, learningStarts] = [Number(hp.trainFrequency), Number(hp.gradientSteps), Number(hp.batchSize), Number(hp.learningStarts)];
const EVAL_EPISODES = 10;

/** Draws from the recorded stream `values` in order. */
function stream(values: Float64Array) {
  let k = 0;
  return () => {
    if (k >= values.length) throw new Error('a recorded random stream ran out');
    return values[k++];
  };
}

async function main(): Promise<void> {
  configureWasm();
  await tf.setBackend('wasm');
  await tf.ready();
  const rng = new Rng(seed);
  const fill = (n: number, f: () => number) => Float64Array.from({ length: n }, f);
  const rounds = Math.ceil(steps / trainFreq);
  const streams = {
    starts: fill((rounds * trainFreq + EVAL_EPISODES) * 4, () => rng.uniform(-0.05, 0.05)),
    acting: fill(rounds * trainFreq * 2, () => rng.next()),
    replay: fill(rounds * gradientSteps * batchSize, () => rng.next()),
  };
  mkdirSync(out, { recursive: true });
  for (const [name, values] of Object.entries(streams)) writeFileSync(`${out}/${name}.f64`, Buffer.from(values.buffer));

  const agent = createOnlineDQNAgent({ observationDim: 4, actionDim: 1, discreteActions: 2, hyperparameters: hp, rng: new Rng(seed + 1), observationMean: new Float32Array(4), observationStd: new Float32Array(4).fill(1) });
  const initial = (await agent.save()).weights;
  const online = Object.keys(initial).filter((k) => k.startsWith('dqn-online/q/'));
  // w0, w1, w2, b0, b1, b2 ([in, out] row-major) as float32, in that order.
  writeFileSync(`${out}/weights.f32`, Buffer.concat(online.map((k) => Buffer.from(initial[k].values.buffer.slice(0)))));
  writeFileSync(`${out}/weights.json`, JSON.stringify(online.map((k) => ({ name: k, shape: initial[k].shape }))));

  const nextStart = stream(streams.starts);
  const nextActing = stream(streams.acting);
  const replayDraw = stream(streams.replay);
  // ReplayBuffer.sample draws its rows with rng.int(size): here from the recorded stream.
  const replayRng = { int: (n: number) => Math.floor(replayDraw() * n) } as unknown as Rng;
  const env = new TimeLimit(new CartPole());
  const begin = (): Float32Array => {
    env.reset();
    const s = Float64Array.from({ length: 4 }, nextStart);
    env.setState(s);
    return Float32Array.from(s);
  };
  const greedy = async (obs: Float32Array): Promise<number> => {
    const x = tf.tensor2d(obs, [1, 4]);
    const a = agent.act(x, 'greedy');
    const v = (await a.data())[0];
    tf.dispose([x, a]);
    return v;
  };

  const buffer = new ReplayBuffer(Number(hp.bufferSize), 4, 1, Number(hp.gamma));
  const actions = new Uint8Array(rounds * trainFreq);
  const losses: number[] = [];
  const returns: number[] = [];
  let [obs, ret, t] = [begin(), 0, 0];
  const t0 = performance.now();
  while (t < steps) {
    for (let k = 0; k < trainFreq; k++, t++) {
      agent.observeEnvSteps!(t);
      const eps = epsilonAt(t, Number(hp.epsilonStart), Number(hp.epsilonEnd), Number(hp.explorationFraction) * Number(hp.totalEnvSteps));
      const [u, v] = [nextActing(), nextActing()];
      const a = u < eps ? Math.floor(v * 2) : await greedy(obs);
      actions[t] = a;
      const r = env.step(a);
      buffer.add(0, obs, [a], r.reward, r.observation, r.terminated, r.terminated || r.truncated);
      ret += r.reward;
      if (r.terminated || r.truncated) {
        returns.push(ret);
        [obs, ret] = [begin(), 0];
      } else obs = r.observation;
    }
    if (t <= learningStarts) continue;
    for (let g = 0; g < gradientSteps; g++) {
      const batch = buffer.sample(batchSize, replayRng);
      const m = agent.update(batch);
      losses.push((await m.data())[0]);
      tf.dispose([m, ...Object.values(batch)]);
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  writeFileSync(`${out}/lab_actions.u8`, Buffer.from(actions.subarray(0, t)));
  writeFileSync(`${out}/lab_losses.f32`, Buffer.from(Float32Array.from(losses).buffer));

  const evalReturns: number[] = [];
  for (let e = 0; e < EVAL_EPISODES; e++) {
    let [o, total] = [begin(), 0];
    for (;;) {
      const r = env.step(await greedy(o));
      total += r.reward;
      o = r.observation;
      if (r.terminated || r.truncated) break;
    }
    evalReturns.push(total);
  }
  const last = returns.slice(-20);
  const result = { side: 'lab (tfjs wasm)', seed, envSteps: t, updates: losses.length, seconds: Number(seconds.toFixed(1)), loadavg: loadavg(), evalReturns, evalMean: evalReturns.reduce((a, b) => a + b, 0) / EVAL_EPISODES, last20: last.reduce((a, b) => a + b, 0) / last.length };
  writeFileSync(`${out}/lab_result.json`, JSON.stringify(result));
  console.log(JSON.stringify(result));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
