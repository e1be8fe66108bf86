// Stage 2: the dataset. The chosen PPO checkpoint's policy, sampled (D4RL recorded its medium data from the SAC
// policy's samples, not its mean), rolled out in Hopper-v5 by the lab's own recorder (policyDataset.ts), written as a
// D4RL-layout HDF5 file by the lab's exporter (what the page's "download" gives), and read back below through the
// page's import path, so the offline runs train on exactly what a user would drop into the page.
import { readFileSync } from 'node:fs';
import { episodeReturns, returnStats, type ReturnStats } from '../../src/core/data/episodes';
import { exportD4rl } from '../../src/core/data/formats';
import { importDatasetFile } from '../../src/core/data/importFile';
import type { Dataset } from '../../src/core/data/dataset';
import { normalizedScore } from '../../src/core/data/score';
import { Trainer, type TrainerCheckpoint } from '../../src/core/run/trainer';
import { hopperStub, PPO_SETTINGS, round1, runBehaviour, type HopperArgs } from './behaviour';
import { cachePath, loadCheckpoint, readJson, writeAtomic } from './cache';
import { HOPPER_REF } from './reference';

export const DATASET_FILE = 'hopper-medium-lab.hdf5';

export interface DatasetSummary {
  file: string;
  transitions: number;
  fromCheckpoint: string;
  returns: ReturnStats;
  normalized: { mean: number | null; min: number | null; max: number | null };
  terminals: number;
  timeouts: number;
  seconds: number;
  stepsPerSecond: number;
}

export async function runDatasetStage(args: HopperArgs): Promise<DatasetSummary> {
  const donePath = cachePath('dataset.json');
  const done = readJson<DatasetSummary>(donePath);
  if (done) {
    process.stderr.write(`dataset: cached (${done.transitions} transitions, mean return ${done.returns.mean.toFixed(0)})\n`);
    return done;
  }
  const behaviour = await runBehaviour(args);
  const checkpoint = loadCheckpoint<TrainerCheckpoint>(cachePath(behaviour.chosen.checkpoint));
  if (!checkpoint) throw new Error(`the chosen behaviour checkpoint ${behaviour.chosen.checkpoint} is missing from ${cachePath('.')}: delete behaviour.json to train again`);
  const trainer = Trainer.restore({ dataset: hopperStub(), algorithmId: 'ppo', hyperparameters: { ...PPO_SETTINGS } }, checkpoint);
  const start = performance.now();
  let dataset: Dataset;
  try {
    let shown = 0;
    dataset = await trainer.recordDataset({
      transitions: args.transitions,
      seed: args.seed + 1,
      mode: 'sample',
      name: 'hopper-medium-lab',
      numEnvs: 16,
      onProgress: (f) => {
        if (f - shown < 0.1 && f < 1) return;
        shown = f;
        process.stderr.write(`dataset: ${(100 * f).toFixed(0)}%\n`);
      },
    });
  } finally {
    trainer.dispose();
  }
  const seconds = (performance.now() - start) / 1000;
  dataset.metadata = { ...(dataset.metadata ?? {}), behaviour_policy: `lab PPO on Hopper-v5, ${behaviour.chosen.envSteps} env steps, sampled`, simulator: 'MuJoCo 3.14 (@mujoco/mujoco wasm), Gymnasium Hopper-v5 contract' };
  writeAtomic(cachePath(DATASET_FILE), await exportD4rl(dataset));
  const returns = returnStats(episodeReturns(dataset));
  const count = (a: Uint8Array) => a.reduce((s, v) => s + v, 0);
  const summary: DatasetSummary = {
    file: DATASET_FILE,
    transitions: dataset.size,
    fromCheckpoint: behaviour.chosen.checkpoint,
    returns: { episodes: returns.episodes, mean: Number(returns.mean.toFixed(1)), std: Number(returns.std.toFixed(1)), min: Number(returns.min.toFixed(1)), max: Number(returns.max.toFixed(1)) },
    normalized: { mean: round1(normalizedScore(returns.mean, HOPPER_REF)), min: round1(normalizedScore(returns.min, HOPPER_REF)), max: round1(normalizedScore(returns.max, HOPPER_REF)) },
    terminals: count(dataset.terminals),
    timeouts: count(dataset.timeouts),
    seconds: Number(seconds.toFixed(1)),
    stepsPerSecond: Number((dataset.size / seconds).toFixed(0)),
  };
  writeAtomic(donePath, JSON.stringify(summary, null, 1));
  process.stderr.write(`dataset: ${JSON.stringify(summary)}\n`);
  return summary;
}

/** The recorded file read back as the page reads a dropped file (environment matched from the file's own attributes). */
export async function loadHopperDataset(args: HopperArgs): Promise<Dataset> {
  const summary = await runDatasetStage(args);
  const { dataset, decision } = await importDatasetFile(new Uint8Array(readFileSync(cachePath(summary.file))), { fileName: summary.file, env: { kind: 'auto' } });
  if (dataset.envId !== 'Hopper-v5') throw new Error(`${summary.file} was matched to ${dataset.envId ?? 'no environment'} (${decision}), expected Hopper-v5`);
  return dataset;
}
