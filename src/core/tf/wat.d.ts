/** A WebAssembly text file assembled at build time (scripts/wat.mjs's Vite plugin). */
declare module '*.wat?wasm' {
  const bytes: Uint8Array;
  export default bytes;
}
