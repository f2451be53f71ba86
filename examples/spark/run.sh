#!/usr/bin/env bash
# The Spark example, end to end on a fresh machine:
#   1. installs what it needs: Java (Debian's openjdk-17-jre-headless) and pyspark (PyPI);
#   2. builds newsgraph and compiles the gazetteer into one file for the workers;
#   3. runs `newsgraph map` under PySpark in local mode over a JSON Lines corpus (default: the
#      seeds as JSON Lines, or the file given as the first argument);
#   4. merges the parts with `newsgraph merge` and checks that graph.json is byte for byte the
#      one `newsgraph build` writes for the same corpus, and that the store merge writes
#      renders that graph.json again.
# Usage: examples/spark/run.sh [CORPUS.jsonl] [PARTITIONS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${SPARK_EXAMPLE_OUT:-$root/out/spark}"
partitions="${2:-4}"
cd "$root"

if ! command -v java >/dev/null; then
  echo "run.sh: installing Java (openjdk-17-jre-headless)"
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi
if ! python3 -c "import pyspark" 2>/dev/null; then
  echo "run.sh: installing pyspark"
  python3 -m pip install -q "pyspark==3.5.8" || python3 -m pip install -q --break-system-packages "pyspark==3.5.8"
fi

cargo build --release -q
ng="$root/target/release/newsgraph"
rm -rf "$work" && mkdir -p "$work"
"$ng" gazetteer compile --gazetteer gazetteer -o "$work/gazetteer.json"

corpus="${1:-}"
if [ -z "$corpus" ]; then
  corpus="$work/seeds.jsonl"
  python3 "$here/seeds_to_jsonl.py" seeds > "$corpus"
fi

echo "run.sh: mapping $corpus under Spark ($partitions partitions)"
spark_submit="$(python3 -c 'import pyspark, os; print(os.path.join(os.path.dirname(pyspark.__file__), "bin", "spark-submit"))')"
"$spark_submit" --master "local[2]" "$here/job.py" "$corpus" "$ng" "$work/gazetteer.json" "$work/parts" "$partitions" 2> "$work/spark.log" \
  || { tail -40 "$work/spark.log"; exit 1; }

"$ng" merge --gazetteer "$work/gazetteer.json" -o "$work/merged" --format json,store "$work/parts"
"$ng" build --gazetteer "$work/gazetteer.json" -o "$work/build" --format json,store "$corpus"
if cmp "$work/merged/graph.json" "$work/build/graph.json"; then
  echo "run.sh: OK: Spark map + merge gives build's graph.json ($(wc -c < "$work/build/graph.json") bytes)"
else
  echo "run.sh: FAIL: merged graph.json differs from build's" >&2
  exit 1
fi
# The store merge wrote holds the same graph as build's: rendered again, the same bytes.
"$ng" export "$work/merged/newsgraph.db" --format json -o "$work/from-store"
if cmp "$work/from-store/graph.json" "$work/build/graph.json"; then
  echo "run.sh: OK: the merged store renders build's graph.json ($(wc -c < "$work/merged/newsgraph.db") bytes of store)"
else
  echo "run.sh: FAIL: the merged store's graph differs from build's" >&2
  exit 1
fi
