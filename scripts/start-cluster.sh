#!/usr/bin/env bash
# Starts a kind cluster that Flux fills from this repository's deploy/clusters/kind: kube-prometheus-stack,
# Kepler (fake CPU meter) and energy-ledger. Then port-forwards Prometheus, energy-ledger and Grafana and
# prints the queries that answer "how much energy did flux-system use in the last hour, in Wh?" and
# "…per node?". Ctrl-C stops the port-forwards; `kind delete cluster --name energy-ledger` removes it all.
#
# Needs: docker, kind >= 0.24 (enforces NetworkPolicy), kubectl, flux >= 2.6, curl, node.
# Flux deploys what is pushed: REPO_URL and BRANCH (default: origin and the current branch) must hold
# deploy/ as you want it. Environment:
#   CLUSTER_NAME (energy-ledger)  REPO_URL (origin, as https)  BRANCH (current branch)
#   KIND_NODE_IMAGE (kind's default)  PROMETHEUS_PORT (9090)  LEDGER_PORT (9464)  GRAFANA_PORT (3000)
#   WAIT_TIMEOUT (20m)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

CLUSTER_NAME=${CLUSTER_NAME:-energy-ledger}
FLUX_PATH=./deploy/clusters/kind
PROMETHEUS_PORT=${PROMETHEUS_PORT:-9090}
LEDGER_PORT=${LEDGER_PORT:-9464}
GRAFANA_PORT=${GRAFANA_PORT:-3000}
WAIT_TIMEOUT=${WAIT_TIMEOUT:-20m}
# The Flux Kustomizations of deploy/clusters/kind, in dependency order.
KUSTOMIZATIONS=(infra-monitoring infra-kepler apps)

log() { printf '\n==> %s\n' "$*" >&2; }
die() { printf 'start-cluster: %s\n' "$*" >&2; exit 1; }

