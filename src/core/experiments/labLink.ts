// The whole lab in the URL hash, as TensorFlow Playground keeps its page: the form, a dataset recipe, runs to
// (re)create, hidden controls, chart choices and presentation mode. A link is untrusted input: every part is
// checked against a closed set or a schema kind, bad parts are left out and reported, nothing is executed.
//
// Grammar (the hash without '#'; pairs are percent-encoded and '+' is a space, as URLSearchParams reads them):
//   hash    = pair *('&' pair)                        at most MAX_LINK_LENGTH characters, else refused whole
//   pair    = key '=' value
//   env=<environment id>  data=<dataset name>  algo=<algorithm id>  backend=<webgpu|webgl|wasm|cpu> (auto: absent)
//   <hyperparameter>=<value>                          the form's values for `algo` (bc when absent): today's link
//   recipe=<env id>~mix:<policy>[*<weight>],...~transitions:<n>|episodes:<n>~seed:<n>[~noise:<x>][~name:<name>][~layout:<map text, to the end>]
//   run=<algo>~<dataset name>~<seeds>[~<key>:<value>,<key>:<value>...]    repeatable, at most MAX_RUNS
//   hide=<control>,<control>...
//   chart=smoothing:<x>,xAxis:<updates|wall|envSteps>,center:<runs|mean|iqm>,band:<none|minmax|se|ci95>,log:<true|false>,seedsFaint:<true|false>
//   present=1
// e.g. env=CartPole-v1&data=cartpole-expert&algo=iql&lr=0.001&run=iql~cartpole-expert~3~lr:0.001,expectile:0.8
import type { GenerateOptions, MixPart } from '../data/generate';
import { listEnvs, makeEnv } from '../envs/registry';
import { checkValue, type HyperParam, type HyperValue, type HyperValues } from '../run/hyperparameters';
import type { Catalog } from '../run/session';
import { policyLevels } from '../policies/index';
import { BACKEND_REQUESTS, type BackendRequest } from '../tf/backendNames';

/** Enough to regenerate a generated or built-in dataset in another browser: `generateDataset({ ...recipe })`. */
export interface DatasetRecipe {
  envId: GenerateOptions['envId'];
  /** Behaviour policies in order, with positive weights (1 when left out of the link). */
  mix: MixPart[];
  /** The size: exactly one of transitions and episodes. */
  transitions?: GenerateOptions['transitions'];
  episodes?: GenerateOptions['episodes'];
  seed: GenerateOptions['seed'];
  /** Std of Gaussian noise on continuous actions, 0..1. */
  actionNoise?: GenerateOptions['actionNoise'];
  /** A custom GridWorld or PointMaze map (EnvOptions.layout's text format). */
  layout?: GenerateOptions['layout'];
  /** The dataset's name; give it, since generateDataset's default name is not always the page's. */
  name?: GenerateOptions['name'];
}

export interface LinkRun {
  algo: string;
  /** The dataset's name. */
  data: string;
  /** How many seeds to run, 1..MAX_SEEDS. */
  seeds: number;
  /** Hyperparameters that differ from the defaults, `seed` among them when not 0. */
  values: HyperValues;
}

export const X_AXES = ['updates', 'wall', 'envSteps'] as const;
export const CENTERS = ['runs', 'mean', 'iqm'] as const;
export const BANDS = ['none', 'minmax', 'se', 'ci95'] as const;

export interface ChartChoices {
  /** Exponential smoothing, 0..0.99. */
  smoothing: number;
  xAxis: (typeof X_AXES)[number];
  center: (typeof CENTERS)[number];
  band: (typeof BANDS)[number];
  log: boolean;
  seedsFaint: boolean;
}

export interface LabLink {
  env?: string;
  data?: string;
  recipe?: DatasetRecipe;
  algo?: string;
  /** 'auto' is the default and is not written, so a link round-trips with 'auto' as absent. */
  backend?: BackendRequest;
  /** The form's hyperparameters; only those that differ from the defaults are written. */
  values: HyperValues;
  /** Runs to (re)create; the page offers to start them on a click. */
  runs: LinkRun[];
  /** Controls or panels a teacher hid (ids from `knownControls`). */
  hide: string[];
  chart: Partial<ChartChoices>;
  /** Presentation mode: true or absent. */
  present?: boolean;
}

