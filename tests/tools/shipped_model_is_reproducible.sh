#!/usr/bin/env bash
# The shipped config/classifier-model.tsv is exactly what the trainer writes
# from tests/data/corpus and config/taxonomy.yaml: nobody edited it by hand,
# and a corpus change without a retrain fails here.
#   tests/tools/shipped_model_is_reproducible.sh TRAINER SOURCE_DIR
set -euo pipefail
trainer="$1"
source_dir="$2"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
"$trainer" --taxonomy "$source_dir/config/taxonomy.yaml" --corpus "$source_dir/tests/data/corpus" \
  --out "$out" >/dev/null
if ! cmp -s "$out" "$source_dir/config/classifier-model.tsv"; then
  echo "config/classifier-model.tsv differs from a fresh training run; retrain with" >&2
  echo "  build/tools/train-classifier" >&2
  diff <(cut -f1-2 "$source_dir/config/classifier-model.tsv") <(cut -f1-2 "$out") | head -20 >&2
  exit 1
fi
echo "the shipped model is reproducible"
