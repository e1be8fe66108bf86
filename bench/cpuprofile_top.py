"""Top functions of a V8 CPU profile (node --cpu-prof) by self time, as JSON: where the JS thread of a bench spends its
time, for machines where the profile itself is too big to bring back. Usage: cpuprofile_top.py FILE.cpuprofile [N]"""
import collections
import json
import sys


def top(path, n=40):
    profile = json.load(open(path))
    nodes = {node["id"]: node for node in profile["nodes"]}
    self_us = collections.Counter()
    for sample, delta in zip(profile["samples"], profile["timeDeltas"]):
        frame = nodes[sample]["callFrame"]
        self_us[f'{frame["functionName"] or "(anonymous)"} {frame["url"].split("/")[-1]}:{frame["lineNumber"] + 1}'] += delta
    total = sum(self_us.values())
    return {"profile": path, "totalMs": round(total / 1000), "top": [{"fn": k, "ms": round(v / 1000), "share": round(v / total, 4)} for k, v in self_us.most_common(n)]}


if __name__ == "__main__":
    print(json.dumps(top(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 40), indent=1))
