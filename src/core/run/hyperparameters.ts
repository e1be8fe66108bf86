/** The hyperparameter schema: every control in the page is generated from these, and every input is checked here. */
export interface HyperParam {
  key: string;
  label: string;
  help: string;
  kind: 'number' | 'int' | 'bool' | 'choice';
  default: number | boolean | string;
  min?: number;
  max?: number;
  /** Draw the control on a log scale (learning rates). */
  log?: boolean;
  choices?: string[];
  /** Can change while a run trains (applied before the next update). */
  live: boolean;
  /** Takes effect only while these other settings have these values (CQL's target gap needs Lagrange on); else inert. */
  activeWhen?: Record<string, HyperValue>;
}

export type HyperValue = number | boolean | string;
export type HyperValues = Record<string, HyperValue>;

export class HyperparameterError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
    this.name = 'HyperparameterError';
  }
}

/**
 * The settings `param` waits for, as "lagrange on" / "f = reverse-kl" (names from `labelOf`, keys by default), or
 * null when it takes effect with `values`.
 */
export function inactiveReason(param: HyperParam, values: HyperValues, labelOf: (key: string) => string = (key) => key): string | null {
  const missing = Object.entries(param.activeWhen ?? {}).filter(([key, want]) => values[key] !== want);
  if (!missing.length) return null;
  return missing.map(([key, want]) => (typeof want === 'boolean' ? `${labelOf(key)} ${want ? 'on' : 'off'}` : `${labelOf(key)} = ${want}`)).join(' and ');
}

export function defaultValues(schema: readonly HyperParam[]): HyperValues {
  return Object.fromEntries(schema.map((p) => [p.key, p.default]));
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `"${value}"`;
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  return String(value);
}

/** Checks one value against its parameter and returns it in its canonical type, or throws naming the problem. */
export function checkValue(param: HyperParam, value: unknown): HyperValue {
  const name = `${param.label} (${param.key})`;
  switch (param.kind) {
    case 'number':
    case 'int': {
      const v = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new HyperparameterError(param.key, `${name} must be a finite number, got ${describe(value)}`);
      if (param.kind === 'int' && !Number.isInteger(v)) throw new HyperparameterError(param.key, `${name} must be a whole number, got ${v}`);
      if ((param.min !== undefined && v < param.min) || (param.max !== undefined && v > param.max)) {
        throw new HyperparameterError(param.key, `${name} must be between ${param.min !== undefined ? formatValue(param.min) : '-∞'} and ${param.max !== undefined ? formatValue(param.max) : '∞'}, got ${formatValue(v)}`);
      }
      return v;
    }
    case 'bool':
      if (typeof value !== 'boolean') throw new HyperparameterError(param.key, `${name} must be true or false, got ${describe(value)}`);
      return value;
    case 'choice':
      if (typeof value !== 'string' || !param.choices?.includes(value)) {
        throw new HyperparameterError(param.key, `${name} must be one of ${param.choices?.join(', ')}, got ${describe(value)}`);
      }
      return value;
  }
}

/**
 * Validates a patch against a schema. All-or-nothing: if any key is bad nothing is applied.
 * With `running`, parameters that are not live are refused.
 */
export function validatePatch(schema: readonly HyperParam[], patch: Record<string, unknown>, owner: string, running = false): HyperValues {
  const out: HyperValues = {};
  for (const [key, value] of Object.entries(patch)) {
    const param = schema.find((p) => p.key === key);
    if (!param) throw new HyperparameterError(key, `${owner} has no hyperparameter "${key}" (known: ${schema.map((p) => p.key).join(', ')})`);
    if (running && !param.live) throw new HyperparameterError(key, `${param.label} (${key}) cannot change while the run trains; stop and start a new run to change it`);
    out[key] = checkValue(param, value);
  }
  return out;
}

/** Defaults overridden by a validated patch. */
export function resolveValues(schema: readonly HyperParam[], patch: Record<string, unknown>, owner: string): HyperValues {
  return { ...defaultValues(schema), ...validatePatch(schema, patch, owner) };
}

/** Short display of a value: small and large numbers in exponent form ("1e-3", "2.5e-4"), others as is. */
export function formatValue(v: HyperValue): string {
  if (typeof v !== 'number') return String(v);
  const r = Number(v.toPrecision(4));
  if (r !== 0 && (Math.abs(r) < 0.01 || Math.abs(r) >= 1e5)) return r.toExponential().replace('e+', 'e');
  return String(r);
}
