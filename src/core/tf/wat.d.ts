/** A WebAssembly text file assembled at build time (scripts/wat.mjs's Vite plugin). */
declare module '*.wat?wasm' {
  const bytes: Uint8Array;
  export default bytes;
}

/** The same with its multiply-adds fused by relaxed SIMD (scripts/wat.mjs's fuseMultiplyAdds). */
declare module '*.wat?wasm-fma' {
  const bytes: Uint8Array;
  export default bytes;
}
