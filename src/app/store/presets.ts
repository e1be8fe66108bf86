import type { MixPart } from '../../core/data/generate';

export interface DatasetPreset {
  name: string;
  mix: MixPart[];
  transitions: number;
  seed: number;
}

/** Built-in datasets made at first start, named as D4RL names its kinds. */
export function builtInPresets(envId: string): DatasetPreset[] {
  const prefix = envId.split('-')[0].toLowerCase();
  const size = 20_000;
  return [
    { name: `${prefix}-random`, mix: [{ policy: 'random', weight: 1 }], transitions: size, seed: 1 },
    { name: `${prefix}-medium`, mix: [{ policy: 'medium', weight: 1 }], transitions: size, seed: 2 },
    { name: `${prefix}-expert`, mix: [{ policy: 'expert', weight: 1 }], transitions: size, seed: 3 },
    { name: `${prefix}-medium-expert`, mix: [{ policy: 'medium', weight: 1 }, { policy: 'expert', weight: 1 }], transitions: 2 * size, seed: 4 },
  ];
}
