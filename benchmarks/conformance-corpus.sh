#!/usr/bin/env bash
# The corpus builder: PostgreSQL 15's regression files (src/test/regress/sql/<name>.sql) split as
# psql reads them and classified into a corpus folder the conformance runner reads
# (benchmarks/README.md, "Building a corpus"). Without --sources the files come from
# benchmarks/regress-data.sh --sources (Debian's postgresql-15 source package, cached once).
#
#   benchmarks/conformance-corpus.sh --out target/corpus --file int4,interval --setup ../shared/conformance/regress_setup.sql
#   benchmarks/conformance-corpus.sh --out target/shared-check --check ../shared/conformance \
#     --file select,join,aggregates,window,union,case,limit,numeric,strings,date
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
args=("$@")
sources=false
for arg in "$@"; do
  case "$arg" in
    --sources|--sources=*|-h|--help) sources=true ;;
  esac
done
if ! $sources; then
  args=(--sources "$("$root/benchmarks/regress-data.sh" --sources)" "${args[@]}")
fi
CONFORMANCE_MAIN=dev.pangate.bench.conformance.CorpusBuilderMain CONFORMANCE_JAVA_OPTIONS="${CONFORMANCE_JAVA_OPTIONS:--Xmx512m}" \
  exec "$root/benchmarks/conformance.sh" "${args[@]}"
