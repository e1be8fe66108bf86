// `npm test`: type check, unit tests (Node), production build, browser tests (headless Chromium) and e2e tests
// (Playwright against the build). Prints one closing line "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';

const out = 'test-results/summary';
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
let passed = 0;
let failed = 0;
const problems = [];

function run(label, cmd, args, env = {}) {
  console.log(`\n=== ${label}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) problems.push(`${label} exited with ${r.status ?? r.signal}`);
  return r.status === 0;
}

function countVitest(file) {
  try {
    const j = JSON.parse(readFileSync(file, 'utf8'));
    passed += j.numPassedTests;
    failed += j.numFailedTests + (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
  } catch {
    problems.push(`no results in ${file}`);
  }
}

function countPlaywright(file) {
  try {
    const j = JSON.parse(readFileSync(file, 'utf8'));
    passed += j.stats.expected;
    failed += j.stats.unexpected + j.stats.flaky + j.stats.skipped;
  } catch {
    problems.push(`no results in ${file}`);
  }
}

/** A port nothing listens on, for the e2e preview server. */
function freePort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

run('system packages', 'bash', ['scripts/ensure-system-deps.sh']);
run('type check', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
// One test file per core: Vitest's own default leaves a core idle, which on a 2-core machine runs the files one by one.
run('unit tests', 'npx', ['vitest', 'run', '--project', 'unit', `--maxWorkers=${Math.max(2, availableParallelism())}`, '--reporter=default', '--reporter=json', `--outputFile.json=${out}/unit.json`]);
countVitest(`${out}/unit.json`);
if (run('production build', 'npx', ['vite', 'build'])) {
  run('browser tests', 'npx', ['vitest', 'run', '--project', 'browser', '--reporter=default', '--reporter=json', `--outputFile.json=${out}/browser.json`]);
  countVitest(`${out}/browser.json`);
  run('e2e tests', 'npx', ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: `${out}/e2e.json`, CI: process.env.CI ?? '1', E2E_PORT: String(await freePort()) });
  countPlaywright(`${out}/e2e.json`);
}

console.log('');
for (const p of problems) console.log(`problem: ${p}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(problems.length === 0 && failed === 0 ? 0 : 1);
