// WebAssembly text to binary with wabt (a devDependency): used at build time by the Vite plugin below and, in Node
// (tests, benches under tsx), by src/core/tf/gemmBytes.node.ts. wabt never reaches the browser.
import { readFile } from 'node:fs/promises';
import wabtInit from 'wabt';

let wabt;

/**
 * Assembles WebAssembly text (baseline SIMD allowed); throws with wabt's message, naming the file and line. With
 * `fusedMultiplyAdd`, the module's `;; @fuse-multiply-add $f ...` functions first get fuseMultiplyAdds (relaxed SIMD).
 */
export async function assembleWat(source, fileName, { fusedMultiplyAdd = false } = {}) {
  wabt ??= await wabtInit();
  const text = fusedMultiplyAdd ? fuseMultiplyAdds(source, fileName) : source;
  const module = wabt.parseWat(fileName, text, { simd: true, relaxed_simd: fusedMultiplyAdd });
  try {
    module.validate();
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

/**
 * Rewrites `(f32x4.add C (f32x4.mul A B))` as `(f32x4.relaxed_madd A B C)` inside the functions that a
 * `;; @fuse-multiply-add $name ...` line of the module names, and nowhere else (Adam's and Polyak's arithmetic keeps
 * the rounding of tfjs's ops). relaxed_madd is one FMA instruction where the CPU has one (x86-64 with FMA3, ARM64), so
 * a matrix product's inner loop issues half the floating-point instructions; its result is rounded once, not twice.
 */
export function fuseMultiplyAdds(source, fileName = 'module') {
  const names = [...source.matchAll(/^\s*;;\s*@fuse-multiply-add\s+(.+)$/gm)].flatMap((m) => m[1].trim().split(/\s+/));
  if (names.length === 0) throw new Error(`${fileName}: no ";; @fuse-multiply-add $name" line names a function to fuse`);
  let out = source;
  for (const name of names) {
    const at = out.indexOf(`(func ${name} `);
    if (at < 0) throw new Error(`${fileName}: @fuse-multiply-add names ${name}, which is not a function of the module`);
    const end = expressionEnd(out, at);
    out = out.slice(0, at) + fuseIn(out.slice(at, end)) + out.slice(end);
  }
  return out;
}

/** The index after the balanced expression (or atom) that starts at `i`. */
function expressionEnd(s, i) {
  if (s[i] !== '(') {
    while (i < s.length && !/[\s()]/.test(s[i])) i++;
    return i;
  }
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    if (s[j] === '(') depth++;
    else if (s[j] === ')' && --depth === 0) return j + 1;
  }
  throw new Error('unbalanced parentheses');
}

const skipSpace = (s, i) => {
  while (i < s.length && /\s/.test(s[i])) i++;
  return i;
};

function fuseIn(s) {
  let out = '';
  let i = 0;
  while (i < s.length) {
    if (s.startsWith('(f32x4.add ', i)) {
      const c = skipSpace(s, i + '(f32x4.add '.length);
      const cEnd = expressionEnd(s, c);
      const mul = skipSpace(s, cEnd);
      if (s.startsWith('(f32x4.mul ', mul)) {
        const a = skipSpace(s, mul + '(f32x4.mul '.length);
        const aEnd = expressionEnd(s, a);
        const b = skipSpace(s, aEnd);
        const bEnd = expressionEnd(s, b);
        const close = skipSpace(s, expressionEnd(s, mul));
        if (s[skipSpace(s, bEnd)] === ')' && s[close] === ')') {
          out += `(f32x4.relaxed_madd ${fuseIn(s.slice(a, aEnd))} ${fuseIn(s.slice(b, bEnd))} ${fuseIn(s.slice(c, cEnd))})`;
          i = close + 1;
          continue;
        }
      }
    }
    out += s[i++];
  }
  return out;
}

/** Reads and assembles a .wat file. */
export async function assembleWatFile(path, options) {
  return assembleWat(await readFile(path, 'utf8'), path, options);
}

/**
 * Vite plugin: `import bytes from './x.wat?wasm'` gives the assembled module as a Uint8Array, and
 * `'./x.wat?wasm-fma'` the same module with its multiply-adds fused (fuseMultiplyAdds).
 */
export function watModules() {
  return {
    name: 'wat-modules',
    async load(id) {
      const match = /^(.*\.wat)\?(wasm|wasm-fma)$/.exec(id);
      if (!match) return null;
      this.addWatchFile(match[1]);
      const bytes = await assembleWatFile(match[1], { fusedMultiplyAdd: match[2] === 'wasm-fma' });
      return `export default new Uint8Array([${bytes.join(',')}]);`;
    },
  };
}
