import { describe, expect, it } from 'vitest';
import { listAlgorithms } from '../../src/core/algos/registry';
import { generateDataset, type GenerateOptions } from '../../src/core/data/generate';
import { decodeLabLink, encodeLabLink, isSafeDatasetName, MAX_LINK_LENGTH, MAX_RUNS, type LabLink } from '../../src/core/experiments/labLink';
import { runSchema } from '../../src/core/run/runSettings';
import { algorithmInfo } from '../../src/core/run/session';
import { encodeUrlState } from '../../src/app/store/urlState';

const catalog = { algorithms: listAlgorithms().map(algorithmInfo), runSchema };
const controls = ['panel-dataset', 'panel-inspector', 'lr', 'backend-picker'];
const decode = (hash: string) => decodeLabLink(hash, catalog, controls);
const empty = (): LabLink => ({ values: {}, runs: [], hide: [], chart: {} });

const full: LabLink = {
  env: 'CartPole-v1',
  data: 'cartpole-medium-expert',
  recipe: { envId: 'CartPole-v1', mix: [{ policy: 'medium', weight: 1 }, { policy: 'expert', weight: 3 }], transitions: 40000, seed: 4, name: 'cartpole-medium-expert' },
  algo: 'iql',
  backend: 'wasm',
  values: { expectile: 0.8, hidden: '64,64', normalizeStates: false, seed: 5 },
  runs: [
    { algo: 'iql', data: 'cartpole-medium-expert', seeds: 3, values: { lr: 0.001, expectile: 0.9 } },
    { algo: 'bc', data: 'cartpole-expert', seeds: 1, values: {} },
    { algo: 'cql-discrete', data: 'cartpole-medium-expert', seeds: 20, values: { loss: 'mse', hidden: '256,256,256', double: true, seed: 7 } },
  ],
  hide: ['panel-inspector', 'lr'],
  chart: { smoothing: 0.6, xAxis: 'wall', center: 'iqm', band: 'ci95', log: true, seedsFaint: false },
  present: true,
};

