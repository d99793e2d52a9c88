#!/usr/bin/env bash
# Fetches PostgreSQL 15's regression data files (src/test/regress/data/*.data, about 21 MB) into
# a cache folder once, and prints the folder. They come from Debian's postgresql-15 source
# package (the upstream .orig tarball), fetched with a private apt state so that the machine's
# own apt configuration is neither needed nor changed. Nothing of it goes into the repository.
# With --sources it also unpacks the suite's statements and answers (src/test/regress/sql and
# expected, about 9 MB more) into sql/ and expected/ of the same folder, for
# benchmarks/conformance-corpus.sh.
#
#   benchmarks/regress-data.sh            # prints e.g. /root/.cache/pangate/regress-data
#   benchmarks/regress-data.sh --sources  # the same folder, with sql/*.sql and expected/*.out
#   PANGATE_REGRESS_DATA=DIR benchmarks/regress-data.sh   # another cache folder
set -euo pipefail

sources=false
case "${1:-}" in
  "") ;;
  --sources) sources=true ;;
  *) echo "usage: regress-data.sh [--sources]" >&2; exit 2 ;;
esac

cache="${PANGATE_REGRESS_DATA:-${XDG_CACHE_HOME:-$HOME/.cache}/pangate/regress-data}"
needed=(onek tenk person emp student stud_emp streets agg)

complete() {
  for name in "${needed[@]}"; do
    [ -s "$cache/$name.data" ] || return 1
  done
  if $sources; then
    [ -s "$cache/sql/select.sql" ] && [ -s "$cache/expected/select.out" ] || return 1
  fi
}

if complete; then
  echo "$cache"
  exit 0
fi

# The machine's Debian archive: the first URIs and first Suites word of its deb822 sources
# (or the first deb line of a one-line sources.list). Only the release suite: the security
# suite does not carry the source tarball.
uri="" suite="" signed=""
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  suite=$(awk '/^Suites:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  signed=$(awk '/^Signed-By:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
elif [ -f /etc/apt/sources.list ]; then
  read -r uri suite < <(awk '$1 == "deb" {i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } print $i, $(i+1); exit}' /etc/apt/sources.list)
fi
if [ -z "$uri" ] || [ -z "$suite" ]; then
  echo "regress-data.sh: found no Debian archive in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list;" >&2
  echo "  put PostgreSQL 15's src/test/regress/data/*.data into $cache yourself (or set PANGATE_REGRESS_DATA)" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/src"
option=""
if [ -n "$signed" ] && [ -f "$signed" ]; then
  option="[signed-by=$signed] "
fi
echo "deb-src ${option}${uri} ${suite} main" > "$work/sources.list"
apt=(apt-get -q -o Dir::Etc::SourceList="$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
     -o Dir::State::Lists="$work/lists" -o Dir::Cache="$work/cache"
     -o APT::Sandbox::User="$(id -un)")
echo "regress-data.sh: fetching postgresql-15's source tarball from $uri $suite" >&2
"${apt[@]}" update >&2
(cd "$work/src" && "${apt[@]}" source --download-only postgresql-15 >&2)
tarball=$(ls "$work"/src/postgresql-15_*.orig.tar.bz2 | head -n 1)
# The statements and answers come along every time (a few MB), so that one fetch serves both uses.
tar xjf "$tarball" -C "$work" --wildcards 'postgresql-15.*/src/test/regress/data/*' \
  'postgresql-15.*/src/test/regress/sql/*' 'postgresql-15.*/src/test/regress/expected/*'

mkdir -p "$(dirname "$cache")"
staging="$cache.partial.$$"
rm -rf "$staging"
mkdir -p "$staging"
cp "$work"/postgresql-15.*/src/test/regress/data/* "$staging/"
mkdir -p "$staging/sql" "$staging/expected"
cp "$work"/postgresql-15.*/src/test/regress/sql/* "$staging/sql/"
cp "$work"/postgresql-15.*/src/test/regress/expected/* "$staging/expected/"
if [ -d "$cache" ]; then
  # Another run may be reading the data files now: put each file and folder in place by a
  # rename rather than removing the folder (identical data files are simply replaced).
  for item in "$staging"/*; do
    name=$(basename "$item")
    if [ -d "$item" ] && [ -e "$cache/$name" ]; then
      rm -rf "$cache/$name.old.$$"
      mv "$cache/$name" "$cache/$name.old.$$"
      mv "$item" "$cache/$name"
      rm -rf "$cache/$name.old.$$"
    else
      mv -f "$item" "$cache/$name"
    fi
  done
  rm -rf "$staging"
else
  mv "$staging" "$cache"
fi
if ! complete; then
  echo "regress-data.sh: $tarball lacked some of ${needed[*]} (.data), or sql/select.sql" >&2
  exit 1
fi
echo "regress-data.sh: $(find "$cache" -maxdepth 1 -type f | wc -l) data files, $(ls "$cache/sql" | wc -l) .sql files in $cache" >&2
echo "$cache"
