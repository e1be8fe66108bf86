// Thin Comlink wrapper: dataset work lives in core/data.
import * as Comlink from 'comlink';
import { DatasetService } from '../src/core/data/datasetService';

Comlink.expose(new DatasetService());
