// A lab run as the same experiment for CORL (github.com/corl-team/CORL, algorithms/offline/*.py): its settings
// mapped onto the script's pyrallis TrainConfig fields, as a YAML file for `--config_path`, zipped with the run's
// dataset (D4RL-layout HDF5) and a README that says what to change in the script to read that file.
//
// Three outcomes per lab hyperparameter: a CORL config field (`iql_tau: 0.7  # lab: expectile`); a value the script
// hard-codes and the lab's equals (noted in a comment); or no counterpart (listed in `unmapped` and in a comment).
// CORL's offline scripts are for continuous actions only: discrete runs, DQN and discrete CQL are refused.
import { writeZipSync } from '../data/formats/zip';
import { getEnvSpec } from '../envs/registry';
import type { EnvSpec } from '../envs/types';
import type { HyperValue, HyperValues } from '../run/hyperparameters';
import type { RunRecord } from './types';

export interface CorlConfig {
  /** The CORL script, relative to the CORL repository root, e.g. algorithms/offline/iql.py. */
  script: string;
  /** The YAML config (pyrallis) with comments. */
  yaml: string;
  /** The name the YAML has in the export zip. */
  yamlFileName: string;
  /** Lab hyperparameter keys with no CORL counterpart (also named, with the reason, in a YAML comment). */
  unmapped: string[];
  /** Everything else a user should know (fixed values, approximations, mid-run changes), also YAML comments. */
  notes: string[];
}

export class CorlExportError extends Error {
  override readonly name = 'CorlExportError';
}

/** CORL's TrainConfig fields are typed: ints, floats (written so PyYAML reads a float), flags, strings, lists. */
type FieldValue = { kind: 'int'; value: number } | { kind: 'float'; value: number } | { kind: 'bool'; value: boolean } | { kind: 'str'; value: string } | { kind: 'floats'; value: number[] };

interface Field {
  name: string;
  v: FieldValue;
  comment: string;
}

const int = (value: number): FieldValue => ({ kind: 'int', value });
const float = (value: number): FieldValue => ({ kind: 'float', value });
const bool = (value: boolean): FieldValue => ({ kind: 'bool', value });
const str = (value: string): FieldValue => ({ kind: 'str', value });

/** A float as PyYAML reads a float (YAML 1.1 needs a dot, and a signed exponent): 3 -> 3.0, 1e-7 -> 1.0e-7. */
function yamlFloat(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? '.inf' : v < 0 ? '-.inf' : '.nan';
  const s = String(v);
  const [mantissa, exponent] = s.split('e');
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return exponent === undefined ? m : `${m}e${exponent}`;
}

function yamlValue(v: FieldValue): string {
  switch (v.kind) {
    case 'int':
      return String(v.value);
    case 'float':
      return yamlFloat(v.value);
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'str':
      return JSON.stringify(v.value); // a JSON string is a YAML double-quoted scalar
    case 'floats':
      return `[${v.value.map(yamlFloat).join(', ')}]`;
  }
}

const showValue = (v: HyperValue): string => (typeof v === 'string' ? `"${v}"` : String(v));

/** Collects the fields of one script's TrainConfig from a run's hyperparameters, and what is left over. */
class Mapping {
  readonly fields: Field[] = [];
  readonly unmapped: { key: string; why: string }[] = [];
  readonly same: string[] = [];
  readonly notes: string[] = [];
  private readonly used = new Set<string>();