export const MAX_LINK_LENGTH = 8000;
export const MAX_RUNS = 20;
export const MAX_SEEDS = 20;
/** More problems than this are summed up in one last line. */
export const MAX_PROBLEMS = 20;
/** Echoed parts of a link (names, values, keys) are cut to this many characters in problems. */
const ECHO_LENGTH = 60;
/** A whole problem line is never longer than this. */
const PROBLEM_LENGTH = 200;
const MAX_LAYOUT_LENGTH = 4000;
const MAX_MIX_PARTS = 10;
/** generateDataset's limit on rows. */
const MAX_ROWS = 5_000_000;
/** The algorithm whose schema reads form values when the link names none (as today's links). */
const DEFAULT_ALGO = 'bc';

/**
 * Names of datasets a link may carry: letters and digits of any script, space and _ . - + ( ) [ ].
 * No quotes, angle brackets, ampersands, nor the link's own separators (~ , : & =).
 */
const SAFE_NAME = /^[\p{L}\p{N}_.\-+ ()[\]]{1,80}$/u;
export function isSafeDatasetName(name: string): boolean {
  return SAFE_NAME.test(name);
}

export function emptyLabLink(): LabLink {
  return { values: {}, runs: [], hide: [], chart: {} };
}

export function schemaOf(catalog: Catalog, algorithmId: string): HyperParam[] {
  const algo = catalog.algorithms.find((a) => a.id === algorithmId);
  return [...(algo?.hyperparameters ?? []), ...catalog.runSchema];
}

