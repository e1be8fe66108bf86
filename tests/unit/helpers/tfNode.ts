import * as tf from '@tensorflow/tfjs';
import { configureWasm } from '../../../src/core/tf/backend';

/** Node tests run on the wasm backend (tfjs-node cannot install here; wasm is the fast CPU path). */
export async function useBackend(name: 'wasm' | 'cpu' = 'wasm'): Promise<void> {
  configureWasm();
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend ${name} did not initialise`);
  await tf.ready();
}
