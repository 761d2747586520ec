#!/usr/bin/env bash
# Seeds the fuzz corpora (fuzz/corpus/<target>/) from the repository's rule files and data:
# nothing of size is committed, so run this before `cargo fuzz run` (docs/fuzzing.md).
#   check, format: every rule file of rules/ and tests/fixtures/, as it is and with its imports
#                  written in (the targets read one file, so an import would not resolve)
#   data, eval:    every JSON record of examples/ and tests/fixtures/, and each line of the
#                  JSON Lines files
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=fuzz/corpus
mkdir -p "$corpus"/{check,format,data,eval}

# A rule file with each file it imports written in its place, once, imports first.
inlined() {
  local file=$1 dir line target
  dir=$(dirname "$file")
  case " $seen " in *" $file "*) return ;; esac
  seen="$seen $file"
  while IFS= read -r line || [ -n "$line" ]; do
    if [[ $line =~ ^import\ \"([^\"]+)\" ]]; then
      target="$dir/${BASH_REMATCH[1]}"
      [ -f "$target" ] && inlined "$(realpath --relative-to=. "$target")"
    else
      printf '%s\n' "$line"
    fi
  done <"$file"
}

# Names a seed by its content, as libFuzzer does, so that running this twice adds nothing.
put() {
  local folder=$1 file=$2 name
  name=$(sha1sum "$file" | cut -c1-40)
  cp "$file" "$folder/$name"
}

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
rules=0
while IFS= read -r file; do
  for target in check format; do put "$corpus/$target" "$file"; done
  if grep -q '^import ' "$file"; then
    seen=""
    inlined "$file" >"$tmp"
    for target in check format; do put "$corpus/$target" "$tmp"; done
  fi
  rules=$((rules + 1))
done < <(find rules tests/fixtures -name '*.tally' -type f | sort)

records=0
while IFS= read -r file; do
  for target in data eval; do put "$corpus/$target" "$file"; done
  records=$((records + 1))
done < <(find examples tests/fixtures -name '*.json' -type f -size -64k | sort)
while IFS= read -r file; do
  while IFS= read -r line; do
    printf '%s\n' "$line" >"$tmp"
    for target in data eval; do put "$corpus/$target" "$tmp"; done
    records=$((records + 1))
  done < <(head -n 50 "$file")
done < <(find examples tests/fixtures -name '*.jsonl' -type f | sort)

echo "seeded $corpus from $rules rule files and $records records:"
for target in check format data eval; do
  printf '  %-7s %5d files\n' "$target" "$(find "$corpus/$target" -type f | wc -l)"
done
