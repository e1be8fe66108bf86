import { bc } from './bc';
import type { AlgorithmDef } from './types';

const algorithms: AlgorithmDef[] = [bc];

export function listAlgorithms(): AlgorithmDef[] {
  return algorithms;
}

export function getAlgorithm(id: string): AlgorithmDef {
  const algo = algorithms.find((a) => a.id === id);
  if (!algo) throw new Error(`Unknown algorithm "${id}". Known: ${algorithms.map((a) => a.id).join(', ')}`);
  return algo;
}
