/** Help texts. */

export const MAIN_USAGE = `Usage: energy-ledger <command> [flags]

Exact per-namespace energy accounting from Kepler counters, re-exposed for Prometheus.

Commands:
  serve          poll Prometheus, keep the ledger, serve /metrics, /healthz, /readyz
  report         one-shot energy report for a past period, straight from Prometheus
  rules          write the recording rules, alerts and their promtool tests
  demo           serve on an embedded simulated cluster (no Prometheus needed)
  check-config   validate a config file and print every problem

Flags:
  -h, --help     show help (also: energy-ledger <command> --help)
      --version  print the version

Configuration: flags > ENERGY_LEDGER_* environment variables > --config FILE
(or ENERGY_LEDGER_CONFIG) > defaults. Exit codes: 0 ok, 1 runtime failure, 2 bad usage or config.
`;

const CONFIG_FLAGS = `  --config FILE            YAML config file (default: $ENERGY_LEDGER_CONFIG, else none)
  --log-level LEVEL        fatal|error|warn|info|debug|trace|silent (default info); logs go to stderr`;

export const SERVE_USAGE = `Usage: energy-ledger serve [flags]

Poll Prometheus for Kepler counters, keep the energy ledger, serve /metrics, /healthz, /readyz and /.

Flags:
${CONFIG_FLAGS}
  --prometheus-url URL     Prometheus-compatible API (default http://localhost:9090)
  --listen HOST:PORT       address to serve on (default 0.0.0.0:9464)
  --interval DUR           time between polls (default 30s)
  --backfill DUR           history rebuilt at start (default 26h)
  --shard i/N              read only shard i of N of the nodes (stable hash of the node name); series get shard="i"
`;

export const REPORT_USAGE = `Usage: energy-ledger report (--from TIME --to TIME | --period NAME) [flags]

Exact energy per period and group for a past time range, straight from Prometheus.
TIME is RFC 3339 (2026-11-27T10:00:00Z) or unix seconds; DUR a Prometheus duration (1h, 15m, 1d).
With carbon and/or cost in the config, carbon_grams and cost columns follow energy_wh
(each hour's Wh times that hour's intensity or price, summed per period).
Hours in which Prometheus holds no Kepler data are named on stderr; a period without any
data is left out (json: energy_wh null; json rows give hours and hours_with_data).

Flags:
  --from TIME              start of the range (required unless --period)
  --to TIME                end of the range (required unless --period, after --from)
  --period NAME            today|yesterday|this-month|last-month in --timezone; today and
                           this-month end with the current hour
  --timezone ZONE          IANA zone of days and months (default: the config's timezone, UTC);
                           boundaries fall on whole UTC hours (Asia/Kolkata days start 23:30 local)
  --step DUR               period length, whole hours; 1d means calendar days in --timezone
                           (default 1h, 1d for this-month and last-month)
  --top N                  keep the N groups with the most energy, sum the rest as "other"
  --by namespace|node      group by namespace or node (default namespace)
  --format FORMAT          table|csv|json|markdown (default table)
${CONFIG_FLAGS}
  --prometheus-url URL     Prometheus-compatible API (default http://localhost:9090)
`;

export const RULES_USAGE = `Usage: energy-ledger rules [flags]

Write the Prometheus recording rules, alerts and their promtool unit tests.

Flags:
  --out DIR                output directory (default rules)
${CONFIG_FLAGS}
`;

export const DEMO_USAGE = `Usage: energy-ledger demo [flags]

Run serve on an embedded simulated cluster: no Prometheus needed.

Flags:
${CONFIG_FLAGS}
  --listen HOST:PORT       address to serve on (default 0.0.0.0:9464)
`;

export const CHECK_CONFIG_USAGE = `Usage: energy-ledger check-config FILE

Validate a config file (defaults < FILE; the environment and flags are not applied) and print every
problem with its line, column and key. Exit 0 when valid, 2 otherwise.
`;
