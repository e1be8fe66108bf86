// The GEMM module's bytes in Node, where no Vite plugin runs (tsx benches, vitest's node project): assembled from
// gemm.wat with wabt when first imported, as written and with its multiply-adds fused (relaxed SIMD). The browser gets
// them from gemmBytes.ts (package.json "imports").
import { setFlagsFromString } from 'node:v8';
import { fileURLToPath } from 'node:url';
import { assembleWatFile } from '../../../scripts/wat.mjs';

// Chromium 114+ and Node 22+ compile relaxed SIMD by default, Node 20 only behind this V8 flag (it may be set while
// running, before a module is compiled): on, so tests and benches run the module the browser runs.
setFlagsFromString('--experimental-wasm-relaxed-simd');

const path = fileURLToPath(new URL('./gemm.wat', import.meta.url));
const baseline: Uint8Array = await assembleWatFile(path);
const fusedMultiplyAdd: Uint8Array = await assembleWatFile(path, { fusedMultiplyAdd: true });
export default { baseline, fusedMultiplyAdd };
