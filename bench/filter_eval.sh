#!/usr/bin/env bash
# Measures the filter on the team's labelled data with `majlis filter eval`: each evasion
# family against the undisguised rows of the same comments, the Scunthorpe probe, each
# offensive-language source and each spam source. Nothing from the data enters the project.
#
#   bash bench/filter_eval.sh [DATA_DIR]      # default: ../shared/data
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
data="${1:-$root/../shared/data}"
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
majlis="${CARGO_TARGET_DIR:-$root/target}/release/majlis"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

recall() { "$majlis" filter eval "$1" 2>/dev/null | sed -n 's/^masked, held or rejected: .*recall \([0-9.]*\).*/\1/p'; }

echo "## Obfuscation suite: detection (masked, held or rejected) of each family vs the same comments undisguised"
obf="$data/obfuscation_suite.tsv"
printf '%-20s %8s %10s %8s %6s\n' family rows detected original ratio
for family in $(cut -f3 "$obf" | tail -n +2 | sort -u | grep -v '^original$'); do
  awk -F'\t' -v f="$family" 'NR > 1 && $3 == f { print $5 "\t" $6 }' "$obf" > "$work/f.tsv"
  awk -F'\t' -v f="$family" 'NR == FNR { if ($3 == f) ids[$1] = 1; next }
                             FNR > 1 && $3 == "original" && ($1 in ids) { print $5 "\t" $6 }' "$obf" "$obf" > "$work/o.tsv"
  d=$(recall "$work/f.tsv"); o=$(recall "$work/o.tsv")
  printf '%-20s %8s %10s %8s %6s\n' "$family" "$(wc -l < "$work/f.tsv")" "$d" "$o" "$(awk -v d="$d" -v o="$o" 'BEGIN { printf "%.2f", (o > 0 ? d / o : 0) }')"
done

echo
echo "## Scunthorpe probe (every row clean)"
awk -F'\t' 'NR > 1 { print $5 "\t" $6 }' "$data/scunthorpe_probe.tsv" > "$work/scunthorpe.tsv"
"$majlis" filter eval "$work/scunthorpe.tsv" 2>/dev/null
echo "### flagged because of the innocent word (judged again without it)"
python3 "$root/bench/scunthorpe_cause.py" "$majlis" "$data"

echo
echo "## Offensive language, per source"
# mpold_ (all three platforms together) is the target group; its model figures here are on
# training rows (see config/models/README.md for the out-of-fold ones).
for source in $(cut -f1 "$data/offense_dev.tsv" | tail -n +2 | sort -u) mpold_; do
  awk -F'\t' -v s="$source" 'NR > 1 && ($1 == s || s == "mpold_" && index($1, s) == 1) { print $3 "\t" $4 }' "$data/offense_dev.tsv" > "$work/$source.tsv"
  echo "### $source"
  "$majlis" filter eval "$work/$source.tsv" 2>/dev/null
done

echo
echo "## Spam, per source and all together"
for source in $(cut -f1 "$data/spam_dev.tsv" | tail -n +2 | sort -u) all; do
  awk -F'\t' -v s="$source" 'NR > 1 && (s == "all" || $1 == s) { print $3 "\t" $4 }' "$data/spam_dev.tsv" > "$work/spam.tsv"
  echo "### $source"
  "$majlis" filter eval "$work/spam.tsv" 2>/dev/null | grep -E '^(classed as spam|held or rejected)'
done
