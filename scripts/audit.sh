#!/usr/bin/env bash
# Fails when the production dependencies (npm audit --omit=dev) have a high or critical advisory.
#
#   scripts/audit.sh                      exit 0: none; 1: high/critical found; 2: could not audit
#   scripts/audit.sh --allow-unavailable  as above, but exit 0 (with a warning) when the registry's
#                                         advisory endpoint cannot be reached or refuses the request
#
# It never fails open silently: an audit that could not run says so on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

allow_unavailable=0
case "${1:-}" in
  --allow-unavailable) allow_unavailable=1 ;;
  '') ;;
  *) echo "usage: scripts/audit.sh [--allow-unavailable]" >&2; exit 2 ;;
esac

# AUDIT_REPORT (a JSON report given by hand) replaces the npm call; the script's tests use it.
if [[ -n "${AUDIT_REPORT:-}" ]]; then
  report=$AUDIT_REPORT
else
  report=$(npm audit --omit=dev --json 2>/dev/null || true)
fi

AUDIT_JSON="$report" ALLOW_UNAVAILABLE="$allow_unavailable" node --input-type=module -e '
const allow = process.env.ALLOW_UNAVAILABLE === "1";
let report;
try {
  report = JSON.parse(process.env.AUDIT_JSON || "");
} catch {
  report = undefined;
}
const counts = report?.metadata?.vulnerabilities;
if (counts === undefined) {
  const why = report?.message ?? report?.error?.summary ?? "no JSON report";
  console.error(`audit: failed to audit production dependencies: ${why}`);
  if (allow) {
    console.error("audit: --allow-unavailable given: not failing, but nothing was checked");
    process.exit(0);
  }
  process.exit(2);
}
const summary = ["critical", "high", "moderate", "low", "info"].map((l) => `${counts[l] ?? 0} ${l}`).join(", ");
const bad = Object.entries(report.vulnerabilities ?? {}).filter(([, v]) => v.severity === "high" || v.severity === "critical");
for (const [name, v] of bad) console.error(`audit: ${v.severity}: ${name} ${v.range ?? ""}`);
if ((counts.high ?? 0) + (counts.critical ?? 0) > 0) {
  console.error(`audit: FAIL: ${summary}`);
  process.exit(1);
}
console.log(`audit: OK (production dependencies): ${summary}`);
'
