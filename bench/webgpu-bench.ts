// Population updates on tfjs-backend-webgpu in Node, on Dawn (the npm package `webgpu`), for a machine with a real GPU
// but no browser: bundled into one file by bench/webgpu-prepare.sh and run by bench/webgpu-node.sh, which adds the
// PyTorch peer. The same subjects as bench/population.bench.ts (a lone run and populations of K members, fixed random
// batches, alternating slices). Prints one JSON line per stage on stdout ({"stage": ..., ...}); a failed stage prints
// {"stage": ..., "error": ...} and the process exits 2, so the wrapper can report what was missing.
// Args: --budget ms per subject (default 3000) --cycles 3 --ks 1,8,64 --algos iql,td3bc --sizes teaching,d4rl
//       --dawn-flags backend=vulkan,...: flags for Dawn's create() (backend=null gives a do-nothing adapter, for tests)
//       --wrong-ok: go on when the check product is wrong (the null backend computes nothing; tests the kernels exist)
//       --uploads staging: tfjs's own uploads of CPU tensors instead of the lab's (core/tf/webgpuUploads.ts)
//       --diagnose [--adam ops,shader]: where an update's time goes (below); --adam picks Adam's step as tf ops, as the
//         lab's WebGPU programs (core/tf/webgpuAdam.ts), or both in turn
//       --backend cpu: skip Dawn and time on tfjs's cpu backend (to test this file where no GPU adapter exists)
//       --composite-ks 64: also time these populations with the lab's one-dispatch dense layer and Polyak averaging off
//         (core/tf/webgpuDense.ts, webgpuPolyak.ts), as tfjs's composite ops, interleaved with the others
//       --auto-ks 1,8,64: after the cases, the \`auto\` backend choice's own measurement (core/run/measure.ts
//         measureUpdatesPerSecond, what selectBackend runs per backend) of each case's lone run (1) or population on
//         this backend and on wasm (the lab's kernels; tfjs-backend-wasm-simd.wasm beside bench.mjs), and which it picks
import type { Tensor } from '@tensorflow/tfjs'; // types only: tfjs itself loads after Dawn, below

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const emit = (o: object) => console.log(JSON.stringify(o));
const fail = (stage: string, error: string): never => {
  emit({ stage, error });
  process.exit(2);
};
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** `promise`, or a rejection naming `what` after `ms` (Dawn's calls can wait forever on a broken driver). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer in ${ms / 1000} s`)), ms))]);
}

// --specs: the resolved specs of the cases as JSON for bench/torch_peer.py (written here by webgpu-prepare.sh, where
// no GPU is needed), then exit.
if (process.argv.includes('--specs')) {
  const { specOf } = await import('./populationSubjects');
  const specs = arg('sizes', 'teaching,d4rl').split(',').map((size) => ({ size, specs: arg('algos', 'iql,td3bc').split(',').map((a) => specOf(a, size)) }));
  console.log(JSON.stringify(specs));
  process.exit(0);
}

const backend = arg('backend', 'webgpu') as 'webgpu' | 'cpu';

// 1. Dawn. navigator.gpu must exist before tfjs-backend-webgpu is evaluated (it registers itself only if it does),
//    so everything tfjs is imported dynamically, after this.
// 2. The adapter, described in the JSON (isFallbackAdapter says whether it is a software one).
if (backend === 'webgpu') {
  let gpu: GPU | null = null;
  try {
    const dawnPackage = 'webgpu'; // carried beside the bundle, not installed in the project (bench/webgpu-prepare.sh)
    const dawn = (await import(dawnPackage)) as { create: (flags: string[]) => GPU; globals: object };
    Object.assign(globalThis, dawn.globals);
    gpu = dawn.create(arg('dawn-flags', '').split(',').filter(Boolean));
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  } catch (e) {
    fail('dawn', `the webgpu package's dawn.node did not load: ${errorText(e)}`);
  }
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await within(gpu!.requestAdapter({ powerPreference: 'high-performance' }), 60_000, 'navigator.gpu.requestAdapter');
  } catch (e) {
    fail('adapter', errorText(e));
  }
  if (!adapter) {
    fail(
      'adapter',
      `no WebGPU adapter: Dawn found no Vulkan device it can use (VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES ?? 'unset'}; ` +
        'a software Vulkan such as lavapipe lacks features Dawn requires; on an NVIDIA machine the NVIDIA Vulkan ICD and libGLX_nvidia must be present)',
    );
  }
  const a = adapter as GPUAdapter & { info?: GPUAdapterInfo; isFallbackAdapter?: boolean };
  emit({
    stage: 'adapter',
    adapter: {
      vendor: a.info?.vendor,
      architecture: a.info?.architecture,
      device: a.info?.device,
      description: a.info?.description,
      isFallbackAdapter: a.isFallbackAdapter ?? null,
      features: [...a.features].sort(),
      maxBufferSize: a.limits.maxBufferSize,
      maxStorageBufferBindingSize: a.limits.maxStorageBufferBindingSize,
    },
  });
}

