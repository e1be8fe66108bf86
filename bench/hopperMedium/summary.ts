// Stage 4: everything the stages cached, as one JSON file in bench/results and a Markdown table on stdout (the
// normalized-score curve of each algorithm beside CORL's published final score on hopper-medium-v2).
import { readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { BehaviourResult } from './behaviour';
import { CACHE_DIR, cachePath, readJson, writeAtomic } from './cache';
import type { DatasetSummary } from './dataset';
import { OFFLINE_SETTINGS, type OfflineResult } from './offline';

/** CORL README, "last" scores on hopper-medium-v2 after 1M updates (mean over 4 seeds; REFERENCES.md). */
export const CORL_HOPPER_MEDIUM: Record<string, number> = { bc: 53.51, td3bc: 60.37, iql: 67.53, cql: 59.08, rebrac: 102.29, edac: 101.7 };

export function writeSummary(): void {
  const behaviour = readJson<BehaviourResult>(cachePath('behaviour.json'));
  const dataset = readJson<DatasetSummary>(cachePath('dataset.json'));
  // Every offline run in the cache, whichever invocation made it, in the order of OFFLINE_SETTINGS.
  const order = Object.keys(OFFLINE_SETTINGS);
  const offline = readdirSync(CACHE_DIR)
    .filter((f) => /^offline-.+-\d+\.json$/.test(f))
    .map((f) => readJson<OfflineResult>(cachePath(f))!)
    .sort((a, b) => order.indexOf(a.algorithm) - order.indexOf(b.algorithm) || a.updates - b.updates);
  const date = new Date().toISOString().slice(0, 10);
  const out = join(import.meta.dirname, '..', 'results', `hopper-medium-${date}.json`);
  const json = { bench: 'hopper-medium (lab-generated, D4RL-style)', date, backend: 'wasm (Node)', loadavgAtSummary: loadavg(), behaviour, dataset, offline, corlHopperMediumV2Last: CORL_HOPPER_MEDIUM, corlUpdates: 1_000_000 };
  writeAtomic(out, JSON.stringify(json, null, 1));
  process.stderr.write(`summary: wrote ${out}\n`);
  // Columns every 1,000 updates (runs evaluated more often show those points); the last three evaluations averaged,
  // since one 10-episode evaluation of a hopper swings by tens of points.
  const updates = [...new Set(offline.flatMap((r) => r.curve.map((p) => p.update)))].filter((u) => u % 1000 === 0).sort((a, b) => a - b);
  const head = `| algorithm | ${updates.map((u) => `${u / 1000}k`).join(' | ')} | mean of last 3 | updates/s | CORL 1M |`;
  const rule = `|---|${updates.map(() => '--:').join('|')}|--:|--:|--:|`;
  const rows = offline.map((r) => {
    const at = (u: number) => r.curve.find((p) => p.update === u)?.normalized ?? '';
    const last3 = r.curve.slice(-3).map((p) => p.normalized ?? 0);
    const mean3 = (last3.reduce((a, b) => a + b, 0) / last3.length).toFixed(1);
    return `| ${r.algorithm}${r.finished ? '' : ' (unfinished)'} | ${updates.map(at).join(' | ')} | ${mean3} | ${r.updatesPerSecond} | ${CORL_HOPPER_MEDIUM[r.algorithm] ?? '—'} |`;
  });
  console.log([head, rule, ...rows].join('\n'));
  console.log(`\nsettings:\n${offline.map((r) => `- ${r.algorithm}: ${OFFLINE_SETTINGS[r.algorithm].source}`).join('\n')}`);
}
