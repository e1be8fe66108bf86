import type { HyperParam } from '../run/hyperparameters';

/** Controls of every online algorithm: how many environment copies act at once and when the run ends. */
export function onlineRunParams(d: { numEnvs: number; totalEnvSteps: number }): HyperParam[] {
  return [
    { key: 'numEnvs', label: 'environment copies', help: 'Copies of the environment stepped together in the worker; the policy acts for all of them in one forward pass.', kind: 'int', default: d.numEnvs, min: 1, max: 256, live: false },
    { key: 'totalEnvSteps', label: 'total environment steps', help: 'The run stops by itself after this many environment steps (all copies together).', kind: 'int', default: d.totalEnvSteps, min: 1, max: 100_000_000, live: true },
  ];
}

/** Controls of a replay buffer (SB3's buffer_size, learning_starts, train_freq, gradient_steps). */
export function replayParams(d: { bufferSize: number; learningStarts: number; trainFrequency: number; gradientSteps: number }): HyperParam[] {
  return [
    { key: 'bufferSize', label: 'replay buffer size', help: 'Transitions kept; the oldest are overwritten. Held on the CPU: only batches reach the backend.', kind: 'int', default: d.bufferSize, min: 100, max: 2_000_000, live: false },
    { key: 'learningStarts', label: 'learning starts', help: 'Environment steps collected before the first update.', kind: 'int', default: d.learningStarts, min: 0, max: 1_000_000, live: false },
    { key: 'trainFrequency', label: 'train frequency', help: 'Environment steps (per copy) collected between two rounds of updates.', kind: 'int', default: d.trainFrequency, min: 1, max: 10_000, live: true },
    { key: 'gradientSteps', label: 'gradient steps', help: 'Updates per round. gradient steps / (train frequency x copies) is the update-to-data ratio.', kind: 'int', default: d.gradientSteps, min: 1, max: 10_000, live: true },
  ];
}