// 3. tfjs on webgpu (or --backend).
const tf = await import('@tensorflow/tfjs');
await import('@tensorflow/tfjs-backend-webgpu');
try {
  const ok = await within(tf.setBackend(backend), 120_000, `tf.setBackend('${backend}')`);
  if (!ok || tf.getBackend() !== backend) fail('tfjs', `tf.setBackend('${backend}') failed (backend is ${tf.getBackend()})`);
  const product = tf.tidy(() => tf.matMul(tf.ones([2, 3]), tf.ones([3, 2])));
  const check = await product.data(); // only async readback on webgpu (PLATFORM.md)
  product.dispose();
  if ([...check].some((x) => x !== 3) && !process.argv.includes('--wrong-ok')) fail('tfjs', `a 2x3 by 3x2 product of ones gave ${[...check]} on ${backend}, not 3s`);
} catch (e) {
  fail('tfjs', errorText(e));
}
// Dawn reports out-of-memory and validation errors as events, not exceptions: count them, a case with any is invalid.
let gpuErrors = 0;
let firstGpuError: string | null = null;
const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
device?.addEventListener('uncapturederror', (event) => {
  gpuErrors += 1;
  firstGpuError ??= (event as GPUUncapturedErrorEvent).error.message.split('\n')[0];
});
// Uploads as the lab makes them (core/tf/backend.ts), unless --uploads staging (tfjs's own, for comparison).
const uploads = arg('uploads', 'writeBuffer');
if (backend === 'webgpu') (await import('../src/core/tf/webgpuUploads')).useWebGpuWriteBufferUploads(uploads === 'writeBuffer');
emit({ stage: 'tfjs', backend: tf.getBackend(), tfjs: tf.version.tfjs, uploads: backend === 'webgpu' ? uploads : null });

