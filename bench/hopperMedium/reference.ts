// D4RL's hopper reference returns (REF_MIN_SCORE / REF_MAX_SCORE), as the Hopper-v5 spec carries them.
import { getEnvSpec } from '../../src/core/envs/registry';

export const HOPPER_REF = getEnvSpec('Hopper-v5').referenceScores!;
