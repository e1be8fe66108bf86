// The GEMM module's bytes, assembled from gemm.wat at build time by the `wat-modules` Vite plugin (scripts/wat.mjs).
// Node (tests, benches) resolves `#gemm-bytes` to gemmBytes.node.ts instead (package.json "imports").
import bytes from './gemm.wat?wasm';

export default bytes;