// --diagnose: where a webgpu update's time goes. The latency of one small readback, a chain of dependent small kernels
// (per-dispatch cost), and an update loop split into the JS time to enqueue the updates and the wait for the GPU.
if (process.argv.includes('--diagnose')) {
  const { populationSubject: pop, specOf: spec } = await import('./populationSubjects');
  const { useWebGpuWriteBufferUploads } = await import('../src/core/tf/webgpuUploads');
  const ms = async (f: () => Promise<unknown> | unknown) => {
    const t = performance.now();
    await f();
    return performance.now() - t;
  };
  const round = (x: number) => Number(x.toPrecision(4)); // the cases' own is declared below
  const x = tf.ones([64]);
  const readback: number[] = [];
  for (let i = 0; i < 9; i++) {
    const y = tf.add(x, 1);
    readback.push(await ms(() => y.data()));
    y.dispose();
  }
  const chain = async (n: number) => {
    let y = x.clone();
    const enqueue = await ms(() => {
      for (let i = 0; i < n; i++) {
        const z = tf.add(y, 1);
        y.dispose();
        y = z;
      }
    });
    const wait = await ms(() => y.data());
    y.dispose();
    return { kernels: n, enqueueMs: round(enqueue), waitMs: round(wait), msPerKernel: round((enqueue + wait) / n) };
  };
  await chain(50);
  const chains = [await chain(300), await chain(1000)];
  // The update loop under several WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE values (tfjs submits its command encoder every
  // that many dispatches; 15 by default), counting the buffers created and the queue submissions per update.
  const dev = (tf.backend() as unknown as { device?: GPUDevice }).device;
  // Dispatches too: tf.profile's kernels include Reshape and Identity, which dispatch nothing on webgpu.
  const counts = { buffers: 0, mapped: 0, submits: 0, dispatches: 0 };
  const pass = (globalThis as { GPUComputePassEncoder?: { prototype: GPUComputePassEncoder } }).GPUComputePassEncoder?.prototype;
  if (pass) {
    const dispatch = pass.dispatchWorkgroups;
    pass.dispatchWorkgroups = function (this: GPUComputePassEncoder, ...a: Parameters<GPUComputePassEncoder['dispatchWorkgroups']>) {
      counts.dispatches += 1;
      return dispatch.apply(this, a);
    };
  }
  if (dev) {
    const createBuffer = dev.createBuffer.bind(dev);
    dev.createBuffer = (d: GPUBufferDescriptor) => {
      counts.buffers += 1;
      if (d.mappedAtCreation) counts.mapped += 1;
      return createBuffer(d);
    };
    const submit = dev.queue.submit.bind(dev.queue);
    dev.queue.submit = (b: Iterable<GPUCommandBuffer>) => {
      counts.submits += 1;
      return submit(b);
    };
  }
  const updates = [];
  const k = Math.max(...arg('ks', '1,8,64').split(',').map(Number)); // the largest population of the cases
  const batchSizes = arg('submit-batches', '15').split(',').map(Number);
  // --adam ops,shader: Adam's step as tf ops or as the lab's WebGPU programs (core/tf/webgpuAdam.ts), one after the other.
  const { webgpuAdamChoice } = await import('../src/core/tf/webgpuAdam');
  for (const [size, adam] of arg('sizes', 'teaching,d4rl').split(',').flatMap((z) => arg('adam', 'ops,shader').split(',').map((a) => [z, a] as const))) {
    webgpuAdamChoice.enabled = adam === 'shader';
    const s = pop(spec('iql', size), k);
    const profile = await tf.profile(() => s.update());
    tf.dispose(profile.result as Tensor);
    const variants = [];
    for (const [submitBatch, uploads] of [...batchSizes.map((b) => [b, 'staging'] as const), ...batchSizes.map((b) => [b, 'writeBuffer'] as const)]) {
      tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', submitBatch);
      useWebGpuWriteBufferUploads(uploads === 'writeBuffer');
      for (let i = 0; i < 3; i++) {
        const m = s.update();
        await m.data();
        m.dispose();
      }
      const n = 10;
      const results: Tensor[] = [];
      const before = { ...counts };
      const enqueue = await ms(() => {
        for (let i = 0; i < n; i++) results.push(s.update());
      });
      const wait = await ms(() => results[n - 1].data());
      tf.dispose(results);
      const per = (key: keyof typeof counts) => round((counts[key] - before[key]) / n);
      variants.push({ submitBatch, uploads, enqueueMsPerUpdate: round(enqueue / n), waitMs: round(wait), msPerUpdate: round((enqueue + wait) / n), buffersCreatedPerUpdate: per('buffers'), mappedAtCreationPerUpdate: per('mapped'), submitsPerUpdate: per('submits'), dispatchesPerUpdate: pass ? per('dispatches') : null });
    }
    tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', 15);
    useWebGpuWriteBufferUploads(); // as the lab runs (core/tf/backend.ts)
    webgpuAdamChoice.enabled = true; // as the lab runs
    updates.push({ case: `iql ${size} K=${k}`, adam, kernels: profile.kernels.length, kernelNames: [...new Set(profile.kernels.map((kk) => kk.name))].join(','), variants });
    s.dispose();
  }
  x.dispose();
  emit({ stage: 'diagnose', readbackMs: readback.map(round), chains, updates });
  if (process.argv.includes('--no-cases')) process.exit(0);
}

// 4. The cases, one line each as it finishes (a later one may be cut off by the wrapper's timeout).
const { interleaved, loneSubject, networksOf, populationSubject, specOf } = await import('./populationSubjects');
const budget = Number(arg('budget', '3000'));
const cycles = Number(arg('cycles', '3'));
const ks = arg('ks', '1,8,64').split(',').map(Number);
const list = (name: string) => arg(name, '').split(',').filter(Boolean).map(Number);
const compositeKs = list('composite-ks');
const round = (x: number) => Number(x.toPrecision(4));
const { setWebGpuDense } = await import('../src/core/tf/webgpuDense');
const { setPolyakKernel } = await import('../src/core/tf/polyak');
/** A subject whose updates run with the lab's one-dispatch layer and averaging off (the kernels are chosen as the
 * update enqueues them, so the switch holds for exactly its updates). */