  constructor(
    private readonly hp: HyperValues,
    readonly scriptName: string,
  ) {}

  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.hp, key);
  }

  /** The value of a key, marked as used. */
  take(key: string): HyperValue | undefined {
    if (!this.has(key)) return undefined;
    this.used.add(key);
    return this.hp[key];
  }

  number(key: string): number | undefined {
    const v = this.take(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new CorlExportError(`hyperparameter ${key} must be a finite number, got ${showValue(v)}`);
    return v;
  }

  set(name: string, v: FieldValue, comment = ''): void {
    if (v.kind === 'int' && !Number.isInteger(v.value)) throw new CorlExportError(`${this.scriptName} needs a whole number for ${name}, got ${v.value}`);
    this.fields.push({ name, v, comment });
  }

  /** key -> one or more fields, with an optional transform. */
  map(key: string, names: string | string[], kind: 'int' | 'float' | 'bool', transform: (v: number) => number = (v) => v): void {
    if (!this.has(key)) return;
    const list = typeof names === 'string' ? [names] : names;
    if (kind === 'bool') {
      const v = this.take(key);
      if (typeof v !== 'boolean') throw new CorlExportError(`hyperparameter ${key} must be true or false, got ${showValue(v ?? '')}`);
      for (const n of list) this.set(n, bool(v), `lab: ${key}`);
      return;
    }
    const v = this.number(key);
    if (v === undefined) return;
    const value = transform(v);
    for (const n of list) this.set(n, kind === 'int' ? int(value) : float(value), `lab: ${key}${value !== v ? ` = ${v}` : ''}`);
  }

  /** A value the script hard-codes: the lab's equals it (noted) or it does not (unmapped, with the reason). */
  fixed(key: string, expected: HyperValue, why: string): void {
    const v = this.take(key);
    if (v === undefined) return;
    if (v === expected) this.same.push(`${key} = ${showValue(v)} (${why})`);
    else this.unmapped.push({ key, why: `${key} = ${showValue(v)}: ${why}` });
  }

  /** A key with no counterpart at all. */
  none(key: string, why: string): void {
    const v = this.take(key);
    if (v !== undefined) this.unmapped.push({ key, why: `${key} = ${showValue(v)}: ${why}` });
  }

  /** Every key not used yet: no counterpart in the script. */
  finish(): void {
    for (const key of Object.keys(this.hp)) if (!this.used.has(key)) this.none(key, `no field in ${this.scriptName}`);
  }
}

/** Hidden sizes "256,256" as numbers, or null when the text is not a list of positive whole numbers. */
function parseHidden(v: HyperValue | undefined): number[] | null {
  if (typeof v !== 'string') return null;
  const sizes = v.split(',').map((s) => Number(s.trim()));
  return sizes.length > 0 && sizes.every((n) => Number.isInteger(n) && n > 0) ? sizes : null;
}

/** The script's names for the settings every run has. */
interface RunFields {
  env: 'env' | 'env_name';
  seeds: string[];
  maxUpdates: string;
  evalEvery: string;
  evalEpisodes: string;
}

const Q_RUN: RunFields = { env: 'env', seeds: ['seed'], maxUpdates: 'max_timesteps', evalEvery: 'eval_freq', evalEpisodes: 'n_episodes' };

interface Target {
  script: string;
  name: string;
  run: RunFields | null;
  /** The line that loads the D4RL dataset, and what to put instead. */
  loadLine: string;
  loadWith: string;
  /** The evaluation line calling get_normalized_score unconditionally, if the script has one. */
  scoreLine: string | null;
  /** Where the script's own max_action field must be set (dt.py, sac_n.py); the others read the env. */
  maxActionField: boolean;
  build(m: Mapping): void;
}

const qlearningLoad = (variable = 'dataset', env = 'env') => ({ loadLine: `${variable} = d4rl.qlearning_dataset(${env})`, loadWith: `${variable} = load_lab_dataset(DATASET_FILE)` });
const scoreLine = 'normalized_eval_score = env.get_normalized_score(eval_score) * 100.0';

const lr3e4 = (m: Mapping, script: string): void => m.fixed('lr', 3e-4, `${script} fixes Adam's learning rate at 3e-4`);