/** Only the values that differ from the defaults go in a link, in the schema's order. */
export function changedValues(schema: readonly HyperParam[], values: HyperValues): HyperValues {
  const out: HyperValues = {};
  for (const p of schema) {
    if (Object.hasOwn(values, p.key) && values[p.key] !== p.default) out[p.key] = values[p.key];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Small schemas, so every number and choice in a link is read by checkValue and its messages.

const param = (key: string, label: string, kind: HyperParam['kind'], extra: Partial<HyperParam> = {}): HyperParam => ({
  key,
  label,
  help: '',
  kind,
  default: kind === 'bool' ? false : kind === 'choice' ? (extra.choices?.[0] ?? '') : 0,
  live: false,
  ...extra,
});

const SEEDS = param('seeds', 'number of seeds', 'int', { min: 1, max: MAX_SEEDS });
const CHART_SCHEMA: HyperParam[] = [
  param('smoothing', 'line smoothing', 'number', { min: 0, max: 0.99 }),
  param('xAxis', 'x-axis', 'choice', { choices: [...X_AXES] }),
  param('center', 'centre line', 'choice', { choices: [...CENTERS] }),
  param('band', 'band', 'choice', { choices: [...BANDS] }),
  param('log', 'log scale', 'bool'),
  param('seedsFaint', 'faint seed lines', 'bool'),
];
const RECIPE_SCHEMA: Record<'transitions' | 'episodes' | 'seed' | 'noise' | 'weight', HyperParam> = {
  transitions: param('transitions', 'recipe transitions', 'int', { min: 1, max: MAX_ROWS }),
  episodes: param('episodes', 'recipe episodes', 'int', { min: 1, max: MAX_ROWS }),
  seed: param('seed', 'recipe seed', 'int', { min: 0, max: Number.MAX_SAFE_INTEGER }),
  noise: param('noise', 'recipe action noise', 'number', { min: 0, max: 1 }),
  weight: param('weight', 'recipe mix weight', 'number', { min: 1e-6, max: 1e6 }),
};
const RECIPE_TAGS = ['mix', 'transitions', 'episodes', 'seed', 'noise', 'name'];
const RESERVED = ['env', 'data', 'algo', 'backend', 'recipe', 'run', 'hide', 'chart', 'present'];

// ---------------------------------------------------------------------------------------------------------------
// Encoding

/** Percent-encoding that leaves the link's own separators , : ~ * readable; '+' stands for a space. */
function enc(s: string): string {
  return encodeURIComponent(s).replace(/%2C/g, ',').replace(/%3A/g, ':').replace(/%20/g, '+');
}

function formatValues(values: HyperValues): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}:${String(v)}`)
    .join(',');
}

function formatRecipe(r: DatasetRecipe): string {
  const parts = [r.envId, `mix:${r.mix.map((p) => (p.weight === 1 ? p.policy : `${p.policy}*${p.weight}`)).join(',')}`];
  if (r.transitions !== undefined) parts.push(`transitions:${r.transitions}`);
  if (r.episodes !== undefined) parts.push(`episodes:${r.episodes}`);
  parts.push(`seed:${r.seed}`);
  if (r.actionNoise !== undefined) parts.push(`noise:${r.actionNoise}`);
  if (r.name !== undefined) parts.push(`name:${r.name}`);
  if (r.layout !== undefined) parts.push(`layout:${r.layout}`);
  return parts.join('~');
}

/**
 * The hash (without '#') for a link: only non-default values, in a fixed order, so equal links give equal hashes.
 * Dataset names that decoding would refuse (see isSafeDatasetName) are left out, with the runs that use them;
 * values that are not in their algorithm's schema are left out too.
 */
export function encodeLabLink(link: LabLink, catalog: Catalog): string {
  const pairs: [string, string][] = [];
  if (link.env) pairs.push(['env', link.env]);
  if (link.data && isSafeDatasetName(link.data)) pairs.push(['data', link.data]);
  if (link.recipe && (link.recipe.name === undefined || isSafeDatasetName(link.recipe.name))) pairs.push(['recipe', formatRecipe(link.recipe)]);
  if (link.algo) pairs.push(['algo', link.algo]);
  if (link.backend && link.backend !== 'auto') pairs.push(['backend', link.backend]);
  for (const [k, v] of Object.entries(changedValues(schemaOf(catalog, link.algo ?? DEFAULT_ALGO), link.values))) pairs.push([k, String(v)]);
  for (const run of link.runs.slice(0, MAX_RUNS)) {
    if (!isSafeDatasetName(run.data)) continue;
    const values = formatValues(changedValues(schemaOf(catalog, run.algo), run.values));
    pairs.push(['run', [run.algo, run.data, String(run.seeds), ...(values ? [values] : [])].join('~')]);
  }
  if (link.hide.length > 0) pairs.push(['hide', link.hide.join(',')]);
  const chart = CHART_SCHEMA.flatMap((p) => {
    const v = link.chart[p.key as keyof ChartChoices];
    return v === undefined ? [] : [`${p.key}:${String(v)}`];
  });
  if (chart.length > 0) pairs.push(['chart', chart.join(',')]);
  if (link.present) pairs.push(['present', '1']);
  return pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding

const UNSAFE_ECHO = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** A piece of the link as it may appear in a problem: control and direction characters replaced, cut with "…". */
function shown(s: string, max = ECHO_LENGTH): string {
  const clean = s.replace(UNSAFE_ECHO, '\uFFFD');
  if (clean.length <= max) return clean;
  return `${Array.from(clean.slice(0, max + 1)).slice(0, max - 1).join('')}…`;
}
const quote = (s: string): string => `"${shown(s)}"`;

class Problems {
  readonly list: string[] = [];
  private dropped = 0;
  /** Problems reported so far, kept or not. */
  total = 0;

  add(message: string): void {
    this.total += 1;
    if (this.list.length >= MAX_PROBLEMS) this.dropped += 1;
    else this.list.push(shown(message, PROBLEM_LENGTH));
  }

  done(): string[] {
    return this.dropped > 0 ? [...this.list, `and ${this.dropped} more problems in the link`] : this.list;
  }
}

/** Reads one value with checkValue; on failure reports its message (with the raw value cut) and gives undefined. */
function readValue(p: HyperParam, raw: string, problems: Problems, where = ''): HyperValue | undefined {
  const value = p.kind === 'bool' ? (raw === 'true' ? true : raw === 'false' ? false : raw) : raw;
  try {
    return checkValue(p, value);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    problems.add(`the link's ${where}${raw.length > ECHO_LENGTH ? message.split(raw).join(shown(raw)) : message}`);
    return undefined;
  }
}

/** Splits "k:v,k:v" where a value may itself hold commas ("hidden:64,64"): a piece without ':' continues the last value. */
function splitPairs(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const piece of text.split(',')) {
    const colon = piece.indexOf(':');
    if (colon < 0 && out.length > 0) out[out.length - 1][1] += `,${piece}`;
    else if (colon < 0) out.push([piece, '']);
    else out.push([piece.slice(0, colon), piece.slice(colon + 1)]);
  }
  return out;
}

type Wording = 'lab' | 'legacy';

