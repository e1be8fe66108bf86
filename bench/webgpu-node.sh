#!/usr/bin/env bash
# Population updates on a real GPU: tfjs-backend-webgpu in Node on Dawn/Vulkan, beside PyTorch CUDA and PyTorch CPU
# doing the same work (bench/torch_peer.py --members: each population as one batched model). For a GPU machine with
# Python and PyTorch but no Node, no browser, no network: everything else comes in bench/webgpu-carry/ (built here by
# bench/webgpu-prepare.sh). Run from the repository root; prints one JSON object on stdout, progress on stderr.
# Every stage is under a timeout and a failed one is reported in the JSON by name ("errors"), never a hang:
#   carry (folder missing), unpack, node (binary will not start), vulkan (no ICD / NVIDIA Vulkan library), dawn,
#   adapter (no WebGPU adapter), tfjs, a case, torch (not importable), torch-cuda (no torch.cuda), torch-cpu.
# Env: BUDGET_MS per subject (1500), KS (1,8,64), ALGOS (iql,td3bc), SIZES (teaching,d4rl), WEBGPU_TIMEOUT (240 s),
#      TORCH_TIMEOUT (120 s per size and device), TOTAL_SECONDS (500: later stages get what is left; the device tool
#      allows 600 s a command), DAWN_FLAGS (for Dawn's create(), e.g. backend=vulkan), SKIP_TORCH_CPU=1, SKIP_TORCH=1, NODE_FLAGS (e.g. --cpu-prof --cpu-prof-dir=DIR), COMPOSITE_KS (e.g. 64: those populations also with the lab's
#      one-dispatch dense layer and Polyak averaging off), AUTO_KS (e.g. 1,8,64: the auto backend choice's measurement on
#      webgpu and on wasm for a lone run and those populations; AUTO_BUDGET_MS 1500 each), DIAGNOSE=1 (where the time of a webgpu update goes, before the cases; SUBMIT_BATCHES tried), NO_CASES=1, PYTHON (python3), VK_ICD_FILENAMES (found if unset).
set -uo pipefail
cd "$(dirname "$0")/.."
CARRY=bench/webgpu-carry
BUDGET_MS=${BUDGET_MS:-1500}
KS=${KS:-1,8,64}
ALGOS=${ALGOS:-iql,td3bc}
SIZES=${SIZES:-teaching,d4rl}
WEBGPU_TIMEOUT=${WEBGPU_TIMEOUT:-240}
TORCH_TIMEOUT=${TORCH_TIMEOUT:-120}
PYTHON=${PYTHON:-python3}
say() { echo "[webgpu-node] $*" >&2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
LOG="$WORK/stages.ndjson" # one JSON object per line: {"stage": ..., ...}; assembled at the end
: > "$LOG"
# note STAGE KEY VALUE...: a stage's record, values JSON-escaped by Python (messages may hold quotes and newlines).
note() { "$PYTHON" -c 'import json,sys; a=sys.argv[1:]; print(json.dumps({"stage": a[0], **dict(zip(a[1::2], a[2::2]))}))' "$@" >> "$LOG"; }
started=$(date +%s)
DEADLINE=$((started + ${TOTAL_SECONDS:-500}))
# limit SECONDS: a stage's timeout, cut to what is left of TOTAL_SECONDS (0 when under 10 s are left).
limit() { local r=$((DEADLINE - $(date +%s))); [ "$r" -ge 10 ] || r=0; echo $((r < $1 ? r : $1)); }

assemble() {
  "$PYTHON" - "$LOG" "$started" <<'PY'
import json, platform, subprocess, sys, time
stages = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith("{")]
out = {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "seconds": round(time.time() - int(sys.argv[2])),
       "host": {"platform": platform.platform(), "cpus": len(__import__("os").sched_getaffinity(0))}, "errors": []}
try:
    out["host"]["gpus"] = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True, timeout=20).stdout.strip().splitlines()
except Exception as e:
    out["host"]["gpus"] = f"nvidia-smi: {e}"
