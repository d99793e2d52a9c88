#!/usr/bin/env bash
# The conformance runner: PostgreSQL's regression statements directly on PostgreSQL and through
# a pangate gateway, compared (benchmarks/README.md, "Conformance"). Builds the benchmarks jar
# when it is missing or older than a source file, then runs it with the arguments given:
#
#   benchmarks/conformance.sh --corpus ../shared/conformance --data "$(benchmarks/regress-data.sh)"
#   benchmarks/conformance.sh --corpus ../shared/conformance --data DIR --file numeric --n 123 --role clear
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/benchmarks/target/benchmarks.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root" -path '*/src/main/*' -newer "$jar" -print -quit 2>/dev/null)" ] \
   || [ -n "$(find "$root" -name pom.xml -newer "$jar" -print -quit 2>/dev/null)" ]; then
  echo "conformance.sh: building $jar" >&2
  (cd "$root" && mvn -B -q -o -DskipTests package -pl benchmarks -am >&2 \
    || mvn -B -q -DskipTests package -pl benchmarks -am >&2)
fi
# CONFORMANCE_MAIN: another command of the jar (conformance-corpus.sh runs the corpus builder so)
exec java ${CONFORMANCE_JAVA_OPTIONS:--Xmx2g} -cp "$jar" "${CONFORMANCE_MAIN:-dev.pangate.bench.conformance.ConformanceMain}" "$@"