/** Reads values for one schema; unknown keys and repeated keys are reported, bad values left out. */
function readValues(pairs: Iterable<[string, string]>, schema: readonly HyperParam[], catalog: Catalog, algoId: string, problems: Problems, where: string, wording: Wording): HyperValues {
  const byKey = new Map<string, string[]>();
  for (const [key, raw] of pairs) {
    const list = byKey.get(key);
    if (list) list.push(raw);
    else byKey.set(key, [raw]);
  }
  const values: HyperValues = {};
  const owner = where ? `the link's ${where}` : 'the link';
  for (const [key, list] of byKey) {
    if (list.length > 1) problems.add(`${owner} sets ${quote(key)} ${list.length} times: the first value is used`);
    const p = schema.find((s) => s.key === key);
    if (!p) {
      const subject = `${owner} sets ${quote(key)}`;
      if (wording === 'legacy') problems.add(`${subject}, which this algorithm does not have`);
      else if (catalog.algorithms.some((a) => a.hyperparameters.some((h) => h.key === key))) problems.add(`${subject}, which ${shown(algoId)} does not have: ignored`);
      else problems.add(`${subject}, which the lab does not know: ignored`);
      continue;
    }
    const v = readValue(p, list[0], problems, where ? `${where}: ` : '');
    if (v !== undefined) values[key] = v;
  }
  return values;
}

function listPolicies(envId: string): string[] {
  try {
    return policyLevels(envId).map((l) => l.id);
  } catch {
    return [];
  }
}

function readRecipe(raw: string, problems: Problems): DatasetRecipe | undefined {
  const before = problems.total;
  const bad = (message: string): undefined => {
    problems.add(`the link's recipe ${message}`);
    return undefined;
  };
  const at = raw.indexOf('~layout:');
  const layout = at >= 0 ? raw.slice(at + '~layout:'.length) : undefined;
  const [envId, ...pieces] = (at >= 0 ? raw.slice(0, at) : raw).split('~');
  if (!listEnvs().some((e) => e.id === envId)) return bad(`names an unknown environment ${quote(envId)}: the recipe is ignored`);
  let maxSteps = listEnvs().find((e) => e.id === envId)!.maxEpisodeSteps;
  if (layout !== undefined) {
    if (layout.length > MAX_LAYOUT_LENGTH) return bad(`has a map of ${layout.length} characters (at most ${MAX_LAYOUT_LENGTH}): the recipe is ignored`);
    try {
      maxSteps = makeEnv(envId, { layout }).spec.maxEpisodeSteps;
    } catch (e) {
      return bad(`has a map the lab cannot read (${shown(e instanceof Error ? e.message : String(e))}): the recipe is ignored`);
    }
  }
  const tags = new Map<string, string>();
  for (const piece of pieces) {
    const colon = piece.indexOf(':');
    const tag = colon < 0 ? piece : piece.slice(0, colon);
    if (!RECIPE_TAGS.includes(tag)) bad(`sets ${quote(tag)}, which a recipe does not have (known: ${RECIPE_TAGS.join(', ')}, layout)`);
    else if (tags.has(tag)) bad(`sets ${quote(tag)} more than once`);
    else tags.set(tag, colon < 0 ? '' : piece.slice(colon + 1));
  }
  const recipe: DatasetRecipe = { envId, mix: [], seed: 0 };
  const levels = listPolicies(envId);
  const mix = tags.get('mix');
  if (mix === undefined || mix === '') bad('has no mix (e.g. mix:medium,expert*3)');
  else {
    const parts = mix.split(',');
    if (parts.length > MAX_MIX_PARTS) bad(`mixes ${parts.length} parts (at most ${MAX_MIX_PARTS})`);
    else {
      for (const part of parts) {
        const star = part.indexOf('*');
        const policy = star < 0 ? part : part.slice(0, star);
        if (!levels.includes(policy)) bad(`mixes ${quote(policy)}, which is not a behaviour policy of ${envId} (known: ${levels.join(', ')})`);
        const weight = star < 0 ? 1 : readValue(RECIPE_SCHEMA.weight, part.slice(star + 1), problems);
        if (typeof weight === 'number') recipe.mix.push({ policy, weight });
      }
    }
  }
  const transitions = tags.get('transitions');
  const episodes = tags.get('episodes');
  if ((transitions === undefined) === (episodes === undefined)) bad('needs its size as transitions or as episodes (one of them)');
  else if (transitions !== undefined) {
    const n = readValue(RECIPE_SCHEMA.transitions, transitions, problems);
    if (typeof n === 'number') recipe.transitions = n;
  } else if (episodes !== undefined) {
    const n = readValue(RECIPE_SCHEMA.episodes, episodes, problems);
    if (typeof n === 'number' && n * maxSteps > MAX_ROWS) bad(`asks for ${n} episodes of up to ${maxSteps} steps, which could exceed ${MAX_ROWS.toLocaleString('en-US')} transitions`);
    else if (typeof n === 'number') recipe.episodes = n;
  }
  const seed = tags.get('seed');
  if (seed === undefined) bad('has no seed');
  else {
    const s = readValue(RECIPE_SCHEMA.seed, seed, problems);
    if (typeof s === 'number') recipe.seed = s;
  }
  const noise = tags.get('noise');
  if (noise !== undefined) {
    const x = readValue(RECIPE_SCHEMA.noise, noise, problems);
    if (typeof x === 'number') recipe.actionNoise = x;
  }
  const name = tags.get('name');
  if (name !== undefined) {
    if (isSafeDatasetName(name)) recipe.name = name;
    else bad(`names its dataset ${quote(name)}, which has characters a dataset name cannot have`);
  }
  if (layout !== undefined) recipe.layout = layout;
  // All or nothing: a recipe with any bad part would make different data, so none of it is used.
  if (problems.total !== before) {
    problems.add('the link\'s recipe is ignored');
    return undefined;
  }
  return recipe;
}

