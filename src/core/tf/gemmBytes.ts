// The GEMM module's bytes, assembled from gemm.wat at build time by the `wat-modules` Vite plugin (scripts/wat.mjs):
// as written (baseline SIMD) and with its multiply-adds fused (relaxed SIMD, for engines that take it).
// Node (tests, benches) resolves `#gemm-bytes` to gemmBytes.node.ts instead (package.json "imports").
import baseline from './gemm.wat?wasm';
import fusedMultiplyAdd from './gemm.wat?wasm-fma';

export default { baseline, fusedMultiplyAdd };
