#!/usr/bin/env python3
"""Gate the relation rules on the development set (issue 20): runs the shared scorer on a
graph.json built from ../shared/eval/relations-dev.jsonl and fails below the floors, which sit
a little under what the rules reach (so a regression fails CI, not noise in the last claim).

usage: bench/dev_gate.py GRAPH_JSON GOLD_JSON SCORER
"""
import re
import subprocess
import sys

# What the rules reach at the commit that set these (dev set, --states-only), and the floors.
#   dyad recall 0.85, precision 0.99, polarity 0.94, negated 0.98, speaker 0.90, modality 0.93
FLOORS = {"recall": 0.83, "precision": 0.97, "polarity": 0.92, "negated": 0.96, "speaker": 0.87, "modality": 0.90}


def main():
    graph, gold, scorer = sys.argv[1:4]
    out = subprocess.run([sys.executable, scorer, graph, gold, "--states-only", "-v"], capture_output=True, text=True, check=True).stdout
    print(out)
    last = out.strip().splitlines()[-1]
    got = {
        "recall": float(re.search(r"dyad recall ([0-9.]+)", last).group(1)),
        "precision": float(re.search(r"precision ([0-9.]+)", last).group(1)),
        "polarity": float(re.search(r"polarity ([0-9.]+)", last).group(1)),
        "negated": float(re.search(r"negated ([0-9.]+)", last).group(1)),
        "speaker": float(re.search(r"speaker ([0-9.]+)", last).group(1)),
        "modality": float(re.search(r"modality ([0-9.]+)", last).group(1)),
    }
    low = [f"{k} {got[k]:.2f} < {v:.2f}" for k, v in FLOORS.items() if got[k] < v]
    print("dev-set gate:", ", ".join(f"{k} {got[k]:.2f} (floor {FLOORS[k]:.2f})" for k in FLOORS))
    if low:
        print("dev-set gate FAILED:", "; ".join(low))
        sys.exit(1)


if __name__ == "__main__":
    main()
