#!/usr/bin/env bash
# The MCP conformance suite (@modelcontextprotocol/conformance) and the official TypeScript SDK
# client (@modelcontextprotocol/sdk) against a pangate demo gateway's /mcp. Called by .ci/run
# after `mvn -B verify` (it needs avatica-endpoint/target/pangate.jar and a PostgreSQL at
# PANGATE_DB_URL, default jdbc:postgresql://127.0.0.1:5432/postgres as postgres).
#
# Node 22 (the suite needs it), the suite and the SDK are installed from the npm registry into
# target/mcp-ci (never committed) from .ci/mcp/package-lock.json. The suite's server mode sends no
# credentials, so it talks to a loopback proxy (proxy.mjs) that adds fraud-analyst's; the
# gateway's authentication is unchanged. Scenarios that exercise the suite's own fixture tools,
# resources and prompts are listed, each with its reason, in expected-failures.yml: the suite
# fails the run on any other failure, and on a listed scenario that passes.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
work="$root/target/mcp-ci"
jar="$root/avatica-endpoint/target/pangate.jar"
if [ ! -f "$jar" ]; then
  echo "mcp-ci: $jar is missing; build it first (mvn -B verify, or mvn -B -DskipTests package)" >&2
  exit 1
fi

rm -rf "$work"
mkdir -p "$work"
cp .ci/mcp/package.json .ci/mcp/package-lock.json .ci/mcp/*.mjs "$work/"
echo "mcp-ci: installing Node 22, the MCP conformance suite and the TypeScript SDK into $work"
(cd "$work" && timeout 600 npm ci --no-audit --no-fund --loglevel=error)
node="$work/node_modules/.bin/node"
if [ "$("$node" -p 'process.versions.node.split(".")[0]')" -lt 22 ]; then
  echo "mcp-ci: the conformance suite needs Node 22 or later; $node is $("$node" --version)" >&2
  exit 1
fi

suffix="$(date +%s)_$$"
database="pangate_mcp_ci_$suffix"
role="pgw_mcp_ci_$suffix"
gateway=""
proxy=""
cleanup() {
  [ -n "$proxy" ] && kill "$proxy" 2>/dev/null || true
  if [ -n "$gateway" ]; then
    kill "$gateway" 2>/dev/null || true
    wait "$gateway" 2>/dev/null || true
  fi
  psql -h 127.0.0.1 -U postgres -d postgres -q -v ON_ERROR_STOP=0 \
    -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" -c "DROP ROLE IF EXISTS $role" >/dev/null 2>&1 || true
}
trap cleanup EXIT

echo "mcp-ci: starting the demo gateway (database $database)"
java -jar "$jar" demo --port 0 --dir "$work/demo" --database "$database" --role "$role" \
  > "$work/gateway.log" 2>&1 &
gateway=$!
for _ in $(seq 1 240); do
  grep -q "gateway is running on" "$work/gateway.log" && break
  if ! kill -0 "$gateway" 2>/dev/null; then
    echo "mcp-ci: the demo gateway did not start:" >&2
    cat "$work/gateway.log" >&2
    exit 1
  fi
  sleep 1
done
url="$(sed -n 's/.*gateway is running on \(http[^ ]*\).*/\1/p' "$work/gateway.log" | head -1)"
identity="fraud-analyst"
secret_file="$work/demo/credentials/$identity.secret"
secret="$(cat "$secret_file" 2>/dev/null || true)"
if [ -z "$url" ] || [ -z "$secret" ]; then
  echo "mcp-ci: the demo's printed instructions lack the URL, or $secret_file is missing" >&2
  exit 1
fi
echo "mcp-ci: gateway at $url; checking as $identity"

PANGATE_URL="$url" PANGATE_USER="$identity" PANGATE_SECRET="$secret" \
  "$node" "$work/proxy.mjs" > "$work/proxy.log" 2>&1 &
proxy=$!
for _ in $(seq 1 50); do
  grep -q "PROXY_PORT=" "$work/proxy.log" && break
  sleep 0.2
done
port="$(sed -n 's/PROXY_PORT=//p' "$work/proxy.log")"

status=0
echo "mcp-ci: MCP conformance suite (server scenarios) via the proxy on 127.0.0.1:$port"
timeout 900 "$node" "$work/node_modules/@modelcontextprotocol/conformance/dist/index.js" server \
  --suite all --url "http://127.0.0.1:$port/mcp" --expected-failures "$root/.ci/mcp/expected-failures.yml" \
  -o "$work/conformance" > "$work/conformance.log" 2>&1 || status=$?
tail -40 "$work/conformance.log"
"$node" "$work/summary.mjs" "$work/conformance" "$root/.ci/mcp/expected-failures.yml" || true
if [ "$status" -ne 0 ]; then
  echo "mcp-ci: the conformance run failed against its baseline (exit $status); the checks are in $work/conformance" >&2
fi

echo "mcp-ci: the official TypeScript SDK client"
if ! PANGATE_SECRET="$secret" timeout 300 "$node" "$work/ts-client.mjs" "$url" "$identity" "$jar"; then
  echo "mcp-ci: the TypeScript SDK client failed" >&2
  status=1
fi
exit "$status"
