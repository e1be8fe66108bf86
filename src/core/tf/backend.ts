import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { describeWebGpuAdapter, type AdapterInfo } from './webgpuAdapter';
import { installWasmBatchMatMul } from './wasmBatchMatMul';
import { installWasmBroadcastCompare } from './wasmBroadcastCompare';
import { installWasmColumnSums } from './wasmColumnSums';
import { installWasmConcat } from './wasmConcat';
import { installWasmSharedCopies } from './wasmSharedCopies';
import { installWasmSlices } from './wasmSlices';
import { useWebGpuWriteBufferUploads } from './webgpuUploads';

import { BACKENDS, type BackendName, type BackendRequest } from './backendNames';

export { BACKENDS, type BackendName, type BackendRequest };

export interface BackendProbe {
  name: BackendName;
  initialised: boolean;
  /** Measured training updates per second of the real networks, when measured. */
  updatesPerSecond: number | null;
  note: string;
}

export interface BackendReport {
  requested: BackendRequest;
  active: BackendName;
  probes: BackendProbe[];
  reason: string;
  adapter: AdapterInfo | null;
}

export interface WasmFiles {
  'tfjs-backend-wasm.wasm': string;
  'tfjs-backend-wasm-simd.wasm': string;
  'tfjs-backend-wasm-threaded-simd.wasm': string;
}

let wasmConfigured = false;

/**
 * Must run before the wasm backend first initialises. Paths are needed in the browser, not in Node. `threads` above 1
 * lets tfjs pick its threaded SIMD binary (XNNPACK's thread pool on pthread workers) where the page is cross-origin
 * isolated; 1 keeps the single-threaded SIMD binary.
 */
export function configureWasm(files?: WasmFiles, threads = 1): void {
  if (wasmConfigured) return;
  if (threads > 1) setThreadsCount(threads);
  else tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  if (files) setWasmPaths(files);
  installWasmSlices();
  installWasmBatchMatMul();
  installWasmColumnSums();
  installWasmSharedCopies();
  installWasmConcat();
  installWasmBroadcastCompare();
  wasmConfigured = true;
}

/** Switches to `name`; returns null on success, else why it could not start. */
export async function trySetBackend(name: BackendName): Promise<string | null> {
  try {
    if (!tf.findBackendFactory(name)) return 'not available here';
    if (name === 'wasm') configureWasm();
    if (name === 'webgpu') useWebGpuWriteBufferUploads();
    const ok = await tf.setBackend(name);
    if (!ok) return 'failed to initialise';
    await tf.ready();
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/**
 * Picks the backend. `auto` initialises every backend, runs `measure` (the real networks' updates per
 * second) on each and picks the fastest, but never a fallback (software) WebGPU adapter when wasm works.
 */
export async function selectBackend(request: BackendRequest, measure: () => Promise<number>): Promise<BackendReport> {
  const adapter = await describeWebGpuAdapter();
  const probes: BackendProbe[] = [];
  const candidates = request === 'auto' ? BACKENDS : [request];
  for (const name of candidates) {
    const failure = await trySetBackend(name);
    if (failure) {
      probes.push({ name, initialised: false, updatesPerSecond: null, note: failure });
      continue;
    }
    const softwareGpu = name === 'webgpu' && adapter?.fallback === true;
    if (softwareGpu && request === 'auto' && (await canInitialise('wasm'))) {
      probes.push({ name, initialised: true, updatesPerSecond: null, note: `software adapter (${adapter?.description}): not measured, never picked over wasm` });
      continue;
    }
    try {
      const ups = await measure();
      probes.push({ name, initialised: true, updatesPerSecond: ups, note: softwareGpu ? 'software adapter' : '' });
    } catch (e) {
      probes.push({ name, initialised: true, updatesPerSecond: null, note: `measurement failed: ${e instanceof Error ? e.message : String(e)}` });
    }
  }
  const measured = probes.filter((p) => p.updatesPerSecond !== null).sort((a, b) => b.updatesPerSecond! - a.updatesPerSecond!);
  const initialised = probes.filter((p) => p.initialised);
  const pick = measured[0] ?? initialised[0];
  if (!pick) throw new Error(`no TensorFlow.js backend could start (${probes.map((p) => `${p.name}: ${p.note}`).join('; ')})`);
  if (tf.getBackend() !== pick.name) await tf.setBackend(pick.name);
  await tf.ready();
  const reason =
    request === 'auto'
      ? measured.length > 0
        ? `fastest measured: ${pick.name} at ${pick.updatesPerSecond!.toFixed(1)} updates/s`
        : `${pick.name}: the only backend that started`
      : `chosen by hand`;
  return { requested: request, active: pick.name, probes, reason, adapter };
}

async function canInitialise(name: BackendName): Promise<boolean> {
  const current = tf.getBackend();
  const ok = (await trySetBackend(name)) === null;
  if (current && current !== name) await tf.setBackend(current);
  return ok;
}
