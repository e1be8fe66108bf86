// A D4RL-style hopper-medium run made entirely in the lab (issue 12's "checks of the algorithms on real tasks", issue
// 13's last check). No copy of D4RL's hopper-medium-v2.hdf5 could be fetched here, so the data is the lab's own:
//   1. behaviour: PPO (CleanRL's MuJoCo settings where the lab's PPO has them) trained on Hopper-v5 until its sampled
//      (stochastic) episodes return D4RL-medium level, about 1/3 of expert (hopper-medium's episodes average ~1,420);
//   2. dataset: transitions recorded from that policy, sampled as D4RL did (policyDataset.ts), also written as a
//      D4RL-layout HDF5 file (h5py through /usr/bin/python3) that the page imports;
//   3. offline: IQL, TD3+BC (CORL's hopper-medium settings), then ReBRAC, SAC-N, PRDC, A2PR on the same data for a
//      fixed number of updates, evaluated every N updates (10 MuJoCo episodes, D4RL-normalized score).
// Each stage caches its output in bench/.cache/hopper-medium (gitignored; HOPPER_MEDIUM_CACHE names another folder) and is skipped when that output exists, so
// an interrupted run resumes where it stopped (an offline run resumes from its last evaluation's checkpoint).
// Run: nice -n 5 npx tsx bench/hopperMedium.bench.ts [--stage behaviour|dataset|offline|summary|all] [--algos bc,iql,td3bc]
//      [--updates 10000] [--every 1000] [--transitions 300000] [--ppo-steps 1500000] [--target 1350]
// (an algorithm may carry its own number of updates: --algos rebrac:2000,sac-n:1000)
import * as tf from '@tensorflow/tfjs';
import { loadavg } from 'node:os';
import { hopperArgs, runBehaviour } from './hopperMedium/behaviour';
import { runDatasetStage } from './hopperMedium/dataset';
import { runOffline } from './hopperMedium/offline';
import { writeSummary } from './hopperMedium/summary';
import { loadMujoco } from '../src/core/envs/mujoco/loadMujoco';
import { configureWasm } from '../src/core/tf/backend';

async function main(): Promise<void> {
  configureWasm();
  await tf.setBackend('wasm');
  await tf.ready();
  await loadMujoco();
  const args = hopperArgs();
  process.stderr.write(`hopper-medium: stage ${args.stage}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
  const all = args.stage === 'all';
  if (all || args.stage === 'behaviour') await runBehaviour(args);
  if (all || args.stage === 'dataset') await runDatasetStage(args);
  if (all || args.stage === 'offline') await runOffline(args);
  if (all || args.stage === 'offline' || args.stage === 'summary') writeSummary();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