webgpu = {"cases": {}}
for s in stages:
    stage = s.pop("stage")
    for k, v in s.items():  # values that are JSON themselves (torch_peer's output, versions.json)
        if isinstance(v, str) and v.startswith("{"):
            try:
                s[k] = json.loads(v)
            except ValueError:
                pass
    if "error" in s:
        out["errors"].append({"stage": stage, **s})
    if stage == "case":
        webgpu["cases"][s.pop("name")] = s
    elif stage == "auto":
        webgpu.setdefault("auto", {})[s.pop("name")] = s
    elif stage in ("adapter", "tfjs", "node", "vulkan", "carry"):
        webgpu[stage] = s
    elif stage.startswith("torch"):
        out.setdefault("torch", {})[stage] = s
    else:
        out.setdefault("other", {})[stage] = s
out["webgpu"] = webgpu
out["note"] = ("member-updates/s = population updates/s x K; tfjs-backend-webgpu in Node on Dawn (Vulkan), the lab's "
               "population code (bench/populationSubjects.ts) on fixed random batches; torch: bench/torch_peer.py "
               "--members K, the same update with each population as one batched model (baddbmm), results per K in "
               "updates/s of the whole population")
print(json.dumps(out, indent=2))
PY
}
finish() { assemble; exit 0; }

# 1. The carry folder.
for f in node.xz node_modules/webgpu/index.js node_modules/webgpu/dist/linux-x64/dawn.node.xz lib/libvulkan.so.1 bench.mjs gemm.wat tfjs-backend-wasm-simd.wasm specs.json; do
  [ -e "$CARRY/$f" ] || { note carry error "$CARRY/$f is missing: build the folder with bench/webgpu-prepare.sh and carry bench/webgpu-carry"; finish; }
done
note carry versions "$(cat "$CARRY/versions.json" 2>/dev/null)"

run_torch() { # DEVICE EXTRA_ARGS...: the PyTorch peer on every case, all K, one process per size
  local device=$1; shift
  "$PYTHON" -c 'import torch' 2> "$WORK/torch.err" || { note torch error "torch is not importable by $PYTHON: $(tail -1 "$WORK/torch.err")"; return; }
  local n; n=$("$PYTHON" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$CARRY/specs.json")
  for ((i = 0; i < n; i++)); do
    local size specs
    size=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))[int(sys.argv[2])]["size"])' "$CARRY/specs.json" "$i")
    specs=$("$PYTHON" -c 'import json,sys; a=set(sys.argv[3].split(",")); print(json.dumps([s for s in json.load(open(sys.argv[1]))[int(sys.argv[2])]["specs"] if s["algorithmId"] in a]))' "$CARRY/specs.json" "$i" "$ALGOS")
    [[ ",$SIZES," == *",$size,"* ]] || continue
    local t; t=$(limit "$TORCH_TIMEOUT")
    [ "$t" -gt 0 ] || { note "torch-$device $size" error "skipped: TOTAL_SECONDS (${TOTAL_SECONDS:-500}) spent"; continue; }
    say "torch $device, $size (at most $t s) ..."
    if timeout -k 5 "$t" "$PYTHON" bench/torch_peer.py --device "$device" --members "$KS" --budget "$(awk "BEGIN {print $BUDGET_MS / 1000}")" --specs "$specs" "$@" > "$WORK/torch.out" 2> "$WORK/torch.err"; then
      note "torch-$device $size" result "$(tail -1 "$WORK/torch.out")"
    else
      local rc=$?
      local msg; msg=$(tail -1 "$WORK/torch.out" 2>/dev/null)
      [[ "$msg" == "{\"error\""* ]] || msg="exit $rc$( [ $rc -eq 124 ] && echo " (timed out after $t s)"): $(tail -3 "$WORK/torch.err" | tr '\n' ' ')"
      note "torch-$device $size" error "$msg"
      [ "$device" = cuda ] && [[ "$msg" == *"torch.cuda is not available"* ]] && return
    fi
  done
}