# True if version $1 (x.y.z, optional leading v) is at least $2.
version_at_least() {
  local have=${1#v} want=${2#v}
  [ "$(printf '%s\n%s\n' "$want" "$have" | sort -V | head -n 1)" = "$want" ]
}

check_tools() {
  local tool
  for tool in docker kind kubectl flux curl node git; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed"
  done
  local kind_version flux_version
  kind_version=$(kind version | grep -oE 'v[0-9]+\.[0-9]+\.[0-9]+' | head -n 1)
  version_at_least "$kind_version" v0.24.0 || die "kind $kind_version is too old: v0.24.0 or later enforces NetworkPolicy"
  flux_version=$(flux version --client | grep -oE 'v[0-9]+\.[0-9]+\.[0-9]+' | head -n 1)
  version_at_least "$flux_version" v2.6.0 || die "flux $flux_version is too old: v2.6.0 or later serves OCIRepository v1"
}

# The Git URL Flux clones: REPO_URL, or origin with git@host:owner/repo rewritten to https.
repo_url() {
  local url=${REPO_URL:-}
  if [ -z "$url" ]; then
    url=$(git remote get-url origin 2>/dev/null) || die "no REPO_URL and no git remote 'origin': set REPO_URL to an https URL Flux can clone"
  fi
  local rest
  case $url in
    git@*:*) rest=${url#git@}; url="https://${rest/://}" ;;
    ssh://git@*) url="https://${url#ssh://git@}" ;;
  esac
  printf '%s\n' "${url%.git}"
}

create_cluster() {
  if kind get clusters 2>/dev/null | grep -qx "$CLUSTER_NAME"; then
    log "kind cluster $CLUSTER_NAME exists: reusing it"
  else
    log "creating kind cluster $CLUSTER_NAME"
    local args=(create cluster --name "$CLUSTER_NAME" --wait 5m)
    if [ -n "${KIND_NODE_IMAGE:-}" ]; then args+=(--image "$KIND_NODE_IMAGE"); fi
    kind "${args[@]}"
  fi
  kubectl config use-context "kind-$CLUSTER_NAME" >/dev/null
}

# The Deployment runs energy-ledger:<package version> with imagePullPolicy IfNotPresent: build it here
# and load it into the kind node.
load_image() {
  local version image
  version=$(node -p "require('./package.json').version")
  image="energy-ledger:$version"
  log "building $image"
  docker build --tag "$image" --build-arg "VERSION=$version" --build-arg "REVISION=$(git rev-parse HEAD)" .
  kind load docker-image "$image" --name "$CLUSTER_NAME"
}

install_flux() {
  local url=$1 branch=$2
  log "installing Flux and syncing $FLUX_PATH from $url ($branch)"
  flux check --pre
  flux install
  # Only deploy/ matters to the cluster; flux-system/ folders are written by `flux bootstrap`, not used here.
  flux create source git flux-system \
    --url="$url" \
    --branch="$branch" \
    --interval=1m \
    --ignore-paths='/*,!/deploy/,deploy/clusters/**/flux-system/'
  flux create kustomization flux-system \
    --source=GitRepository/flux-system \
    --path="$FLUX_PATH" \
    --prune=true \
    --interval=10m
}

wait_ready() {
  local ks
  kubectl -n flux-system wait gitrepository/flux-system --for=condition=ready --timeout=5m
  kubectl -n flux-system wait kustomization/flux-system --for=condition=ready --timeout=5m
  for ks in "${KUSTOMIZATIONS[@]}"; do
    log "waiting for Kustomization $ks (up to $WAIT_TIMEOUT)"
    kubectl -n flux-system wait "kustomization/$ks" --for=condition=ready --timeout="$WAIT_TIMEOUT"
  done
  kubectl -n energy-ledger rollout status deployment/energy-ledger --timeout=5m
}

PIDS=()
stop_port_forwards() {
  if [ "${#PIDS[@]}" -gt 0 ]; then kill "${PIDS[@]}" 2>/dev/null || true; fi
}

# port_forward NAMESPACE SERVICE LOCAL:REMOTE URL-that-answers-when-ready
port_forward() {
  local namespace=$1 service=$2 ports=$3 url=$4 attempt
  kubectl -n "$namespace" port-forward "service/$service" "$ports" >/dev/null 2>&1 &
  PIDS+=("$!")
  for attempt in $(seq 1 30); do
    if curl -fs -o /dev/null "$url"; then return 0; fi
    sleep 1
  done
  die "port-forward to $namespace/$service did not answer at $url (attempt $attempt)"
}

# query PROMQL: runs an instant query against the forwarded Prometheus and prints "labels => value".
query() {
  # shellcheck disable=SC2016 # JavaScript, not shell, in single quotes
  curl -fsS "http://127.0.0.1:$PROMETHEUS_PORT/api/v1/query" --data-urlencode "query=$1" |
    node -e '
      let text = "";
      process.stdin.on("data", (c) => (text += c)).on("end", () => {
        const result = JSON.parse(text).data.result;
        if (result.length === 0) console.log("   (no data yet: windows fill as Kepler samples arrive; previous_hour after the next full hour)");
        for (const { metric, value } of result) {
          const { namespace, node, window, period } = metric;
          console.log(`   ${JSON.stringify({ namespace, node, window, period })} => ${Number(value[1]).toFixed(4)} Wh`);
        }
      });'
}

print_queries() {
  local prom="http://127.0.0.1:$PROMETHEUS_PORT"
  local q_ns_hour='energy_ledger_namespace_energy_watt_hours{namespace="flux-system", window="1h"}'
  local q_ns_clock='energy_ledger_namespace_period_energy_watt_hours{namespace="flux-system", period="previous_hour"}'
  local q_node_hour='energy_ledger_node_energy_watt_hours{window="1h"}'
  local q_node_clock='energy_ledger_node_period_energy_watt_hours{period="previous_hour"}'
  cat <<TEXT

Prometheus:    $prom
energy-ledger: http://127.0.0.1:$LEDGER_PORT/  (/metrics, /readyz)
Grafana:       http://127.0.0.1:$GRAFANA_PORT/  dashboard "energy-ledger: namespace energy"; user admin, password:
               kubectl -n monitoring get secret kube-prometheus-stack-grafana -o jsonpath='{.data.admin-password}' | base64 -d

Energy of the flux-system namespace in the last hour, in Wh (trailing hour up to the data watermark):
   curl -s $prom/api/v1/query --data-urlencode 'query=$q_ns_hour'
TEXT
  query "$q_ns_hour"
  cat <<TEXT
…and in the last full clock hour (UTC):
   curl -s $prom/api/v1/query --data-urlencode 'query=$q_ns_clock'
TEXT
  query "$q_ns_clock"
  cat <<TEXT
Energy per node in the last hour, in Wh:
   curl -s $prom/api/v1/query --data-urlencode 'query=$q_node_hour'
TEXT
  query "$q_node_hour"
  cat <<TEXT
…and per node in the last full clock hour:
   curl -s $prom/api/v1/query --data-urlencode 'query=$q_node_clock'
TEXT
  query "$q_node_clock"
  cat <<TEXT
Any past period, exact, straight from Prometheus (after npm ci && npm run build):
   node dist/cli.js report --prometheus-url $prom --from \$(( \$(date +%s) - 3600 )) --to \$(date +%s) --by namespace
   node dist/cli.js report --prometheus-url $prom --from \$(( \$(date +%s) - 3600 )) --to \$(date +%s) --by node

Port-forwards are running; press Ctrl-C to stop them (the cluster stays).
TEXT
}

main() {
  check_tools
  local url branch
  url=$(repo_url)
  branch=${BRANCH:-$(git rev-parse --abbrev-ref HEAD)}
  if [ "$(git rev-parse HEAD)" != "$(git rev-parse "@{upstream}" 2>/dev/null || true)" ]; then
    printf 'start-cluster: warning: HEAD is not what %s holds upstream; Flux deploys what is pushed\n' "$branch" >&2
  fi
  create_cluster
  load_image
  install_flux "$url" "$branch"
  wait_ready

  trap stop_port_forwards EXIT
  trap 'exit 130' INT TERM
  log "port-forwarding Prometheus, energy-ledger and Grafana"
  port_forward monitoring kube-prometheus-stack-prometheus "$PROMETHEUS_PORT:9090" "http://127.0.0.1:$PROMETHEUS_PORT/-/ready"
  port_forward energy-ledger energy-ledger "$LEDGER_PORT:9464" "http://127.0.0.1:$LEDGER_PORT/readyz"
  port_forward monitoring kube-prometheus-stack-grafana "$GRAFANA_PORT:80" "http://127.0.0.1:$GRAFANA_PORT/api/health"
  print_queries
  wait
}

main "$@"
