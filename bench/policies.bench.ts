// Mean returns of every behaviour policy level over 100 seeded episodes (policies/evaluate.ts), printed as
// JSON and as the markdown table of src/core/policies/README.md. Run: npx tsx bench/policies.bench.ts [envId...]
import { listEnvs } from '../src/core/envs/registry';
import { evaluatePolicy } from '../src/core/policies/evaluate';
import { policyLevels } from '../src/core/policies/index';

const EPISODES = 100;
const only = process.argv.slice(2);
const rows: { env: string; levels: Record<string, { mean: number; std: number }>; reference?: { min: number; max: number; source: string } }[] = [];
for (const spec of listEnvs()) {
  if (only.length > 0 && !only.includes(spec.id)) continue;
  const levels: Record<string, { mean: number; std: number }> = {};
  for (const level of policyLevels(spec.id)) {
    const r = evaluatePolicy(spec.id, level.id, EPISODES, 0);
    levels[level.id] = { mean: Number(r.mean.toFixed(4)), std: Number(r.std.toFixed(4)) };
  }
  rows.push({ env: spec.id, levels, reference: spec.referenceScores });
}
console.log(JSON.stringify({ episodes: EPISODES, seeds: `0..${EPISODES - 1}`, results: rows }, null, 1));
const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(1) : x.toFixed(3));
console.log('\n| env | random | medium | expert | medium: share of random → expert | expert, normalised score | reference min / max (source) |\n|---|---|---|---|---|---|---|');
for (const r of rows) {
  const { random, medium, expert } = r.levels;
  const ref = r.reference;
  const share = `${((100 * (medium.mean - random.mean)) / (expert.mean - random.mean)).toFixed(0)}%`;
  const norm = ref && ref.max !== ref.min ? ((100 * (expert.mean - ref.min)) / (ref.max - ref.min)).toFixed(1) : '';
  const refText = ref ? `${fmt(ref.min)} / ${fmt(ref.max)} (${ref.source})` : '';
  console.log(`| ${r.env} | ${fmt(random.mean)} ± ${fmt(random.std)} | ${fmt(medium.mean)} ± ${fmt(medium.std)} | ${fmt(expert.mean)} ± ${fmt(expert.std)} | ${share} | ${norm} | ${refText} |`);
}
