// The replay panel in real Chromium: new evaluations of a training run must not take over a replay the user scrubbed,
// paused or pinned. Evaluations arrive through the lab store exactly as the run reports put them there.
import { createElement } from 'react';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/core/experiments/types';
import type { EpisodeRecord } from '../../src/core/run/evaluate';
import { RolloutPanel } from '../../src/app/components/RolloutPanel';
import { useLab } from '../../src/app/store/labStore';
import { followLatest } from '../../src/app/store/replay';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** A CartPole episode of `length` steps whose cart position encodes `tag` (so episodes differ). */
function episode(length: number, tag: number): EpisodeRecord {
  const states = new Float64Array((length + 1) * 4);
  for (let t = 0; t <= length; t++) states.set([tag * 0.01 + t * 0.001, 0, 0.01 * Math.sin(t / 5), 0], t * 4);
  return { envId: 'CartPole-v1', states, stateDim: 4, actions: Float32Array.from({ length }, (_, t) => t % 2), actionDim: 1, rewards: new Float32Array(length).fill(1), length, return: length, terminated: false };
}

function run(id: string, updates: number[]): RunRecord {
  return {
    id,
    name: id,
    color: '#0072b2',
    createdAt: 0,
    config: { algorithmId: 'bc', envId: 'CartPole-v1', datasetId: 'd', datasetName: 'cartpole-expert', hyperparameters: { seed: 0 }, backend: 'wasm' },
    membership: { groupId: id },
    status: 'running',
    error: null,
    notice: null,
    update: updates.at(-1) ?? 0,
    updatesPerSecond: 100,
    wallMs: 0,
    hidden: false,
    events: [],
    evaluations: updates.map((u) => ({ update: u, wallMs: 0, meanReturn: 100, stdReturn: 0, normalizedScore: null })),
  };
}

/** An evaluation report landing in the store (runs.ts onReport: the record's evaluations, then the episode). */
async function evaluate(id: string, updates: number[], ep: EpisodeRecord): Promise<void> {
  await act(async () => {
    useLab.setState((s) => ({ runs: { ...s.runs, [id]: run(id, updates) }, episodes: { ...s.episodes, [id]: ep } }));
  });
}

const q = (id: string) => document.querySelector(`[data-testid=${id}]`) as HTMLElement;
const source = () => q('rollout-source').textContent ?? '';
const step = () => Number(q('rollout-step').textContent);
const mode = () => q('replay-follow-state').getAttribute('data-mode');
const click = (id: string) => act(async () => q(id).click());

async function scrubTo(value: number): Promise<void> {
  await act(async () => {
    const input = q('rollout-scrubber') as HTMLInputElement;
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, String(value));
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

let root: Root;
let host: HTMLDivElement;

beforeEach(async () => {
  followLatest();
  useLab.setState({ runs: {}, runOrder: ['r1', 'r2'], episodes: {}, focusRunId: 'r1', demo: null });
  host = document.body.appendChild(document.createElement('div'));
  root = createRoot(host);
  await act(async () => root.render(createElement(RolloutPanel)));
});

afterEach(async () => {
  await act(async () => root.unmount());
  host.remove();
});

describe('replay while a run trains', () => {
  it('holds a scrubbed episode through new evaluations until "follow latest"', async () => {
    await evaluate('r1', [1000], episode(120, 1));
    expect(source()).toContain('at update 1,000');
    expect(mode()).toBe('follow');

    await scrubTo(40);
    expect(step()).toBe(40);
    expect(mode()).toBe('held');

    await evaluate('r1', [1000, 2000], episode(150, 2));
    expect(step()).toBe(40);
    expect(source()).toContain('at update 1,000');
    expect(q('replay-follow-state').textContent).toContain('a newer evaluation (update 2,000) is waiting');
    expect((q('rollout-scrubber') as HTMLInputElement).max).toBe('120');

    await click('replay-follow');
    expect(mode()).toBe('follow');
    expect(source()).toContain('at update 2,000');
    expect((q('rollout-scrubber') as HTMLInputElement).max).toBe('150');
    expect(step()).toBeLessThan(40); // the new episode plays from its start
  });

  it('holds a paused episode too', async () => {
    await evaluate('r1', [500], episode(80, 3));
    expect(q('rollout-play').textContent).toBe('Pause');
    await click('rollout-play');
    const at = step();
    await evaluate('r1', [500, 1500], episode(90, 4));
    expect(mode()).toBe('held');
    expect(source()).toContain('at update 500');
    expect(step()).toBe(at);
    expect(q('rollout-play').textContent).toBe('Play');
  });

  it('keeps a pinned episode through new evaluations and a change of focused run, until unpinned', async () => {
    await evaluate('r1', [1000], episode(100, 5));
    await click('replay-pin');
    expect(mode()).toBe('pinned');

    await evaluate('r1', [1000, 2000], episode(110, 6));
    await evaluate('r2', [3000], episode(130, 7));
    await act(async () => useLab.setState({ focusRunId: 'r2' }));
    expect(source()).toContain('at update 1,000');
    expect((q('rollout-scrubber') as HTMLInputElement).max).toBe('100');
    expect(q('replay-follow-state').textContent).toContain('the latest evaluation is at update 3,000');

    await click('replay-follow');
    expect(source()).toContain('at update 3,000');
    expect((q('rollout-scrubber') as HTMLInputElement).max).toBe('130');
  });
});
