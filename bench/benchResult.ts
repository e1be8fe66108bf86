// What every bench's JSON carries besides its own numbers: the date, the machine's cores, the load average before and
// after (the machine is shared: numbers are only comparable within one run) and the run's seconds. Printed to stdout
// and written to bench/results/<name>-<date>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

export const round = (x: number) => Number(x.toPrecision(4));

/** Call when the bench starts; `finish` at its end. */
export function startBench() {
  const started = Date.now();
  const before = loadavg();
  return {
    finish(name: string, body: { note: string } & Record<string, unknown>): void {
      const date = new Date().toISOString();
      const { note, ...rest } = body;
      const result = { note, date, machineCores: cpus().length, loadAverage: { before: before.map(round), after: loadavg().map(round) }, benchSeconds: Math.round((Date.now() - started) / 1000), ...rest };
      const json = JSON.stringify(result, null, 2);
      console.log(json);
      mkdirSync('bench/results', { recursive: true });
      writeFileSync(`bench/results/${name}-${date.slice(0, 10)}.json`, `${json}\n`);
    },
  };
}
