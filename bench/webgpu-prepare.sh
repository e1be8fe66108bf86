#!/usr/bin/env bash
# Builds bench/webgpu-carry/: everything bench/webgpu-node.sh needs on a GPU machine that has no Node, no browser and
# no network, as one folder well under the 64 MiB a run may carry in (the device tool's `carry`). Runs HERE (network
# for npm pack and apt-get download, esbuild from node_modules). Contents:
#   node.xz                the Node 20 binary of this machine (needs only glibc 2.28 and libstdc++), xz-compressed
#   node_modules/webgpu/   the npm package `webgpu` (Dawn), its linux-x64 dawn.node xz-compressed
#   lib/libvulkan.so.1     the Vulkan loader, from Debian's libvulkan1
#   fallback-lib/          this machine's libstdc++.so.6, used only if the GPU machine's is too old for node/dawn.node
#   bench.mjs              bench/webgpu-bench.ts and the lab's population code bundled into one file (esbuild)
#   gemm.wat               the lab's wasm kernels (src/core/tf/gemm.wat), which bench.mjs assembles on start
#   tfjs-backend-wasm-simd.wasm  tfjs's wasm backend, for the auto choice's wasm measurement (AUTO_KS)
#   specs.json             the resolved specs of the cases, for bench/torch_peer.py
# Usage: bench/webgpu-prepare.sh   (WEBGPU_VERSION=0.6.2, NODE_BIN=$(command -v node), CARRY_MAX_MIB=60 override)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/webgpu-carry
WEBGPU_VERSION=${WEBGPU_VERSION:-0.6.2}
NODE_BIN=${NODE_BIN:-$(command -v node)}
CARRY_MAX_MIB=${CARRY_MAX_MIB:-60}
say() { echo "[webgpu-prepare] $*" >&2; }

major=$("$NODE_BIN" -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 20 ] || { say "Node 20 or newer needed, $NODE_BIN is $("$NODE_BIN" --version)"; exit 1; }
# The binary must need nothing the GPU machine may lack: only the C and C++ runtimes.
extra=$(ldd "$NODE_BIN" | awk '{print $1}' | grep -Ev '^(linux-vdso|/lib64/ld-linux|libc\.|libm\.|libdl\.|libpthread\.|librt\.|libstdc\+\+\.|libgcc_s\.)' || true)
[ -z "$extra" ] || { say "$NODE_BIN links libraries that will not be on the GPU machine: $extra"; exit 1; }

rm -rf "$OUT"
mkdir -p "$OUT/node_modules/webgpu/dist/linux-x64" "$OUT/lib" "$OUT/fallback-lib"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

say "node $("$NODE_BIN" --version) -> node.xz (xz -9, a minute or two)"
xz -9 -T0 -c "$NODE_BIN" > "$OUT/node.xz"

say "npm pack webgpu@$WEBGPU_VERSION"
(cd "$tmp" && npm pack --silent "webgpu@$WEBGPU_VERSION" > /dev/null)
tar -xzf "$tmp/webgpu-$WEBGPU_VERSION.tgz" -C "$tmp" package/index.js package/package.json package/LICENSE.md package/dist/linux-x64/dawn.node
cp "$tmp/package/index.js" "$tmp/package/package.json" "$tmp/package/LICENSE.md" "$OUT/node_modules/webgpu/"
xz -9 -T0 -c "$tmp/package/dist/linux-x64/dawn.node" > "$OUT/node_modules/webgpu/dist/linux-x64/dawn.node.xz"

say "apt-get download libvulkan1"
(cd "$tmp" && apt-get download libvulkan1 > /dev/null)
dpkg -x "$tmp"/libvulkan1_*.deb "$tmp/vulkan"
cp -L "$(find "$tmp/vulkan" -name 'libvulkan.so.1' | head -1)" "$OUT/lib/libvulkan.so.1"
cp -L "$(/sbin/ldconfig -p | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')" "$OUT/fallback-lib/libstdc++.so.6"

say "esbuild bench/webgpu-bench.ts -> bench.mjs"
npx esbuild bench/webgpu-bench.ts --bundle --platform=node --format=esm --target=node20 --minify --log-level=warning \
  --banner:js="import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __fu(new URL('.', import.meta.url));" \
  --outfile="$OUT/bench.mjs"
# The bundle assembles the lab's wasm module (core/tf/gemmBytes.node.ts) from gemm.wat beside it when it starts.
cp src/core/tf/gemm.wat "$OUT/gemm.wat"
cp node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm "$OUT/"
"$NODE_BIN" "$OUT/bench.mjs" --specs --algos iql,td3bc,sac > "$OUT/specs.json"

printf '{"node":"%s","webgpu":"%s","libvulkan1":"%s","built":"%s"}\n' "$("$NODE_BIN" --version)" "$WEBGPU_VERSION" \
  "$(dpkg-deb -f "$tmp"/libvulkan1_*.deb Version)" "$(date -u +%FT%TZ)" > "$OUT/versions.json"

bytes=$(du -sb "$OUT" | cut -f1)
say "$(cd "$OUT" && find . -type f -printf '%s\t%p\n' | sort -rn | awk '{printf "%.1f MiB %s; ", $1/1048576, $2}')"
say "total $(awk "BEGIN {printf \"%.1f\", $bytes/1048576}") MiB (limit ${CARRY_MAX_MIB} MiB)"
[ "$bytes" -le $((CARRY_MAX_MIB * 1048576)) ] || { say "too big to carry"; exit 1; }
