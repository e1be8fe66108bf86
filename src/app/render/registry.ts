import { drawCartPole } from './cartpole';
import type { SceneRenderer } from './types';

const renderers: Record<string, SceneRenderer> = {
  'CartPole-v1': drawCartPole,
};

export function rendererFor(envId: string): SceneRenderer | null {
  return renderers[envId] ?? null;
}
