#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 180) from the committed seeds; crashes land in
# fuzz/artifacts/TARGET/. Needs cargo-fuzz (cargo install cargo-fuzz); runs on the stable
# toolchain with RUSTC_BOOTSTRAP=1 and no sanitizer.
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-180}
for t in tagger layout jsonl gazetteer compiled relations html warc feed; do
  mkdir -p "corpus/$t" "seeds/$t"
  # The web page and feed readers start from the test data's pages and feeds.
  extra=()
  case "$t" in
    html) extra=(../tests/data/pages) ;;
    feed) extra=(../tests/data/feeds) ;;
  esac
  RUSTC_BOOTSTRAP=1 cargo fuzz run "$t" -s none "corpus/$t" "seeds/$t" "${extra[@]}" -- -max_total_time="$secs" -rss_limit_mb=4096 -timeout=10
done
