// Thin Comlink wrapper: the training session lives in core/run.
import * as Comlink from 'comlink';
import { TrainingSession } from '../src/core/run/session';
import { wasmFiles } from './wasmFiles';

Comlink.expose(new TrainingSession({ wasmFiles }));