function readRun(raw: string, index: number, catalog: Catalog, problems: Problems): LinkRun | undefined {
  const pieces = raw.split('~');
  const where = `run ${index + 1}`;
  if (pieces.length < 3) {
    problems.add(`the link's ${where} should read algorithm~dataset~seeds[~key:value,...], got ${quote(raw)}: ignored`);
    return undefined;
  }
  const [algo, data, seedsRaw] = pieces;
  if (!catalog.algorithms.some((a) => a.id === algo)) {
    problems.add(`the link's ${where} uses an unknown algorithm ${quote(algo)}: ignored`);
    return undefined;
  }
  if (!isSafeDatasetName(data)) {
    problems.add(`the link's ${where} names the dataset ${quote(data)}, which has characters a dataset name cannot have: ignored`);
    return undefined;
  }
  const seeds = readValue(SEEDS, seedsRaw, problems, `${where}: `);
  if (typeof seeds !== 'number') return undefined;
  const text = pieces.slice(3).join('~');
  const values = text === '' ? {} : readValues(splitPairs(text), schemaOf(catalog, algo), catalog, algo, problems, `${where} (${algo})`, 'lab');
  return { algo, data, seeds, values };
}

function readChart(raw: string, problems: Problems): Partial<ChartChoices> {
  const values = readValues(splitPairs(raw), CHART_SCHEMA, { algorithms: [], runSchema: [] }, 'the chart', problems, 'chart', 'lab');
  const chart: Partial<ChartChoices> = {};
  const { smoothing, xAxis, center, band, log, seedsFaint } = values;
  if (typeof smoothing === 'number') chart.smoothing = smoothing;
  if (xAxis !== undefined) chart.xAxis = X_AXES.find((x) => x === xAxis);
  if (center !== undefined) chart.center = CENTERS.find((x) => x === center);
  if (band !== undefined) chart.band = BANDS.find((x) => x === band);
  if (typeof log === 'boolean') chart.log = log;
  if (typeof seedsFaint === 'boolean') chart.seedsFaint = seedsFaint;
  return chart;
}