webgpu() {
  # 2. Unpack node and dawn.node (Python's lzma: xz may be absent there).
  mkdir -p "$WORK/node_modules"
  cp -r "$CARRY/node_modules/webgpu" "$WORK/node_modules/"
  cp "$CARRY/bench.mjs" "$CARRY/gemm.wat" "$CARRY/tfjs-backend-wasm-simd.wasm" "$WORK/"
  if ! timeout 120 "$PYTHON" -c '
import lzma, os, shutil, sys
for src, dst in zip(sys.argv[1::2], sys.argv[2::2]):
    with lzma.open(src) as a, open(dst, "wb") as b:
        shutil.copyfileobj(a, b)
    os.chmod(dst, 0o755)' "$CARRY/node.xz" "$WORK/node" "$CARRY/node_modules/webgpu/dist/linux-x64/dawn.node.xz" "$WORK/node_modules/webgpu/dist/linux-x64/dawn.node" 2> "$WORK/unpack.err"; then
    # Some Python builds lack lzma; xz itself may be there.
    if ! { command -v xz > /dev/null && xz -dc "$CARRY/node.xz" > "$WORK/node" && chmod +x "$WORK/node" &&
      xz -dc "$CARRY/node_modules/webgpu/dist/linux-x64/dawn.node.xz" > "$WORK/node_modules/webgpu/dist/linux-x64/dawn.node"; }; then
      note unpack error "could not decompress node.xz / dawn.node.xz: $PYTHON's lzma said $(tail -1 "$WORK/unpack.err"), and xz is $(command -v xz || echo absent)"
      return
    fi
  fi
  rm -f "$WORK/node_modules/webgpu/dist/linux-x64/dawn.node.xz"

  # 3. Node starts (with this machine's libstdc++, else the carried one); dawn.node loads (GLIBC 2.34 at least).
  export LD_LIBRARY_PATH="$PWD/$CARRY/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  local probe='import("webgpu").then(() => console.log(process.version))'
  if ! (cd "$WORK" && timeout 60 ./node -e "$probe") > "$WORK/probe.out" 2> "$WORK/probe.err"; then
    if grep -q 'GLIBCXX\|CXXABI' "$WORK/probe.err"; then
      export LD_LIBRARY_PATH="$LD_LIBRARY_PATH:$PWD/$CARRY/fallback-lib"
      (cd "$WORK" && timeout 60 ./node -e "$probe") > "$WORK/probe.out" 2> "$WORK/probe.err" || { note node error "node or dawn.node will not start, even with the carried libstdc++: $(grep -m1 -i 'error' "$WORK/probe.err")"; return; }
    else
      note node error "node or dawn.node will not start: $(grep -m1 -i 'error' "$WORK/probe.err" || tail -1 "$WORK/probe.err")"
      return
    fi
  fi
  note node version "$(cat "$WORK/probe.out")" LD_LIBRARY_PATH "$LD_LIBRARY_PATH"

  # 4. A Vulkan ICD Dawn can open. Candidates in order: VK_ICD_FILENAMES if set, the system's NVIDIA JSONs, then JSONs
  #    written here for every NVIDIA library that may carry the Vulkan driver (libGLX_nvidia for X, libEGL_nvidia for
  #    headless machines; by absolute path, so a second copy of the driver elsewhere on the path cannot be picked up).
  #    Each is tried with a bare adapter request; the first that gives an adapter is used. The Vulkan loader's own
  #    messages for each failure land in the JSON (stage vulkan, "tried").
  local candidates=() f i=0
  [ -n "${VK_ICD_FILENAMES:-}" ] && candidates+=("$VK_ICD_FILENAMES")
  for f in /usr/share/vulkan/icd.d/nvidia_icd*.json /etc/vulkan/icd.d/nvidia_icd*.json; do [ -f "$f" ] && candidates+=("$f"); done
  for f in $( { /sbin/ldconfig -p 2>/dev/null | awk '/lib(GLX|EGL)_nvidia\.so/ {print $NF}';
      find /usr/lib /usr/lib64 /lib /lib64 /usr/local -name 'lib[GE][LG][XL]_nvidia.so*' 2>/dev/null; } | sort -u); do
    i=$((i + 1))
    printf '{"file_format_version": "1.0.0", "ICD": {"library_path": "%s", "api_version": "1.3.0"}}\n' "$f" > "$WORK/icd$i.json"
    candidates+=("$WORK/icd$i.json")
  done
  if [ ${#candidates[@]} -eq 0 ]; then
    note vulkan error "no Vulkan ICD: no nvidia_icd.json in /usr/share/vulkan/icd.d or /etc/vulkan/icd.d and no libGLX_nvidia / libEGL_nvidia (the NVIDIA driver's Vulkan library; a container needs NVIDIA_DRIVER_CAPABILITIES to include graphics). Found ICDs: $(ls /usr/share/vulkan/icd.d /etc/vulkan/icd.d 2>/dev/null | tr '\n' ' ')"
    return
  fi
  local probe_adapter='const d = await import("webgpu"); Object.assign(globalThis, d.globals);
    const a = await Promise.race([d.create([]).requestAdapter({ powerPreference: "high-performance" }), new Promise((r) => setTimeout(() => r(null), 15000))]);
    console.log(a ? "adapter " + (a.info?.description || a.info?.vendor || "?") : "none"); process.exit(a ? 0 : 3);'
  local tried="" found="" icd lib
  for icd in "${candidates[@]}"; do
    lib=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["ICD"]["library_path"])' "$icd" 2>&1)
    if (cd "$WORK" && VK_ICD_FILENAMES=$icd VK_LOADER_DEBUG=error,warn timeout 20 ./node --input-type=module -e "$probe_adapter") > "$WORK/icd.out" 2> "$WORK/icd.err"; then
      found=$icd; tried+="$icd ($lib): $(cat "$WORK/icd.out")"$'\n'; break
    fi
    tried+="$icd ($lib): $(cat "$WORK/icd.out") $(grep -v '^ *at \|^$' "$WORK/icd.err" | head -4 | tr '\n' ' ')"$'\n'
  done
  if [ -z "$found" ]; then
    note vulkan error "no ICD gave a WebGPU adapter (${#candidates[@]} tried)" tried "$tried"
    return
  fi
  export VK_ICD_FILENAMES=$found
  note vulkan icd "$VK_ICD_FILENAMES" library "$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["ICD"]["library_path"])' "$VK_ICD_FILENAMES" 2>&1)" tried "$tried"

  # 5. Dawn, the adapter, tfjs-webgpu and the cases (bench.mjs prints one JSON line per stage).
  local t; t=$(limit "$WEBGPU_TIMEOUT")
  say "webgpu: adapter and cases (at most $t s) ..."
  (cd "$WORK" && timeout -k 10 "$t" ./node ${NODE_FLAGS:-} bench.mjs --budget "$BUDGET_MS" --ks "$KS" --algos "$ALGOS" --sizes "$SIZES" --dawn-flags "${DAWN_FLAGS:-}" ${COMPOSITE_KS:+--composite-ks $COMPOSITE_KS} ${AUTO_KS:+--auto-ks $AUTO_KS --auto-budget ${AUTO_BUDGET_MS:-1500}} ${DIAGNOSE:+--diagnose --submit-batches ${SUBMIT_BATCHES:-15,64,256,1024}} ${NO_CASES:+--no-cases}) > "$WORK/webgpu.out" 2> "$WORK/webgpu.err"
  local rc=$?
  grep '^{' "$WORK/webgpu.out" >> "$LOG"
  if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
    note webgpu error "timed out after $t s; the cases above finished. stderr: $(tail -3 "$WORK/webgpu.err" | tr '\n' ' ')"
  elif [ $rc -ne 0 ] && [ $rc -ne 2 ]; then
    note webgpu error "node bench.mjs exited $rc: $(tail -3 "$WORK/webgpu.err" | tr '\n' ' ')"
  fi
  # Dawn's and Vulkan's own messages (why an adapter was refused), less tfjs's advert for tfjs-node.
  local said; said=$(grep -v '^=*$\|tfjs-node\|TensorFlow.js in Node' "$WORK/webgpu.err" | tail -5)
  [ -z "$said" ] || note webgpu-stderr tail "$said"
}

( webgpu ) # a subshell: its LD_LIBRARY_PATH (carried libvulkan, maybe libstdc++) stays away from torch
[ "${SKIP_TORCH:-}" = 1 ] || run_torch cuda
[ "${SKIP_TORCH:-}" = 1 ] || [ "${SKIP_TORCH_CPU:-}" = 1 ] || run_torch cpu # one thread, then every core
finish
