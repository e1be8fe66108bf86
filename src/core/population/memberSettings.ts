// The settings of a population's members, checked the same way by the offline and the online population trainers:
// every member's resolved values, the keys they must share, and live changes of one member or of all of them.
import type { HyperparameterEvent } from '../run/events';
import { HyperparameterError, resolveValues, validatePatch, type HyperParam, type HyperValues } from '../run/hyperparameters';
import { sharedKeys } from './registry';
import type { PopulationDef } from './types';

export class MemberSettings {
  readonly values: HyperValues[];
  readonly shared: string[];

  /** Resolves each member's patch; throws, naming the key, when members differ in a key they must share. */
  constructor(
    readonly schema: HyperParam[],
    def: PopulationDef,
    private readonly algorithmName: string,
    members: Record<string, unknown>[],
  ) {
    if (members.length < 1) throw new Error('a population needs at least one member');
    this.values = members.map((m) => resolveValues(schema, m, algorithmName));
    this.shared = sharedKeys(def, schema);
    for (const key of this.shared) {
      const differ = this.values.findIndex((v) => v[key] !== this.values[0][key]);
      if (differ > 0) throw new HyperparameterError(key, `members of a population must share ${this.label(key)} (${key}): member 0 has ${String(this.values[0][key])}, member ${differ} has ${String(this.values[differ][key])}`);
    }
  }

  label(key: string): string {
    return this.schema.find((p) => p.key === key)?.label ?? key;
  }

  /** Validates a live change of one member: a bad value, or a shared key set apart from the others, is refused naming the key. */
  checkMemberPatch(member: number, patch: Record<string, unknown>): HyperValues {
    const checked = validatePatch(this.schema, patch, this.algorithmName, true);
    for (const [key, to] of Object.entries(checked)) {
      if (this.shared.includes(key) && to !== this.values[member][key]) {
        throw new HyperparameterError(key, `${this.label(key)} (${key}) is shared by every member of this population; change it for all members, or train this run alone to change it by itself`);
      }
    }
    return checked;
  }

  /** Validates a live change of shared keys: a per-member key is refused naming it. */
  checkSharedPatch(patch: Record<string, unknown>): HyperValues {
    const checked = validatePatch(this.schema, patch, this.algorithmName, true);
    const notShared = Object.keys(checked).filter((k) => !this.shared.includes(k));
    if (notShared.length > 0) throw new HyperparameterError(notShared[0], `${this.label(notShared[0])} (${notShared[0]}) differs per member: change it member by member`);
    return checked;
  }

  /** Applies a checked change to member `member`'s values; returns one event per key that changed, at `update`. */
  apply(member: number, checked: HyperValues, update: number, source?: string): HyperparameterEvent[] {
    const events: HyperparameterEvent[] = [];
    for (const [key, to] of Object.entries(checked)) {
      const from = this.values[member][key];
      if (from === to) continue;
      events.push({ update, key, label: this.label(key), from, to, ...(source ? { source } : {}) });
    }
    this.values[member] = { ...this.values[member], ...checked };
    return events;
  }
}
