import type { FamilySpec, Labels } from '../families.js';

/**
 * `kepler_exporter_build_info` as each Kepler release of the v0.4–v0.9 schema registers it (read in
 * Kepler's source: `cmd/exporter*.go` and the vendored `github.com/prometheus/common/version`):
 *
 * - v0.4 … v0.6.1: `version.NewCollector("kepler_exporter")` of prometheus/common v0.37.0, labels
 *   `branch`, `goversion`, `revision`, `version`. Kepler's Makefile sets its own `pkg/version.Version`,
 *   not the collector's, so `version`, `revision` and `branch` are empty (Prometheus drops them).
 * - v0.7.1 … v0.7.10: the same collector of prometheus/common v0.44.0 (v0.48.0 in v0.7.10) adds
 *   `goarch`, `goos` and `tags` (the Go build tags); `revision` falls back to the binary's VCS stamp,
 *   `unknown` in image builds (as in the real output of Kepler issue #1349).
 * - v0.7.11 … v0.9.0: Kepler's own GaugeFunc with `arch`, `branch`, `os`, `revision`, `version`.
 */

/** The release the simulator imitates when a scenario names none. */
export const DEFAULT_V04_VERSION = 'v0.7.12';

/** `[major, minor, patch]` of `v0.7.10` (a missing part is 0); throws on anything else. */
function parts(version: string): [number, number, number] {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/.exec(version);
  if (m === null) throw new Error(`invalid Kepler version '${version}': want e.g. v0.7.10`);
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

/** Whether `a` is an earlier release than `b`. */
function before(a: string, b: string): boolean {
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! < y[i]!;
  return false;
}

/** The build info family of Kepler `version` (v0.4 … v0.9.0) on a node with or without GPU support built in. */
export function v04BuildInfo(version: string, gpu: boolean): FamilySpec {
  if (before(version, 'v0.4') || !before(version, 'v0.10')) throw new Error(`Kepler ${version} does not export the v0.4–v0.9 schema`);
  let help: string;
  let labels: Labels;
  if (before(version, 'v0.7.1')) {
    help = "A metric with a constant '1' value labeled by version, revision, branch, and goversion from which kepler_exporter was built.";
    labels = { branch: '', goversion: 'go1.18.10', revision: '', version: '' };
  } else if (before(version, 'v0.7.11')) {
    help = "A metric with a constant '1' value labeled by version, revision, branch, goversion from which kepler_exporter was built, and the goos and goarch for the build.";
    const tags = `include_gcs,include_oss,containers_image_openpgp,gssapi,providerless,netgo,osusergo,libbpf,linux${gpu ? ',gpu' : ''}`;
    labels = { branch: '', goarch: 'amd64', goos: 'linux', goversion: 'go1.21.9', revision: 'unknown', tags, version: '' };
  } else {
    help = "A metric with a constant '1' value labeled by version, revision, branch, os and arch from which kepler_exporter was built.";
    labels = { arch: 'amd64', branch: '', os: 'linux', revision: '3eb6297d', version: `release-${version.replace(/^v/, '')}` };
  }
  return { name: 'kepler_exporter_build_info', help, type: 'gauge', samples: () => [{ labels, value: 1 }] };
}
