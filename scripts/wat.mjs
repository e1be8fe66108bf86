// WebAssembly text to binary with wabt (a devDependency): used at build time by the Vite plugin below and, in Node
// (tests, benches under tsx), by src/core/tf/gemmBytes.node.ts. wabt never reaches the browser.
import { readFile } from 'node:fs/promises';
import wabtInit from 'wabt';

let wabt;

/** Assembles WebAssembly text (baseline SIMD allowed); throws with wabt's message, naming the file and line. */
export async function assembleWat(source, fileName) {
  wabt ??= await wabtInit();
  const module = wabt.parseWat(fileName, source, { simd: true });
  try {
    module.validate();
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

/** Reads and assembles a .wat file. */
export async function assembleWatFile(path) {
  return assembleWat(await readFile(path, 'utf8'), path);
}

/** Vite plugin: `import bytes from './x.wat?wasm'` gives the assembled module as a Uint8Array. */
export function watModules() {
  return {
    name: 'wat-modules',
    async load(id) {
      if (!id.endsWith('.wat?wasm')) return null;
      const path = id.slice(0, -'?wasm'.length);
      this.addWatchFile(path);
      const bytes = await assembleWatFile(path);
      return `export default new Uint8Array([${bytes.join(',')}]);`;
    },
  };
}
