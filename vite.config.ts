import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { watModules } from './scripts/wat.mjs';

// Cross-origin isolation (COOP/COEP) lets datasets live on SharedArrayBuffers shared with trainer workers.
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * tfjs-backend-wasm's threaded build starts each pthread worker from `factory.toString()`, i.e. without the closure
 * that declares Emscripten's `_scriptDir`. Unminified, the worker reads it behind a `typeof _scriptDir !== "undefined"`
 * guard; a minifier, seeing the variable declared, folds that guard to `e !== void 0` and every pthread worker throws
 * `ReferenceError: e is not defined`, so setBackend('wasm') waits for them forever. The line only sets the script
 * directory from `_scriptDir`, which is undefined in a Web Worker anyway (tfjs's locateFile gives every path), so it
 * goes. Fails the build if tfjs changes that line.
 */
export function tfjsWasmThreads(): Plugin {
  const guard = 'if(typeof _scriptDir !== "undefined" && _scriptDir){scriptDirectory=_scriptDir}';
  return {
    name: 'tfjs-wasm-threads',
    transform(code, id) {
      if (!id.endsWith('tfjs-backend-wasm-threaded-simd.js')) return null;
      if (!code.includes(guard)) throw new Error(`tfjs-wasm-threads: ${id} no longer contains the _scriptDir line this plugin removes; check the threaded build in a minified worker again`);
      return code.replace(guard, '');
    },
  };
}

export default defineConfig({
  plugins: [react() as Plugin[], tfjsWasmThreads(), watModules()],
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  worker: { format: 'es', plugins: () => [tfjsWasmThreads(), watModules()] },
  optimizeDeps: { exclude: ['h5wasm'] },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
});
