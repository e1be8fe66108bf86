// A worker of bench/wasmThreads.bench.ts: tfjs wasm configured by the lab's configureWasm with a thread count, then one
// bench subject (a lone run or a population, bench/populationSubjects.ts) trained for slices the page asks for.
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { configureWasm } from '../../src/core/tf/backend';
import { wasmFiles } from '../../workers/wasmFiles';
import { loneSubject, populationSubject, specOf, type Subject } from '../populationSubjects';

let subject: Subject | null = null;

const api = {
  /** Starts wasm with `threads` (1: the single-threaded SIMD binary) and builds the subject. */
  async start(threads: number, algorithmId: string, size: string, members: number, logicalCores: number) {
    // tfjs-wasm caps its thread pool at navigator.hardwareConcurrency / 2 (backend.cc assumes 2 hardware threads per
    // core): on a 2-core machine setThreadsCount(2) gives 1 thread unless this worker reports more logical cores.
    if (logicalCores > 0) Object.defineProperty(self.navigator, 'hardwareConcurrency', { value: logicalCores, configurable: true });
    configureWasm(wasmFiles, threads);
    const t0 = performance.now();
    if (!(await tf.setBackend('wasm'))) throw new Error('setBackend(wasm) returned false');
    await tf.ready();
    const spec = specOf(algorithmId, size);
    subject = members > 0 ? populationSubject(spec, members) : loneSubject(spec);
    const m = subject.update(); // first update: kernels warm
    await m.data();
    m.dispose();
    return {
      backend: tf.getBackend(),
      threadsCount: getThreadsCount(),
      multithreadFlag: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
      crossOriginIsolated: self.crossOriginIsolated,
      secondsToFirstUpdate: (performance.now() - t0) / 1000,
    };
  },
  /** Updates for about `ms` (metrics read every 4 updates, as bench/populationSubjects.ts's slices). */
  async run(ms: number) {
    const start = performance.now();
    let count = 0;
    while (count < 1 || performance.now() - start < ms) {
      const m = subject!.update();
      count += 1;
      if (count % 4 === 0) await m.data();
      m.dispose();
    }
    return { count, ms: performance.now() - start };
  },
};
export type WasmThreadsWorker = typeof api;
Comlink.expose(api);