describe('the lab link', () => {
  it('round-trips a full link: form, recipe, runs with seeds and values, hidden controls, chart, presentation', () => {
    const hash = encodeLabLink(full, catalog);
    expect(hash).toBe(
      'env=CartPole-v1&data=cartpole-medium-expert&recipe=CartPole-v1~mix:medium,expert*3~transitions:40000~seed:4~name:cartpole-medium-expert' +
        '&algo=iql&backend=wasm&expectile=0.8&hidden=64,64&normalizeStates=false&seed=5' +
        '&run=iql~cartpole-medium-expert~3~expectile:0.9,lr:0.001&run=bc~cartpole-expert~1' +
        '&run=cql-discrete~cartpole-medium-expert~20~loss:mse,double:true,hidden:256,256,256,seed:7' +
        '&hide=panel-inspector,lr&chart=smoothing:0.6,xAxis:wall,center:iqm,band:ci95,log:true,seedsFaint:false&present=1',
    );
    expect(hash.length).toBeLessThan(MAX_LINK_LENGTH);
    const { link, problems } = decode(`#${hash}`);
    expect(problems).toEqual([]);
    expect(link).toEqual(full);
    expect(encodeLabLink(link, catalog)).toBe(hash);
  });

  it('writes the spec example compactly and reads it back', () => {
    const link: LabLink = { ...empty(), runs: [{ algo: 'iql', data: 'cartpole-expert', seeds: 3, values: { lr: 0.001, expectile: 0.8 } }] };
    expect(encodeLabLink(link, catalog)).toBe('run=iql~cartpole-expert~3~expectile:0.8,lr:0.001');
    expect(decode('run=iql~cartpole-expert~3~lr:0.001,expectile:0.8')).toEqual({ link, problems: [] });
  });

  it('leaves defaults out, and an empty link is an empty hash', () => {
    expect(encodeLabLink(empty(), catalog)).toBe('');
    expect(encodeLabLink({ ...empty(), algo: 'bc', backend: 'auto', values: { lr: 0.0003, seed: 0 }, present: false }, catalog)).toBe('algo=bc');
    expect(decode('')).toEqual({ link: empty(), problems: [] });
    expect(decode('#')).toEqual({ link: empty(), problems: [] });
  });

  it('round-trips every choice value of every algorithm inside a run (commas in "64,64" included)', () => {
    for (const algo of catalog.algorithms) {
      for (const p of algo.hyperparameters.filter((h) => h.kind === 'choice')) {
        for (const choice of p.choices!.filter((c) => c !== p.default)) {
          const link: LabLink = { ...empty(), algo: algo.id, values: { [p.key]: choice }, runs: [{ algo: algo.id, data: 'd', seeds: 2, values: { [p.key]: choice, lr: 0.002 } }] };
          expect(decode(encodeLabLink(link, catalog))).toEqual({ link, problems: [] });
        }
      }
    }
  });

  it('carries recipes by episodes, with noise and a custom map, that regenerate the same dataset', () => {
    const layout = 'S..\n.#.\n..G\nslip: 0.1\nsteps: 30';
    const recipes = [
      { envId: 'Pendulum-v1', mix: [{ policy: 'random', weight: 0.25 }, { policy: 'expert', weight: 1 }], episodes: 3, seed: 9, actionNoise: 0.2, name: 'pendulum-random-expert-noise0.2' },
      { envId: 'GridWorld', mix: [{ policy: 'expert', weight: 1 }], episodes: 4, seed: 0, layout, name: 'my grid (v2)' },
    ];
    for (const recipe of recipes) {
      const link: LabLink = { ...empty(), recipe };
      const hash = encodeLabLink(link, catalog);
      expect(hash).not.toMatch(/[\s#]/);
      const back = decode(hash);
      expect(back).toEqual({ link, problems: [] });
      const options: GenerateOptions = back.link.recipe!;
      const a = generateDataset(options);
      const b = generateDataset(recipe);
      expect(a.name).toBe(recipe.name);
      expect(Array.from(a.rewards)).toEqual(Array.from(b.rewards));
      expect(a.episodes).toBe(recipe.episodes);
    }
  });

  it('refuses recipes with bad parts as a whole, naming each part', () => {
    const bad = (r: string) => decode(`recipe=${encodeURIComponent(r)}`);
    expect(bad('Nope-v0~mix:expert~transitions:100~seed:1').problems).toEqual(['the link\'s recipe names an unknown environment "Nope-v0": the recipe is ignored']);
    const r = bad('CartPole-v1~mix:expert,genius*2~transitions:0~seed:-1~noise:NaN~colour:red');
    expect(r.link.recipe).toBeUndefined();
    expect(r.problems).toEqual([
      'the link\'s recipe sets "colour", which a recipe does not have (known: mix, transitions, episodes, seed, noise, name, layout)',
      'the link\'s recipe mixes "genius", which is not a behaviour policy of CartPole-v1 (known: random, medium, expert)',
      "the link's recipe transitions (transitions) must be between 1 and 5e6, got 0",
      "the link's recipe seed (seed) must be between 0 and 9.007e15, got -1",
      'the link\'s recipe action noise (noise) must be a finite number, got "NaN"',
      "the link's recipe is ignored",
    ]);
    expect(bad('CartPole-v1~mix:expert~transitions:10~episodes:2~seed:1').problems[0]).toBe('the link\'s recipe needs its size as transitions or as episodes (one of them)');
    expect(bad('CartPole-v1~mix:expert~episodes:20000~seed:1').problems[0]).toBe("the link's recipe asks for 20000 episodes of up to 500 steps, which could exceed 5,000,000 transitions");
    expect(bad('CartPole-v1~mix:expert~transitions:10~seed:1~layout:S.G').problems[0]).toMatch(/^the link's recipe has a map the lab cannot read \(CartPole-v1: the layout option is only for/);
    expect(bad('GridWorld~mix:expert~transitions:10~seed:1~layout:S.Q\nzz').problems).toHaveLength(1);
    expect(bad('CartPole-v1~mix:expert~transitions:10~seed:1~name:<b>x</b>').problems[0]).toBe('the link\'s recipe names its dataset "<b>x</b>", which has characters a dataset name cannot have');
  });
});

describe('hostile links', () => {
  it('ignores and reports unknown keys, at the top, in runs and in the chart', () => {
    const { link, problems } = decode('algo=bc&foo=1&expectile=0.8&__proto__=1&constructor=x&run=bc~d~1~lr:0.01,bar:2&chart=smoothing:0.5,colour:red');
    expect(link).toEqual({ ...empty(), algo: 'bc', runs: [{ algo: 'bc', data: 'd', seeds: 1, values: { lr: 0.01 } }], chart: { smoothing: 0.5 } });
    expect(Object.getPrototypeOf(link.values)).toBe(Object.prototype);
    expect(problems).toEqual([
      'the link sets "foo", which the lab does not know: ignored',
      'the link sets "expectile", which bc does not have: ignored',
      'the link sets "__proto__", which the lab does not know: ignored',
      'the link sets "constructor", which the lab does not know: ignored',
      'the link\'s run 1 (bc) sets "bar", which the lab does not know: ignored',
      'the link\'s chart sets "colour", which the lab does not know: ignored',
    ]);
  });

  it('rejects out-of-range and NaN numbers naming the key, with checkValue\'s messages', () => {
    const { link, problems } = decode('algo=iql&lr=5&expectile=NaN&batchSize=1.5&normalizeStates=yes&run=iql~d~25&run=iql~d~2~lr:Infinity,gamma:0.9&chart=smoothing:1,band:wide,log:maybe');
    expect(link.values).toEqual({});
    expect(link.runs).toEqual([{ algo: 'iql', data: 'd', seeds: 2, values: { gamma: 0.9 } }]);
    expect(link.chart).toEqual({});
    expect(problems).toEqual([
      "the link's learning rate (lr) must be between 1e-6 and 1, got 5",
      'the link\'s expectile (tau) (expectile) must be a finite number, got "NaN"',
      "the link's batch size (batchSize) must be a whole number, got 1.5",
      'the link\'s normalize states (normalizeStates) must be true or false, got "yes"',
      "the link's run 1: number of seeds (seeds) must be between 1 and 20, got 25",
      'the link\'s run 2 (iql): learning rate (lr) must be a finite number, got "Infinity"',
      "the link's chart: line smoothing (smoothing) must be between 0 and 0.99, got 1",
      'the link\'s chart: band (band) must be one of none, minmax, se, ci95, got "wide"',
      'the link\'s chart: log scale (log) must be true or false, got "maybe"',
    ]);
  });

  it('reports unknown environments, algorithms, backends and controls', () => {
    const { link, problems } = decode('env=Mars-v9&algo=a3c&backend=tpu&hide=panel-dataset,rm-rf,panel-dataset&run=a3c~d~1&present=maybe');
    expect(link).toEqual({ ...empty(), hide: ['panel-dataset'] });
    expect(problems).toEqual([
      'unknown environment "Mars-v9" in the link',
      'unknown algorithm "a3c" in the link',
      'unknown backend "tpu" in the link',
      'the link\'s run 1 uses an unknown algorithm "a3c": ignored',
      'the link hides "rm-rf", which is not a control of the lab: ignored',
      'the link\'s presentation mode (present) must be 1 or 0, got "maybe"',
    ]);
  });

  it('treats <script> as text: refused as a dataset name, rejected as a value, never kept', () => {
    const script = '<script>alert(1)</script>';
    const hash = new URLSearchParams({ data: script, algo: 'bc', hidden: script, env: script, run: `bc~${script}~1`, hide: script, chart: `xAxis:${script}` }).toString();
    const { link, problems } = decode(hash);
    expect(link).toEqual({ ...empty(), algo: 'bc' });
    expect(JSON.stringify(link)).not.toContain('<');
    expect(problems).toContain(`the link names the dataset "${script}", which has characters a dataset name cannot have: ignored`);
    expect(problems).toContain(`the link's hidden sizes (hidden) must be one of 32,32, 64,64, 128,128, 256,256, 256,256,256, 512,512, got "${script}"`);
    expect(problems).toContain(`the link's run 1 names the dataset "${script}", which has characters a dataset name cannot have: ignored`);
    expect(problems).toHaveLength(6);
    const inRun = decode(`run=bc~d~1~hidden:${encodeURIComponent(script)},lr:0.01`);
    expect(inRun.link.runs).toEqual([{ algo: 'bc', data: 'd', seeds: 1, values: { lr: 0.01 } }]);
    expect(inRun.problems).toEqual([`the link's run 1 (bc): hidden sizes (hidden) must be one of 32,32, 64,64, 128,128, 256,256, 256,256,256, 512,512, got "${script}"`]);
    for (const name of [script, 'a"b', "a'b", 'a&b', 'a~b', 'a,b', 'a:b', 'x'.repeat(81), '']) expect(isSafeDatasetName(name)).toBe(false);
    for (const name of ['cartpole-medium-expert', 'hopper_medium-v2.hdf5', 'my data (1) [v2]', 'données+2']) expect(isSafeDatasetName(name)).toBe(true);
  });

  it('refuses a 100 kB hash whole, saying how long it was', () => {
    const hash = `#algo=iql&lr=0.001&foo=${'a'.repeat(100_000)}`;
    const { link, problems } = decode(hash);
    expect(link).toEqual(empty());
    expect(problems).toEqual([`the link is ${(hash.length - 1).toLocaleString('en-US')} characters long; the lab reads links of at most 8,000: nothing in it was applied`]);
    expect(decode(`${'x'.repeat(MAX_LINK_LENGTH - 4)}=1&a`).problems).toHaveLength(2);
  });

  it('cuts a long value in messages with "…", in every place a value is echoed', () => {
    const long = 'A'.repeat(7000);
    for (const hash of [`lr=${long}`, `${long}=1`, `env=${long}`, `data=${long}`, `run=bc~d~${long}`, `hide=${long}`, `chart=band:${long}`, `recipe=${long}`]) {
      const { problems } = decode(hash);
      expect(problems).toHaveLength(1);
      expect(problems[0].length).toBeLessThanOrEqual(200);
      expect(problems[0]).toContain('A…');
      expect(problems[0]).not.toContain('A'.repeat(61));
    }
    // A 25,000-character value only fits in a link that the length check refuses; the cut holds without that check too.
    expect(decode(`lr=${'9'.repeat(25_000)}`).problems[0]).toMatch(/^the link is 25,003 characters long/);
    expect(decode('lr=1\u202e\n2').problems).toEqual(['the link\'s learning rate (lr) must be a finite number, got "1\uFFFD\uFFFD2"']);
  });

  it('keeps at most 20 runs and 20 seeds each', () => {
    const runs = Array.from({ length: 25 }, (_, i) => `run=bc~d~${(i % 20) + 1}`).join('&');
    const { link, problems } = decode(runs);
    expect(link.runs).toHaveLength(MAX_RUNS);
    expect(link.runs[19].seeds).toBe(20);
    expect(problems).toEqual(['the link asks for 25 runs; the lab takes at most 20: the first 20 are kept']);
    expect(decode('run=bc~d~21').problems).toEqual(["the link's run 1: number of seeds (seeds) must be between 1 and 20, got 21"]);
    expect(decode('run=bc~d~0').link.runs).toEqual([]);
    expect(decode('run=bc~d').problems).toEqual(['the link\'s run 1 should read algorithm~dataset~seeds[~key:value,...], got "bc~d": ignored']);
    const many: LabLink = { ...empty(), runs: Array.from({ length: 30 }, () => ({ algo: 'bc', data: 'd', seeds: 1, values: {} })) };
    expect(encodeLabLink(many, catalog).split('&')).toHaveLength(MAX_RUNS);
  });

  it('uses the first of duplicate keys and says so', () => {
    const { link, problems } = decode('algo=bc&algo=iql&lr=0.001&lr=0.5&hide=lr&hide=panel-dataset&run=bc~d~1~lr:0.01,lr:0.02');
    expect(link).toEqual({ ...empty(), algo: 'bc', values: { lr: 0.001 }, hide: ['lr'], runs: [{ algo: 'bc', data: 'd', seeds: 1, values: { lr: 0.01 } }] });
    expect(problems).toEqual([
      'the link sets "algo" 2 times: the first value is used',
      'the link sets "lr" 2 times: the first value is used',
      'the link\'s run 1 (bc) sets "lr" 2 times: the first value is used',
      'the link sets "hide" 2 times: the first value is used',
    ]);
  });

  it('sums up a flood of problems after 20', () => {
    const hash = Array.from({ length: 50 }, (_, i) => `k${i}=1`).join('&');
    const { problems } = decode(hash);
    expect(problems).toHaveLength(21);
    expect(problems[20]).toBe('and 30 more problems in the link');
  });

  it('never throws, and encode(decode(x)) is stable, on junk', () => {
    const junk = ['%', '%zz=%', '&&&==&', 'run=~~~', 'run=bc~~1', 'chart=,,:,', 'recipe=~~', 'recipe=GridWorld~layout:', 'hide=,', '=', 'lr', 'algo=', 'present=', 'run=bc~d~1~hidden:64,64,,lr', 'a=b=c'];
    for (const x of junk) {
      const once = encodeLabLink(decode(x).link, catalog);
      const twice = encodeLabLink(decode(once).link, catalog);
      expect(twice).toBe(once);
      expect(decode(once).problems).toEqual([]);
    }
  });
});

describe('old links', () => {
  it('still decode: today\'s format is the form part of the lab link', () => {
    const old = encodeUrlState({ env: 'CartPole-v1', data: 'cartpole-expert', algo: 'bc', backend: 'wasm', values: { lr: 0.001, hidden: '64,64', normalizeStates: false } });
    const { link, problems } = decode(`#${old}`);
    expect(problems).toEqual([]);
    expect(link).toEqual({ ...empty(), env: 'CartPole-v1', data: 'cartpole-expert', algo: 'bc', backend: 'wasm', values: { lr: 0.001, hidden: '64,64', normalizeStates: false } });
    expect(encodeLabLink(link, catalog)).toBe('env=CartPole-v1&data=cartpole-expert&algo=bc&backend=wasm&lr=0.001&hidden=64,64&normalizeStates=false');
    // Names with spaces, as URLSearchParams wrote them, and links without an algorithm (read as bc's form).
    expect(decode('data=my+data&batchSize=64').link).toEqual({ ...empty(), data: 'my data', values: { batchSize: 64 } });
    expect(decode('backend=auto').link).toEqual({ ...empty(), backend: 'auto' });
  });

  it('reserves no key that a hyperparameter uses', () => {
    const reserved = ['env', 'data', 'algo', 'backend', 'recipe', 'run', 'hide', 'chart', 'present'];
    const keys = [...catalog.runSchema, ...catalog.algorithms.flatMap((a) => a.hyperparameters)].map((p) => p.key);
    expect(keys.filter((k) => reserved.includes(k))).toEqual([]);
  });
});
