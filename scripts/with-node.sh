#!/usr/bin/env bash
# Runs a command with the Node.js that .node-version pins first on the PATH:
#   scripts/with-node.sh npm ci          install with it
#   scripts/with-node.sh npx vitest run test/core
#   export PATH="$(scripts/with-node.sh):$PATH"   (no command: print the directory that holds its `node`)
# A `node` already on the PATH with the pinned major version is used as it is. Otherwise the pinned
# version is fetched once from the npm registry (package node-<os>-<cpu>, which carries the official
# binary) into .node/<version>/ under the repository (gitignored), with the npm client already present.
# Environment: NODE_PIN (.node-version's value) to try another version; NODE_CACHE (<repo>/.node) where to keep it.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
want=${NODE_PIN:-$(tr -d '[:space:]' < "$root/.node-version")}
case $want in
  [0-9]*.[0-9]*.[0-9]*) ;;
  *) printf 'with-node: .node-version must hold a version x.y.z, not "%s"\n' "$want" >&2; exit 2 ;;
esac
major=${want%%.*}

node_dir() {
  local have
  have=$(node --version 2>/dev/null || true)
  if [ "${have%%.*}" = "v$major" ]; then dirname "$(command -v node)"; return; fi
  local dir="${NODE_CACHE:-$root/.node}/$want/bin"
  if [ ! -x "$dir/node" ]; then install_node "$dir"; fi
  printf '%s\n' "$dir"
}

# Fetches node-<os>-<cpu>@$want with `npm pack` (the registry's integrity check applies) and unpacks bin/node.
install_node() {
  local dir=$1 os cpu tmp
  case $(uname -s) in
    Linux) os=linux ;;
    *) printf 'with-node: no Node %s package for %s here: install Node %s yourself (e.g. nvm install %s)\n' "$want" "$(uname -s)" "$major" "$major" >&2; exit 1 ;;
  esac
  case $(uname -m) in
    x86_64 | amd64) cpu=x64 ;;
    aarch64 | arm64) cpu=arm64 ;;
    *) printf 'with-node: no Node package for CPU %s: install Node %s yourself\n' "$(uname -m)" "$major" >&2; exit 1 ;;
  esac
  command -v npm >/dev/null 2>&1 || { printf 'with-node: npm is needed to fetch Node %s\n' "$want" >&2; exit 1; }
  printf 'with-node: fetching node-%s-%s@%s into %s\n' "$os" "$cpu" "$want" "${dir%/bin}" >&2
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "node-$os-$cpu@$want" >/dev/null) &&
    tar -xzf "$tmp"/node-"$os-$cpu"-*.tgz -C "$tmp" package/bin/node &&
    mkdir -p "$dir" &&
    mv "$tmp/package/bin/node" "$dir/node.partial" ||
    { rm -rf "$tmp"; printf 'with-node: could not fetch node-%s-%s@%s\n' "$os" "$cpu" "$want" >&2; exit 1; }
  rm -rf "$tmp"
  # Renamed only once complete, so an interrupted fetch is retried rather than used.
  mv "$dir/node.partial" "$dir/node"
}

dir=$(node_dir)
"$dir/node" --version >/dev/null || { printf 'with-node: %s/node does not run here\n' "$dir" >&2; exit 1; }
if [ "$#" -eq 0 ]; then printf '%s\n' "$dir"; exit 0; fi
PATH="$dir:$PATH" exec "$@"