const TARGETS: Record<string, Target> = {
  bc: {
    script: 'algorithms/offline/any_percent_bc.py',
    name: 'BC',
    run: Q_RUN,
    ...qlearningLoad(),
    scoreLine,
    maxActionField: false,
    build(m) {
      m.set('frac', float(1), 'lab bc: plain BC clones every trajectory');
      m.map('batchSize', 'batch_size', 'int');
      m.map('normalizeStates', 'normalize', 'bool');
      lr3e4(m, 'any_percent_bc.py');
      m.fixed('hidden', '256,256', 'any_percent_bc.py builds the actor 2 x 256');
    },
  },
  'bc-filtered': {
    script: 'algorithms/offline/any_percent_bc.py',
    name: '%BC',
    run: Q_RUN,
    ...qlearningLoad(),
    scoreLine,
    maxActionField: false,
    build(m) {
      m.map('topPercent', 'frac', 'float', (v) => v / 100);
      m.map('gamma', 'discount', 'float');
      m.map('batchSize', 'batch_size', 'int');
      m.map('normalizeStates', 'normalize', 'bool');
      lr3e4(m, 'any_percent_bc.py');
      m.fixed('hidden', '256,256', 'any_percent_bc.py builds the actor 2 x 256');
    },
  },
  td3bc: {
    script: 'algorithms/offline/td3_bc.py',
    name: 'TD3+BC',
    run: Q_RUN,
    ...qlearningLoad(),
    scoreLine,
    maxActionField: false,
    build(m) {
      m.map('alpha', 'alpha', 'float');
      m.map('gamma', 'discount', 'float');
      m.map('tau', 'tau', 'float');
      m.map('policyNoise', 'policy_noise', 'float');
      m.map('noiseClip', 'noise_clip', 'float');
      m.map('policyDelay', 'policy_freq', 'int');
      m.map('batchSize', 'batch_size', 'int');
      m.map('normalizeStates', 'normalize', 'bool');
      m.set('normalize_reward', bool(false), 'the lab does not rescale rewards');
      m.fixed('lr', 3e-4, "td3_bc.py fixes the actor's and critics' Adam learning rates at 3e-4");
      m.fixed('hidden', '256,256', 'td3_bc.py builds actor and critics 2 x 256');
    },
  },
  iql: {
    script: 'algorithms/offline/iql.py',
    name: 'IQL',
    run: Q_RUN,
    ...qlearningLoad(),
    scoreLine,
    maxActionField: false,
    build(m) {
      m.map('expectile', 'iql_tau', 'float');
      m.map('beta', 'beta', 'float');
      m.map('lr', ['qf_lr', 'vf_lr'], 'float');
      m.map('actorLr', 'actor_lr', 'float');
      m.map('tau', 'tau', 'float');
      m.map('gamma', 'discount', 'float');
      m.map('batchSize', 'batch_size', 'int');
      m.map('normalizeStates', 'normalize', 'bool');
      m.set('iql_deterministic', bool(false), "the lab's IQL actor is Gaussian (state-independent log std)");
      m.set('normalize_reward', bool(false), 'the lab does not rescale rewards');
      m.fixed('actorCosine', true, "iql.py always anneals the actor's learning rate along a cosine over max_timesteps");
      m.fixed('hidden', '256,256', 'iql.py builds Q, V and the actor 2 x 256');
    },
  },
  cql: {
    script: 'algorithms/offline/cql.py',
    name: 'CQL',
    run: Q_RUN,
    ...qlearningLoad(),
    scoreLine,
    maxActionField: false,
    build(m) {
      m.map('alpha', 'cql_alpha', 'float');
      m.map('lagrange', 'cql_lagrange', 'bool');
      m.map('targetGap', 'cql_target_action_gap', 'float');
      m.map('sampledActions', 'cql_n_actions', 'int');
      m.map('temperature', 'cql_temp', 'float');
      m.map('lr', 'qf_lr', 'float');
      m.map('actorLr', 'policy_lr', 'float');
      m.map('tau', 'soft_target_update_rate', 'float');
      m.map('gamma', 'discount', 'float');
      m.map('backupEntropy', 'backup_entropy', 'bool');
      m.map('batchSize', 'batch_size', 'int');
      m.map('normalizeStates', 'normalize', 'bool');
      m.set('normalize_reward', bool(false), 'the lab does not rescale rewards');
      if (m.has('hidden')) {
        const raw = m.take('hidden');
        const sizes = parseHidden(raw);
        if (sizes && sizes.every((s) => s === 256)) {
          m.set('q_n_hidden_layers', int(sizes.length), `lab: hidden = "${String(raw)}"`);
          if (sizes.length !== 3) m.notes.push(`cql.py builds the actor 3 x 256 whatever q_n_hidden_layers says; the lab's actor was ${sizes.length} x 256`);
        } else m.unmapped.push({ key: 'hidden', why: `hidden = ${showValue(raw ?? '')}: cql.py's layers are 256 wide (only the critics' depth, q_n_hidden_layers, is a field)` });
      }
    },
  },
  awac: {
    script: 'algorithms/offline/awac.py',
    name: 'AWAC',
    run: { env: 'env_name', seeds: ['seed', 'test_seed'], maxUpdates: 'num_train_ops', evalEvery: 'eval_frequency', evalEpisodes: 'n_test_episodes' },
    ...qlearningLoad(),
    scoreLine: null,
    maxActionField: false,
    build(m) {
      m.map('lr', 'learning_rate', 'float');
      m.map('gamma', 'gamma', 'float');
      m.map('tau', 'tau', 'float');
      m.map('lambda', 'awac_lambda', 'float');
      m.map('batchSize', 'batch_size', 'int');
      m.set('normalize_reward', bool(false), 'the lab does not rescale rewards');
      hiddenDim(m, 'awac.py');
      m.fixed('normalizeStates', true, 'awac.py always standardises states');
    },
  },
  dt: {
    script: 'algorithms/offline/dt.py',
    name: 'DT',
    run: { env: 'env_name', seeds: ['train_seed', 'eval_seed'], maxUpdates: 'update_steps', evalEvery: 'eval_every', evalEpisodes: 'eval_episodes' },
    loadLine: 'dataset = gym.make(env_name).get_dataset()',
    loadWith: 'dataset = load_lab_dataset(DATASET_FILE, drop_rows_without_successor=False)',
    scoreLine: 'eval_env.get_normalized_score(np.array(eval_returns)) * 100',
    maxActionField: true,
    build(m) {
      m.map('lr', 'learning_rate', 'float');
      m.map('batchSize', 'batch_size', 'int');
      m.map('contextLength', 'seq_len', 'int');
      if (m.has('embedding')) {
        const raw = m.take('embedding');
        const e = Number(raw);
        if (!Number.isInteger(e) || e <= 0) throw new CorlExportError(`hyperparameter embedding must be a whole number, got ${String(raw)}`);
        m.set('embedding_dim', int(e), 'lab: embedding');
      }
      m.map('layers', 'num_layers', 'int');
      m.map('heads', 'num_heads', 'int');
      m.map('dropout', ['attention_dropout', 'residual_dropout', 'embedding_dropout'], 'float');
      m.map('warmup', 'warmup_steps', 'int');
      m.map('weightDecay', 'weight_decay', 'float');
      m.map('gradClip', 'clip_grad', 'float');
      m.map('rewardScale', 'reward_scale', 'float');
      m.map('episodeLength', 'episode_len', 'int');
      const target = m.number('targetReturn');
      if (target !== undefined) m.set('target_returns', { kind: 'floats', value: [target] }, 'lab: targetReturn');
      m.fixed('normalizeStates', true, 'dt.py always standardises states (with std + 1e-6; the lab adds 1e-3)');
    },
  },
  sac: {
    script: 'algorithms/offline/sac_n.py',
    name: 'SAC-N (N = 2)',
    run: null, // sac_n.py counts epochs of updates: set in build
    ...qlearningLoad('d4rl_dataset', 'eval_env'),
    scoreLine: null,
    maxActionField: true,
    build(m) {
      m.set('num_critics', int(2), "SAC-N with N = 2 is SAC's clipped double Q, as the lab's naive offline SAC");
      m.map('lr', 'critic_learning_rate', 'float');
      m.map('actorLr', ['actor_learning_rate', 'alpha_learning_rate'], 'float');
      m.map('gamma', 'gamma', 'float');
      m.map('tau', 'tau', 'float');
      m.map('batchSize', 'batch_size', 'int');
      m.set('normalize_reward', bool(false), 'the lab does not rescale rewards');
      hiddenDim(m, 'sac_n.py');
      m.fixed('backupEntropy', true, 'sac_n.py always subtracts alpha log pi in the target');
      m.fixed('normalizeStates', false, 'sac_n.py does not standardise states');
    },
  },
};

