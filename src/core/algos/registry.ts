import { a2pr } from './a2pr';
import { awac } from './awac';
import { bc } from './bc';
import { bcFiltered } from './bcFiltered';
import { decisionTransformer } from './decisionTransformer';
import { td3bc } from './td3bc';
import { cqlContinuous } from './cqlContinuous';
import { cqlDiscrete } from './cqlDiscrete';
import { dqn } from './dqn';
import { dqnOnline } from './dqnOnline';
import { ppo } from './ppo';
import { sacOnline } from './sacOnline';
import { calQl } from './calQl';
import { iql } from './iql';
import { odice } from './odice';
import { sac } from './sac';
import { prdc } from './prdc';
import { rebrac } from './rebrac';
import { edac, sacN } from './sacN';
import { fdvl, recoil, xql } from './dualRegistry';
import type { AlgorithmDef } from './types';

const algorithms: AlgorithmDef[] = [bc, bcFiltered, td3bc, awac, decisionTransformer, iql, cqlContinuous, cqlDiscrete, dqn, sac, sacN, edac, odice, rebrac, xql, fdvl, recoil, a2pr, prdc, dqnOnline, ppo, sacOnline, calQl];

export function listAlgorithms(): AlgorithmDef[] {
  return algorithms;
}

export function getAlgorithm(id: string): AlgorithmDef {
  const algo = algorithms.find((a) => a.id === id);
  if (!algo) throw new Error(`Unknown algorithm "${id}". Known: ${algorithms.map((a) => a.id).join(', ')}`);
  return algo;
}
