#!/usr/bin/env bash
# Starts a kind cluster that Flux fills from this repository's deploy/clusters/kind: kube-prometheus-stack,
# Kepler (fake CPU meter) and energy-ledger. Then port-forwards Prometheus, energy-ledger and Grafana and
# prints the queries that answer "how much energy did flux-system use in the last hour, in Wh?" and
# "…per node?". Ctrl-C stops the port-forwards; `kind delete cluster --name energy-ledger` removes it all.
#
# Needs: docker on an amd64 host, kind >= 0.28, kubectl, flux >= 2.7, curl, node (see KIND_MIN, FLUX_MIN).
# Flux deploys what is pushed: REPO_URL and BRANCH (default: origin and the current branch) must hold
# deploy/ as you want it. Environment:
#   CLUSTER_NAME (energy-ledger)  REPO_URL (origin, as https)  BRANCH (current branch)
#   KIND_NODE_IMAGE (kind's default)  PROMETHEUS_PORT (9090)  LEDGER_PORT (9464)  GRAFANA_PORT (3000)
#   WAIT_TIMEOUT (20m)  ALLOW_NON_AMD64 (unset; 1 = start anyway on an arm64 host, with your own Kepler image)
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
# Oldest versions that work; test/deploy/start-cluster.test.ts derives both from deploy/ and fails when
# they drift. Flux 2.7: both HelmReleases set install/upgrade `strategy: RetryOnFailure`, which arrived
# in helm-controller API v1.4.0 (Flux 2.7). kind 0.28: the first whose default node image is Kubernetes
# 1.33, which current Flux's `flux check --pre` requires; kind <= 0.27 also bundles network policies that
# block kubelet probes (kind#3875) where a policy admits only Prometheus, as Kepler's and the app's do.
FLUX_MIN=v2.7.0
KIND_MIN=v0.28.0
# Kepler's image (quay.io/sustainable_computing_io/kepler) is built for linux/amd64 only.
KEPLER_ARCH=amd64

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
  kind_version=$(kind version | grep -oE 'v[0-9]+\.[0-9]+\.[0-9]+' | head -n 1) || die "could not read the version of kind (kind version)"
  version_at_least "$kind_version" "$KIND_MIN" ||
    die "kind $kind_version is too old: $KIND_MIN or later runs Kubernetes 1.33 (which Flux needs) and lets kubelet probes through NetworkPolicies"
  flux_version=$(flux version --client | grep -oE 'v[0-9]+\.[0-9]+\.[0-9]+' | head -n 1) || die "could not read the version of flux (flux version --client)"
  version_at_least "$flux_version" "$FLUX_MIN" ||
    die "flux $flux_version is too old: $FLUX_MIN or later knows the HelmRelease upgrade strategy RetryOnFailure that deploy/ uses"
}

# The CPU architecture of the Docker engine that runs the kind node (amd64, arm64), or of this host.
docker_arch() {
  local arch
  arch=$(docker version --format '{{.Server.Arch}}' 2>/dev/null) || arch=""
  [ -n "$arch" ] || arch=$(uname -m)
  case $arch in
    x86_64) arch=amd64 ;;
    aarch64) arch=arm64 ;;
  esac
  printf '%s\n' "$arch"
}

# Kepler has no arm64 image: on Apple Silicon its DaemonSet never pulls, infra-kepler is never Ready and
# Flux never applies energy-ledger. Say so before creating anything.
check_arch() {
  local arch=$1
  [ "$arch" = "$KEPLER_ARCH" ] && return 0
  printf 'start-cluster: Docker runs %s here, but Kepler'"'"'s image is built for linux/%s only.\n' "$arch" "$KEPLER_ARCH" >&2
  printf '  Its DaemonSet would never start, so infra-kepler would never be Ready and energy-ledger never deployed.\n' >&2
  printf '  Use an amd64 machine (or VM), or set ALLOW_NON_AMD64=1 if deploy/infrastructure/kepler points at a Kepler image built for %s.\n' "$arch" >&2
  [ "${ALLOW_NON_AMD64:-}" = 1 ] || exit 1
  printf 'start-cluster: warning: ALLOW_NON_AMD64=1: starting anyway\n' >&2
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
  if ! kind load docker-image "$image" --name "$CLUSTER_NAME"; then
    # Under Docker's containerd image store (the default since Docker 29) this fails with "content digest
    # … not found" (kind#3795): save one platform of the image to an archive and load that instead.
    log "kind load docker-image failed: loading $image as a single-platform archive instead (kind#3795)"
    local archive
    archive=$(mktemp "${TMPDIR:-/tmp}/energy-ledger-image.XXXXXX")
    docker image save --platform "linux/$ARCH" --output "$archive" "$image" || { rm -f "$archive"; die "docker image save $image failed"; }
    kind load image-archive "$archive" --name "$CLUSTER_NAME" || { rm -f "$archive"; die "kind load image-archive failed for $image"; }
    rm -f "$archive"
  fi
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
  ARCH=$(docker_arch)
  check_arch "$ARCH"
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