/** awac.py and sac_n.py: three hidden layers of one width, `hidden_dim`. */
function hiddenDim(m: Mapping, script: string): void {
  if (!m.has('hidden')) return;
  const raw = m.take('hidden');
  const sizes = parseHidden(raw);
  if (sizes && sizes.length === 3 && sizes.every((s) => s === sizes[0])) m.set('hidden_dim', int(sizes[0]), `lab: hidden = "${String(raw)}"`);
  else m.unmapped.push({ key: 'hidden', why: `hidden = ${showValue(raw ?? '')}: ${script} builds 3 hidden layers of hidden_dim units` });
}

const REFUSED: Record<string, string> = {
  dqn: 'offline DQN',
  'cql-discrete': 'discrete-action CQL',
};

/** Environments the lab shares with gym 0.23 (CORL's pinned gym) that have continuous actions. */
const GYM_023 = new Set(['Pendulum-v1', 'MountainCarContinuous-v0']);

function envSpecOf(envId: string | null): EnvSpec | null {
  if (envId === null) return null;
  try {
    return getEnvSpec(envId);
  } catch {
    return null;
  }
}

/** Everything both exports need: the target, the spec, and the refusals. */
function resolve(record: RunRecord): { target: Target; spec: EnvSpec | null } {
  const id = record.config.algorithmId;
  if (REFUSED[id] !== undefined) {
    throw new CorlExportError(`${id} (${REFUSED[id]}) has no CORL counterpart: CORL's offline algorithms (BC, TD3+BC, IQL, CQL, AWAC, DT, SAC-N, ...) are for continuous actions only`);
  }
  const target = TARGETS[id];
  if (!target) throw new CorlExportError(`algorithm ${id} has no CORL counterpart in this export (mapped: ${Object.keys(TARGETS).join(', ')})`);
  const spec = envSpecOf(record.config.envId);
  if (spec?.actionSpace.kind === 'discrete') {
    throw new CorlExportError(`${id} on ${spec.id} has no CORL counterpart: ${spec.id} has discrete actions and CORL's ${target.script.split('/').pop() ?? ''} (like all its offline scripts) is for continuous actions only`);
  }
  return { target, spec };
}

