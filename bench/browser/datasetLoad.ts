// Imports the chosen file in the lab's dataset worker, as the page does (the File goes over as a handle), and
// records the stages' times and the longest main-thread task meanwhile (the page must not freeze).
import { datasetJob, progressCallback } from '../../src/app/client/labClient';
import type { ImportProgress } from '../../src/core/data/importFile';

interface LoadResult {
  seconds: number;
  stages: Record<string, number>;
  rows: number;
  sharedArrays: boolean;
  longestMainThreadTaskMs: number;
}

let longest = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) longest = Math.max(longest, e.duration);
}).observe({ type: 'longtask', buffered: false });

async function load(file: File): Promise<LoadResult> {
  longest = 0;
  const stages: Record<string, number> = {};
  const t0 = performance.now();
  const { dataset } = await datasetJob().run((api) =>
    api.importFile(file, { fileName: file.name, env: { kind: 'none' } }, progressCallback<ImportProgress>((p) => (stages[p.stage] ??= (performance.now() - t0) / 1000))),
  );
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, stages, rows: dataset.size, sharedArrays: dataset.observations.buffer instanceof SharedArrayBuffer, longestMainThreadTaskMs: longest };
}

const input = document.getElementById('file') as HTMLInputElement;
input.addEventListener('change', async () => {
  const file = input.files![0];
  const repeat = Number(new URLSearchParams(location.search).get('repeat') ?? 3);
  const runs: LoadResult[] = [];
  try {
    for (let i = 0; i < repeat; i++) runs.push(await load(file));
    (window as unknown as { benchResult: unknown }).benchResult = { runs, crossOriginIsolated };
  } catch (e) {
    (window as unknown as { benchResult: unknown }).benchResult = { error: e instanceof Error ? e.message : String(e) };
  }
  document.getElementById('out')!.textContent = JSON.stringify((window as unknown as { benchResult: unknown }).benchResult, null, 2);
});
