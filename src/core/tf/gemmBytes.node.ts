// The GEMM module's bytes in Node, where no Vite plugin runs (tsx benches, vitest's node project): assembled from
// gemm.wat with wabt when first imported. The browser gets them from gemmBytes.ts (package.json "imports").
import { fileURLToPath } from 'node:url';
import { assembleWatFile } from '../../../scripts/wat.mjs';

const bytes: Uint8Array = await assembleWatFile(fileURLToPath(new URL('./gemm.wat', import.meta.url)));
export default bytes;
