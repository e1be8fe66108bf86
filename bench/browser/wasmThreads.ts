// The page of bench/wasmThreads.bench.ts: one worker on tfjs-wasm's threaded build with ?threads= threads against
// ?workers= workers on one thread each (the pool's way), training the same subject (?algo=, ?size=, ?members=; 0 members:
// a lone run). Slices alternate (the threaded worker alone, one single-threaded worker alone, then the single-threaded
// workers together) so a shared machine's drifting load falls on all three. Any failure to start lands in the result, with how long it waited.
import * as Comlink from 'comlink';
import type { WasmThreadsWorker } from './wasmThreads.worker';

const params = new URLSearchParams(location.search);
const threads = Number(params.get('threads') ?? 2);
const pool = Number(params.get('workers') ?? 2);
const algo = params.get('algo') ?? 'iql';
const size = params.get('size') ?? 'teaching';
const members = Number(params.get('members') ?? 0);
const sliceMs = Number(params.get('slice') ?? 1000);
const cycles = Number(params.get('cycles') ?? 6);
const logicalCores = Number(params.get('cores') ?? 0); // 0: leave navigator.hardwareConcurrency as it is
const startTimeoutMs = Number(params.get('timeout') ?? 60_000);

const spawn = () => Comlink.wrap<WasmThreadsWorker>(new Worker(new URL('./wasmThreads.worker.ts', import.meta.url), { type: 'module' }));
const within = <T>(p: Promise<T>, what: string): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer after ${startTimeoutMs} ms`)), startTimeoutMs))]);

async function main() {
  const result: Record<string, unknown> = { threads, logicalCoresReportedToTfjs: logicalCores || navigator.hardwareConcurrency, poolWorkers: pool, algo, size, members, sliceMs, cycles, crossOriginIsolated: self.crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency };
  const threaded = spawn();
  try {
    result.threadedStart = await within(threaded.start(threads, algo, size, members, logicalCores), `threaded worker (${threads} threads) start`);
  } catch (e) {
    result.threadedStart = { error: e instanceof Error ? e.message : String(e) };
  }
  const singles = Array.from({ length: pool }, spawn);
  result.singleStart = await Promise.all(singles.map((w) => within(w.start(1, algo, size, members, 0), 'single-threaded worker start')));
  const ok = !(result.threadedStart as { error?: string }).error;
  const t = { count: 0, ms: 0 };
  const s = { count: 0, ms: 0 };
  const one = { count: 0, ms: 0 };
  for (let c = 0; c < cycles; c++) {
    if (ok) {
      const r = await threaded.run(sliceMs);
      t.count += r.count;
      t.ms += r.ms;
    }
    const alone = await singles[0].run(sliceMs); // one single-threaded worker alone: what threads add to one run
    one.count += alone.count;
    one.ms += alone.ms;
    const t0 = performance.now();
    const rs = await Promise.all(singles.map((w) => w.run(sliceMs)));
    s.count += rs.reduce((a, r) => a + r.count, 0);
    s.ms += performance.now() - t0;
  }
  result.threadedUpdatesPerSecond = ok ? (t.count / t.ms) * 1000 : null;
  result.poolUpdatesPerSecond = (s.count / s.ms) * 1000;
  result.oneThreadAloneUpdatesPerSecond = (one.count / one.ms) * 1000;
  return result;
}

main()
  .then((r) => ((window as unknown as { benchResult: unknown }).benchResult = r))
  .catch((e) => ((window as unknown as { benchResult: unknown }).benchResult = { error: e instanceof Error ? e.message : String(e) }))
  .finally(() => (document.getElementById('out')!.textContent = JSON.stringify((window as unknown as { benchResult: unknown }).benchResult, null, 2)));
