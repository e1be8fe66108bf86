import * as tf from '@tensorflow/tfjs';
import { agentForSpec, type MeasureSpec } from './measure';

/**
 * Runs `updates` updates from weights and a batch fixed by `seed`, on the current backend, and returns the
 * metrics of each update. The same call on two backends must agree to float tolerance: it is how the lab
 * knows a backend (WebGPU above all) computes the algorithm right.
 */
export async function fixedUpdates(spec: MeasureSpec, seed: number, updates: number): Promise<number[][]> {
  const { agent, batch } = agentForSpec(spec, seed);
  const rows: number[][] = [];
  try {
    for (let i = 0; i < updates; i++) {
      await agent.prepareUpdate?.(batch);
      const m = agent.update(batch);
      rows.push(Array.from(await m.data()));
      m.dispose();
    }
    return rows;
  } finally {
    tf.dispose(Object.values(batch));
    agent.dispose();
  }
}