function decode(hash: string, catalog: Catalog, knownControls: readonly string[], wording: Wording): { link: LabLink; problems: string[] } {
  const text = hash.replace(/^#/, '');
  const link = emptyLabLink();
  if (text.length > MAX_LINK_LENGTH) {
    return { link, problems: [`the link is ${text.length.toLocaleString('en-US')} characters long; the lab reads links of at most ${MAX_LINK_LENGTH.toLocaleString('en-US')}: nothing in it was applied`] };
  }
  const problems = new Problems();
  const byKey = new Map<string, string[]>();
  for (const [key, value] of new URLSearchParams(text)) {
    if (key === '' && value === '') continue;
    const list = byKey.get(key);
    if (list) list.push(value);
    else byKey.set(key, [value]);
  }
  const first = (key: string): string | undefined => {
    const list = byKey.get(key);
    if (!list) return undefined;
    if (list.length > 1) problems.add(`the link sets ${quote(key)} ${list.length} times: the first value is used`);
    return list[0];
  };

  const env = first('env');
  if (env !== undefined) {
    if (listEnvs().some((e) => e.id === env)) link.env = env;
    else problems.add(`unknown environment ${quote(env)} in the link`);
  }
  const algo = first('algo');
  if (algo !== undefined) {
    if (catalog.algorithms.some((a) => a.id === algo)) link.algo = algo;
    else problems.add(`unknown algorithm ${quote(algo)} in the link`);
  }
  const backend = first('backend');
  if (backend !== undefined) {
    const known = BACKEND_REQUESTS.find((b) => b === backend);
    if (known === undefined) problems.add(`unknown backend ${quote(backend)} in the link`);
    else link.backend = known;
  }
  const data = first('data');
  if (data !== undefined && data !== '') {
    if (isSafeDatasetName(data)) link.data = data;
    else problems.add(`the link names the dataset ${quote(data)}, which has characters a dataset name cannot have: ignored`);
  }
  const recipe = first('recipe');
  if (recipe !== undefined) {
    const r = readRecipe(recipe, problems);
    if (r) link.recipe = r;
  }

  const formAlgo = link.algo ?? (catalog.algorithms.some((a) => a.id === DEFAULT_ALGO) ? DEFAULT_ALGO : (catalog.algorithms[0]?.id ?? DEFAULT_ALGO));
  const formPairs: [string, string][] = [];
  for (const [key, list] of byKey) {
    if (RESERVED.includes(key)) continue;
    for (const value of list) formPairs.push([key, value]);
  }
  link.values = readValues(formPairs, schemaOf(catalog, formAlgo), catalog, formAlgo, problems, '', wording);

  const runs = byKey.get('run') ?? [];
  if (runs.length > MAX_RUNS) problems.add(`the link asks for ${runs.length} runs; the lab takes at most ${MAX_RUNS}: the first ${MAX_RUNS} are kept`);
  runs.slice(0, MAX_RUNS).forEach((raw, i) => {
    const run = readRun(raw, i, catalog, problems);
    if (run) link.runs.push(run);
  });

  const hide = first('hide');
  if (hide !== undefined && hide !== '') {
    for (const id of hide.split(',')) {
      if (!knownControls.includes(id)) problems.add(`the link hides ${quote(id)}, which is not a control of the lab: ignored`);
      else if (!link.hide.includes(id)) link.hide.push(id);
    }
  }
  const chart = first('chart');
  if (chart !== undefined && chart !== '') link.chart = readChart(chart, problems);
  const present = first('present');
  if (present === '1' || present === 'true') link.present = true;
  else if (present !== undefined && present !== '0' && present !== 'false') problems.add(`the link's presentation mode (present) must be 1 or 0, got ${quote(present)}`);

  return { link, problems: problems.done() };
}

/**
 * Reads a hash (with or without '#') against the catalog and the page's control ids. Unknown names and bad values
 * are left out and reported, never applied: a shared link with a typo still opens the lab. Problems are plain text
 * (to be rendered as text), each at most 200 characters, echoed parts of the link cut with "…".
 */
export function decodeLabLink(hash: string, catalog: Catalog, knownControls: readonly string[]): { link: LabLink; problems: string[] } {
  return decode(hash, catalog, knownControls, 'lab');
}

// ---------------------------------------------------------------------------------------------------------------
// Today's link (env, data, algo, backend and the form's values), kept for the page's URL sync until it moves over.

/** The page's choices as they appear in the URL hash, e.g. #env=CartPole-v1&data=cartpole-expert&algo=bc&lr=0.001 */
export interface UrlState {
  env?: string;
  data?: string;
  algo?: string;
  backend?: BackendRequest;
  /** Hyperparameters that differ from the algorithm's defaults. */
  values: HyperValues;
}

export function encodeUrlState(state: UrlState): string {
  const p = new URLSearchParams();
  if (state.env) p.set('env', state.env);
  if (state.data) p.set('data', state.data);
  if (state.algo) p.set('algo', state.algo);
  if (state.backend && state.backend !== 'auto') p.set('backend', state.backend);
  for (const [k, v] of Object.entries(state.values)) p.set(k, String(v));
  return p.toString();
}

/** The form part of a link, read as decodeLabLink reads it. */
export function decodeUrlState(hash: string, catalog: Catalog): { state: UrlState; problems: string[] } {
  const { link, problems } = decode(hash, catalog, [], 'legacy');
  const state: UrlState = { values: link.values };
  if (link.env !== undefined) state.env = link.env;
  if (link.data !== undefined) state.data = link.data;
  if (link.algo !== undefined) state.algo = link.algo;
  if (link.backend !== undefined) state.backend = link.backend;
  return { state, problems };
}
