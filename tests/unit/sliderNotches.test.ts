import { describe, expect, it } from 'vitest';
import { nearestNotch, sliderNotches, stepNotch } from '../../src/app/components/sliderNotches';
import { learningRateParam, batchSizeParam } from '../../src/core/algos/common';
import { runSchema } from '../../src/core/run/runSettings';

const evalEpisodes = runSchema.find((p) => p.key === 'evalEpisodes')!;
const temperature = runSchema.find((p) => p.key === 'samplingTemperature')!;

describe('slider notches', () => {
  it('a log-scale learning rate steps 1, 2, 3, 5 per decade between its bounds', () => {
    const n = sliderNotches(learningRateParam())!;
    expect(n[0]).toBe(1e-6);
    expect(n[n.length - 1]).toBe(1);
    expect(n.slice(n.indexOf(1e-4), n.indexOf(1e-3) + 1)).toEqual([1e-4, 2e-4, 3e-4, 5e-4, 1e-3]);
    // The default 3e-4 is a notch: one arrow up is 5e-4, one down 2e-4, ten (PageUp) 0.1: 5e-4 1e-3 2e-3 3e-3 5e-3 1e-2 2e-2 3e-2 5e-2 0.1.
    expect(stepNotch(n, 3e-4, 1)).toBe(5e-4);
    expect(stepNotch(n, 3e-4, -1)).toBe(2e-4);
    expect(stepNotch(n, 3e-4, 10)).toBe(0.1);
  });

  it('a value between notches steps to the notch on that side, and the ends hold', () => {
    const n = sliderNotches(temperature)!;
    expect(stepNotch(n, 0.25, 1)).toBe(0.3);
    expect(stepNotch(n, 0.25, -1)).toBe(0.2);
    expect(stepNotch(n, 100, 1)).toBe(100);
    expect(stepNotch(n, 0.01, -1)).toBe(0.01);
    expect(stepNotch(n, 0.5, Infinity)).toBe(100);
    expect(stepNotch(n, 0.5, -Infinity)).toBe(0.01);
    // A value read back from 4 digits (formatValue) counts as the notch it came from.
    expect(stepNotch(n, 0.30000000000000004, 1)).toBe(0.5);
  });

  it('integer ranges step by one where they are short, by a round step where they are long', () => {
    const episodes = sliderNotches(evalEpisodes)!;
    expect(episodes).toHaveLength(100);
    expect(stepNotch(episodes, 5, 1)).toBe(6);
    expect(stepNotch(episodes, 5, -1)).toBe(4);
    const batch = sliderNotches(batchSizeParam)!;
    expect(batch.slice(0, 4)).toEqual([1, 100, 200, 300]);
    expect(batch[batch.length - 1]).toBe(8192);
    expect(stepNotch(batch, 256, 1)).toBe(300);
    expect(stepNotch(batch, 256, -1)).toBe(200);
    expect(batch.every((v) => Number.isInteger(v))).toBe(true);
  });

  it('the thumb sits on the nearest notch, on the log scale where the schema says log; no slider for unbounded or huge ranges', () => {
    const lr = sliderNotches(learningRateParam())!;
    // On a log scale 4e-4 is nearer 5e-4 (ln 5/4 = 0.22) than 3e-4 (ln 4/3 = 0.29).
    expect(lr[nearestNotch(lr, 4e-4, true)]).toBe(5e-4);
    expect(lr[nearestNotch(lr, 3.4e-4, true)]).toBe(3e-4);
    const batch = sliderNotches(batchSizeParam)!;
    expect(batch[nearestNotch(batch, 256, false)]).toBe(300);
    expect(sliderNotches(runSchema.find((p) => p.key === 'maxUpdates')!)).toBeNull();
    expect(sliderNotches(runSchema.find((p) => p.key === 'seed')!)).toBeNull();
    expect(sliderNotches(runSchema.find((p) => p.key === 'sampling')!)).toBeNull();
  });
});
