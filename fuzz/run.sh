#!/usr/bin/env bash
# Long fuzzing runs: fuzz/run.sh TARGET SECONDS [SEED]
# TARGET: export, parsers, dossier, edit (or "all", SECONDS each). Failing inputs go to
# fuzz/findings/TARGET/; see docs/fuzzing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: fuzz/run.sh TARGET SECONDS [SEED]}
seconds=${2:?usage: fuzz/run.sh TARGET SECONDS [SEED]}
seed=${3:-$RANDOM}
targets=$target
if [ "$target" = all ]; then targets="export parsers dossier edit"; fi
for t in $targets; do
  KAM_FUZZ_TARGET=$t KAM_FUZZ_SECONDS=$seconds KAM_FUZZ_SEED=$seed \
    cargo test --release --test fuzz -- --ignored --nocapture fuzz_long_run
done