function fileStem(name: string, fallback: string): string {
  const stem = name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '')
    .slice(0, 60);
  return stem || fallback;
}

function checkFileName(name: string): void {
  if (!name || /[/\\]/.test(name) || name === '.' || name === '..') throw new CorlExportError(`dataset file name must be a plain file name (no folders), got "${name}"`);
}

/**
 * The run's settings as the CORL script's config. Throws, naming the algorithm, for runs CORL has no script for
 * (DQN, discrete CQL, any run on discrete actions).
 */
export function corlConfig(record: RunRecord, datasetFileName: string): CorlConfig {
  checkFileName(datasetFileName);
  const { target, spec } = resolve(record);
  const scriptName = target.script.split('/').pop() ?? target.script;
  const hp = record.config.hyperparameters;
  const m = new Mapping(hp, scriptName);
  const envId = record.config.envId;

  const envField = target.run?.env ?? 'env_name';
  m.set(envField, str(envId ?? ''), envId === null ? 'SET THIS: the run had no environment; CORL needs one to evaluate' : 'lab environment id');
  m.set('name', str(record.name), 'wandb run name (CORL appends the env and a random suffix)');

  if (target.run) {
    const r = target.run;
    const seed = m.number('seed');
    if (seed !== undefined) for (const f of r.seeds) m.set(f, int(seed), f === r.seeds[0] ? 'lab: seed' : 'lab: seed (the lab seeds evaluation from the same seed)');
    m.map('maxUpdates', r.maxUpdates, 'int');
    m.map('updatesPerEval', r.evalEvery, 'int');
    m.map('evalEpisodes', r.evalEpisodes, 'int');
  } else {
    // sac_n.py: num_epochs x num_updates_on_epoch updates, evaluating every eval_every epochs.
    const seed = m.number('seed');
    if (seed !== undefined) {
      m.set('train_seed', int(seed), 'lab: seed');
      m.set('eval_seed', int(seed), 'lab: seed (the lab seeds evaluation from the same seed)');
    }
    const total = m.number('maxUpdates');
    const every = m.number('updatesPerEval');
    if (every !== undefined) {
      m.set('num_updates_on_epoch', int(every), 'lab: updatesPerEval (one epoch between evaluations)');
      m.set('eval_every', int(1), 'evaluate after every epoch');
      if (total !== undefined) {
        const epochs = Math.max(1, Math.ceil(total / every));
        m.set('num_epochs', int(epochs), `lab: maxUpdates = ${total}`);
        if (epochs * every !== total) m.notes.push(`sac_n.py trains whole epochs: ${epochs} x ${every} = ${epochs * every} updates where the lab run had maxUpdates = ${total}`);
      }
    } else if (total !== undefined) m.unmapped.push({ key: 'maxUpdates', why: `maxUpdates = ${total}: sac_n.py counts epochs of num_updates_on_epoch updates, and the run has no updatesPerEval to size them` });
    m.map('evalEpisodes', 'eval_episodes', 'int');
  }

  target.build(m);
  m.finish();

  if (target.maxActionField && spec?.actionSpace.kind === 'box') {
    const { low, high } = spec.actionSpace;
    const symmetric = Array.from(high).every((h, i) => h === high[0] && low[i] === -h);
    if (symmetric) m.set('max_action', float(high[0]), `${spec.id}'s actions lie in [-${high[0]}, ${high[0]}]`);
    else m.notes.push(`${spec.id}'s action bounds are not one symmetric range; ${scriptName}'s max_action (one number) cannot express them`);
  }
  if (record.events.length > 0) {
    const changes = record.events.map((e) => `${e.key} ${showValue(e.from)} -> ${showValue(e.to)} at update ${e.update}${e.source ? ` (${e.source})` : ''}`);
    m.notes.push(`the lab run changed settings while it trained; CORL runs with the starting values in this file throughout: ${changes.join('; ')}`);
  }

  const yamlFileName = `${scriptName.replace(/\.py$/, '')}-${fileStem(record.name, fileStem(record.id, 'run'))}.yaml`;
  const lines = [
    `# CORL config for the RL Lab run "${record.name}" (${target.name}; lab algorithm ${record.config.algorithmId}; environment ${envId ?? 'none'}; dataset ${record.config.datasetName})`,
    `# Run from the root of a CORL checkout: python ${target.script} --config_path=${yamlFileName}`,
    `# The dataset is the file ${datasetFileName}: ${scriptName} loads D4RL datasets by env name, so edit it as README.txt says.`,
    `# Fields not written here keep ${scriptName}'s defaults.`,
  ];
  if (m.same.length) lines.push('#', `# Fixed in ${scriptName}, the same as in the lab run:`, ...m.same.map((s) => `#   ${s}`));
  if (m.unmapped.length) lines.push('#', `# Lab settings with no counterpart in ${scriptName} (not in this file; change the script by hand if they matter):`, ...m.unmapped.map((u) => `#   ${u.why}`));
  if (m.notes.length) lines.push('#', '# Notes:', ...m.notes.map((n) => `#   ${n}`));
  lines.push('');
  for (const f of m.fields) lines.push(`${f.name}: ${yamlValue(f.v)}${f.comment ? `  # ${f.comment}` : ''}`);

  // A run name or a note with a line break must not end its comment and start a YAML line of its own.
  const yaml = lines.map((line) => line.replace(/[\r\n\u2028\u2029]+/g, ' ')).join('\n') + '\n';
  return { script: target.script, yaml, yamlFileName, unmapped: m.unmapped.map((u) => u.key), notes: m.notes };
}

function readme(record: RunRecord, config: CorlConfig, target: Target, spec: EnvSpec | null, datasetFileName: string): string {
  const scriptName = config.script.split('/').pop() ?? config.script;
  const envId = record.config.envId;
  const python = [
    'import h5py  # h5py comes with d4rl',
    '',
    `DATASET_FILE = ${JSON.stringify(datasetFileName)}`,
    '',
    'def load_lab_dataset(path, drop_rows_without_successor=True):',
    '    """The RL Lab\'s D4RL-layout HDF5 file as the dict d4rl.qlearning_dataset returns."""',
    '    keys = ("observations", "actions", "rewards", "next_observations", "terminals", "timeouts")',
    '    with h5py.File(path, "r") as f:',
    '        data = {k: f[k][()] for k in keys}',
    '        keep = f["next_valid"][()].astype(bool) if "next_valid" in f else None',
    '    if drop_rows_without_successor and keep is not None:',
    '        # rows whose next observation is unknown (the data ended mid-episode) have no TD target',
    '        data = {k: v[keep] for k, v in data.items()}',
    '    for k in ("observations", "actions", "rewards", "next_observations"):',
    '        data[k] = data[k].astype(np.float32)',
    '    for k in ("terminals", "timeouts"):',
    '        data[k] = data[k].astype(bool)',
    '    return data',
  ];
  const loader = python.map((line) => (line ? `       ${line}` : ''));
  const steps: string[] = [
    '1. Get CORL (https://github.com/corl-team/CORL) and its requirements (requirements/requirements.txt: gym 0.23,',
    '   d4rl, torch, pyrallis, wandb), and copy the YAML file and the dataset file into the root of the checkout.',
    '',
    `2. Point ${scriptName} at the dataset file. This needs a code change: CORL's scripts have no option for a`,
    '   dataset path; they load the D4RL dataset registered under the env name (through d4rl and',
    "   env.get_dataset()), and a lab dataset is not one of D4RL's. Add this (unindented) near the top of",
    `   ${config.script}, after its imports:`,
    '',
    ...loader,
    '',
    '   and replace the line',
    '',
    `       ${target.loadLine}`,
    '',
    '   with',
    '',
    `       ${target.loadWith}`,
  ];
  if (record.config.algorithmId === 'bc' || record.config.algorithmId === 'bc-filtered') {
    steps.push(
      '',
      '   followed by',
      '',
      '       dataset["terminals"] = dataset["terminals"] | dataset["timeouts"]',
      '',
      '   because keep_best_trajectories splits episodes only at terminals (and every 1000 steps); the lab splits',
      '   them at time limits too. BC never bootstraps, so this changes nothing else.',
    );
  }
  steps.push('');
  if (target.scoreLine) {
    const ref = spec?.referenceScores;
    const arg = target.scoreLine.includes('np.array') ? 'np.array(eval_returns)' : 'eval_score';
    const formula = ref ? `100.0 * (${arg} - (${ref.min})) / ((${ref.max}) - (${ref.min}))` : arg;
    const lhs = target.scoreLine.startsWith('normalized_eval_score = ') ? 'normalized_eval_score = ' : '';
    steps.push(
      `3. The evaluation calls get_normalized_score, which only D4RL environments have. Replace`,
      '',
      `       ${target.scoreLine}`,
      '',
      '   with',
      '',
      `       ${lhs}${formula}`,
      '',
      ref
        ? `   (the lab's reference scores for ${spec?.id ?? ''}: random ${ref.min}, expert ${ref.max}; ${ref.source}), or with ${arg} for the raw return.`
        : `   (the lab has no reference scores for ${envId ?? 'this run'}: this logs the raw return).`,
    );
  } else {
    steps.push(`3. Evaluation needs no change: ${scriptName} logs normalized scores only when the env has get_normalized_score.`);
  }
  steps.push('');
  const envLine =
    envId === null
      ? `   The run had no environment: set ${target.run?.env ?? 'env_name'} in the YAML to an environment gym 0.23 can make, with the same observations and actions.`
      : GYM_023.has(envId)
        ? `   ${envId} is in gym 0.23, as the script needs (gym.make(config.${target.run?.env ?? 'env_name'})).`
        : `   ${envId} is not an environment gym 0.23 can make (the lab follows Gymnasium${envId.startsWith('PointMaze') ? ' and Gymnasium-Robotics' : ''}); register one with the same observations and actions, or evaluate in the lab.`;
  steps.push(
    `4. Run (CORL logs to Weights & Biases; WANDB_MODE=offline keeps the logs on disk):`,
    '',
    `       WANDB_MODE=offline python ${config.script} --config_path=${config.yamlFileName}`,
    '',
    envLine,
  );

  const lines = [
    `RL Lab run "${record.name}" as a CORL experiment`,
    '',
    `Algorithm:   ${record.config.algorithmId} in the lab -> CORL ${config.script}`,
    `Environment: ${envId ?? '(none)'}`,
    `Dataset:     ${record.config.datasetName} -> ${datasetFileName} (D4RL layout: observations, actions, rewards,`,
    '             next_observations, terminals, timeouts; next_valid when some rows have no successor)',
    `Config:      ${config.yamlFileName} (pyrallis YAML of ${scriptName}'s TrainConfig; comments say which lab setting each field came from)`,
    '',
    ...steps,
    '',
  ];
  if (config.unmapped.length) lines.push(`Not carried over (the YAML comments say why): ${config.unmapped.join(', ')}.`);
  for (const n of config.notes) lines.push(`Note: ${n}.`);
  lines.push('Expect the same kind of curve, not the same numbers: another framework, initialisation and random streams.', '');
  return lines.join('\n');
}

/**
 * A zip with the CORL YAML, the dataset (the D4RL-layout HDF5 bytes, unchanged, stored) and README.txt with the
 * command and the edits the script needs to read the file.
 */
export function exportCorlExperiment(record: RunRecord, datasetHdf5: Uint8Array, datasetFileName: string): Uint8Array {
  const config = corlConfig(record, datasetFileName);
  const { target, spec } = resolve(record);
  if (datasetFileName === config.yamlFileName || datasetFileName === 'README.txt') throw new CorlExportError(`dataset file name ${datasetFileName} clashes with the export's own files`);
  return writeZipSync(
    [
      { name: config.yamlFileName, data: new TextEncoder().encode(config.yaml) },
      { name: datasetFileName, data: datasetHdf5, deflate: false },
      { name: 'README.txt', data: new TextEncoder().encode(readme(record, config, target, spec, datasetFileName)) },
    ],
    true,
  );
}