function compositeSubject(s: ReturnType<typeof populationSubject>): ReturnType<typeof populationSubject> {
  return {
    name: `${s.name} composite`,
    update: () => {
      setWebGpuDense(false);
      setPolyakKernel(false);
      try {
        return s.update();
      } finally {
        setWebGpuDense(true);
        setPolyakKernel(true);
      }
    },
    dispose: () => s.dispose(),
  };
}
for (const size of arg('sizes', 'teaching,d4rl').split(',')) {
  for (const algorithmId of arg('algos', 'iql,td3bc').split(',')) {
    const name = `${algorithmId} ${size}`;
    const started = performance.now();
    gpuErrors = 0;
    firstGpuError = null;
    try {
      const spec = specOf(algorithmId, size);
      const subjects = [loneSubject(spec), ...ks.map((k) => populationSubject(spec, k)), ...compositeKs.map((k) => compositeSubject(populationSubject(spec, k)))];
      // Metrics of one update of each subject must be finite numbers (webgpu once returned wrong values, PLATFORM.md).
      const finite: Record<string, boolean> = {};
      for (const s of subjects) {
        const m = s.update();
        finite[s.name] = [...(await m.data())].every(Number.isFinite);
        m.dispose();
      }
      // Kernels that dispatch (Reshape and Identity do not) in one update of the largest population, as run and composite.
      const dispatching = async (subject: (typeof subjects)[number]) => {
        const info = await tf.profile(() => subject.update());
        tf.dispose(info.result as Tensor);
        return info.kernels.filter((kk) => kk.name !== 'Reshape' && kk.name !== 'Identity').length;
      };
      const largest = subjects.find((s) => s.name === `K=${Math.max(...ks)}`)!;
      const kernelsPerUpdate = { [largest.name]: await dispatching(largest), ...(compositeKs.length ? { [`${largest.name} composite`]: await dispatching(compositeSubject(largest)) } : {}) };
      const measured = await interleaved(subjects, cycles, budget / cycles);
      for (const s of subjects) s.dispose();
      const population = Object.fromEntries(
        [...ks.map((k) => `K=${k}`), ...compositeKs.map((k) => `K=${k} composite`)].map((name) => {
          const k = Number(name.split(/[= ]/)[1]);
          const ups = measured[name];
          return [name, { populationUpdatesPerSecond: round(ups), memberUpdatesPerSecond: round(ups * k), overOneLoneRun: round((ups * k) / measured.lone) }];
        }),
      );
      emit({
        stage: 'case',
        name,
        networks: networksOf(spec),
        loneRunUpdatesPerSecond: round(measured.lone),
        population,
        kernelsPerUpdate,
        metricsFinite: finite,
        seconds: round((performance.now() - started) / 1000),
        numTensors: tf.memory().numTensors,
        ...(gpuErrors ? { error: `${gpuErrors} GPU errors (the timings are invalid); the first: ${firstGpuError}` } : {}),
        ...(Object.values(finite).every(Boolean) ? {} : { wrongResults: `metrics not finite on ${backend}: ${Object.keys(finite).filter((k) => !finite[k])}` }),
      });
    } catch (e) {
      emit({ stage: 'case', name, error: errorText(e) });
    }
  }
}

// 5. The auto choice: measureUpdatesPerSecond (what selectBackend runs on each backend) here and on wasm.
const autoKs = list('auto-ks');
if (autoKs.length > 0) {
  const { measureUpdatesPerSecond } = await import('../src/core/run/measure');
  const { trySetBackend } = await import('../src/core/tf/backend');
  const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
  const { fileURLToPath } = await import('node:url');
  const simd = fileURLToPath(new URL('./tfjs-backend-wasm-simd.wasm', import.meta.url));
  setWasmPaths({ 'tfjs-backend-wasm.wasm': simd, 'tfjs-backend-wasm-simd.wasm': simd, 'tfjs-backend-wasm-threaded-simd.wasm': simd });
  const autoBudget = Number(arg('auto-budget', '1500'));
  for (const size of arg('sizes', 'teaching,d4rl').split(',')) {
    for (const algorithmId of arg('algos', 'iql,td3bc').split(',')) {
      for (const k of autoKs) {
        const name = `${algorithmId} ${size} K=${k}`;
        try {
          const spec = { ...specOf(algorithmId, size), members: k };
          const measured: Record<string, number | string> = {};
          for (const b of [backend, 'wasm'] as const) {
            const failure = await trySetBackend(b);
            measured[b] = failure ? `did not start: ${failure}` : round(await measureUpdatesPerSecond(spec, autoBudget, 100_000));
          }
          const numbers = Object.entries(measured).filter((e): e is [string, number] => typeof e[1] === 'number');
          const picks = numbers.sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
          emit({ stage: 'auto', name, updatesPerSecond: measured, memberUpdatesPerSecond: Object.fromEntries(numbers.map(([b, u]) => [b, round(u * k)])), picks });
        } catch (e) {
          emit({ stage: 'auto', name, error: errorText(e) });
        }
      }
    }
  }
  await trySetBackend(backend);
}
process.exit(0); // Dawn's instance keeps the event loop alive

export {}; // a module: top-level await
