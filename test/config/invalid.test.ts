import { describe, expect, it } from 'vitest';
import { configErrorOf, problemsOf } from '../support/config-rejection.js';

describe('invalid configuration files (one mistake each)', () => {
  it.each([
    ['an unknown top-level key', 'intervall: 30s\n', 'config.yaml:1:1: intervall: unknown key (did you mean interval?)'],
    ['an unknown nested key', 'kepler:\n  unknown_key: 1\n', 'config.yaml:2:3: kepler.unknown_key: unknown key'],
    ['a misspelt nested key', 'prometheus:\n  tls:\n    ca-file: /ca\n', 'config.yaml:3:5: prometheus.tls.ca-file: unknown key (did you mean ca_file?)'],
    ['a bad duration', 'interval: 5x\n', 'config.yaml:1:11: interval: "5x" is not a duration: unknown unit "x" (use y, w, d, h, m, s or ms)'],
    ['a bad duration in a list', 'windows: [5m, 1h30, 24h]\n', 'config.yaml:1:15: windows[1]: "1h30" is not a duration (use 30s, 5m, 1h30m)'],
    ['a duration given as a number', 'interval: 30\n', 'config.yaml:1:11: interval: expected a duration such as 30s, 5m or 1h30m, got the number 30'],
    ['a negative duration', 'backfill: -1h\n', 'config.yaml:1:11: backfill: "-1h" is not a duration: negative durations are not allowed'],
    ['a zero interval', 'interval: 0s\n', 'config.yaml:1:11: interval: "0s" is too short: it must be longer than 0s'],
    ['a negative number', 'prometheus:\n  retries: -1\n', 'config.yaml:2:12: prometheus.retries: must be at least 0, got the number -1'],
    ['a fractional count', 'prometheus:\n  max_concurrency: 2.5\n', 'config.yaml:2:20: prometheus.max_concurrency: expected a whole number, got the number 2.5'],
    ['an unknown zone component', 'kepler:\n  zones: {cpu_power: cpu}\n', 'config.yaml:2:22: kepler.zones.cpu_power: must be one of package, dram, gpu, ignore; got "cpu"'],
    ['zones that are not a mapping', 'kepler:\n  zones: [cpu_power]\n', 'config.yaml:2:10: kepler.zones: expected a mapping of zone names to package, dram, gpu or ignore, got a list'],
    ['a zero power bound', 'kepler:\n  max_series_power_watts: 0\n', 'config.yaml:2:27: kepler.max_series_power_watts: must be greater than 0, got the number 0'],
    [
      'a window that is not a multiple of 60 s',
      'windows: [90s]\n',
      'config.yaml:1:11: windows[0]: "90s" is not a whole number of minutes (windows are made of 1-minute buckets)',
    ],
    ['two windows of the same length', 'windows: [1h, 60m]\n', 'config.yaml:1:15: windows[1]: "60m" repeats item 0 ("1h")'],
    ['group_by without namespace', 'group_by: [cluster]\n', 'config.yaml:1:11: group_by: must contain namespace'],
    ['an invalid label name', 'group_by: [namespace, 1cluster]\n', 'config.yaml:1:23: group_by[1]: "1cluster" is not a valid label name (letters, digits and _, not starting with a digit)'],
    [
      'a reserved grouping label',
      'group_by: [namespace, window]\n',
      'config.yaml:1:23: group_by[1]: "window" cannot be a grouping label: it is the label of the trailing windows',
    ],
    ['a bad listen address', 'listen: 9464\n', 'config.yaml:1:9: listen: expected HOST:PORT, e.g. 0.0.0.0:9464, got the number 9464'],
    ['a listen address without a port', 'listen: localhost\n', 'config.yaml:1:9: listen: "localhost" is not HOST:PORT (e.g. 0.0.0.0:9464, [::]:9464 or :9464)'],
    ['a port above 65535', 'listen: ":70000"\n', 'config.yaml:1:9: listen: ":70000" has port 70000, above 65535'],
    [
      'a URL without a scheme',
      'prometheus:\n  url: prometheus:9090\n',
      'config.yaml:2:8: prometheus.url: "prometheus:9090" is not an http:// or https:// URL (e.g. http://prometheus:9090)',
    ],
    ['a URL that is not a URL', 'prometheus:\n  url: "not a url"\n', 'config.yaml:2:8: prometheus.url: "not a url" is not a URL (e.g. http://prometheus:9090)'],
    [
      'credentials in the URL',
      'prometheus:\n  url: http://me:secret@prom:9090\n',
      'config.yaml:2:8: prometheus.url: "http://me:***@prom:9090" contains credentials: use basic_auth or bearer_token_file instead',
    ],
    [
      'a selector without braces',
      'prometheus:\n  selector: cluster="prod"\n',
      `config.yaml:2:13: prometheus.selector: invalid selector 'cluster="prod"': expected '{' at position 0`,
    ],
    [
      'a selector with an unquoted value',
      'prometheus:\n  selector: "{cluster=prod}"\n',
      `config.yaml:2:13: prometheus.selector: invalid selector '{cluster=prod}': expected a quoted value at position 9`,
    ],
    ['an unknown Kepler schema', 'kepler:\n  schema: v0.5\n', 'config.yaml:2:11: kepler.schema: must be one of auto, v0.3, v0.4-v0.9, v0.10+; got "v0.5"'],
    ['an unknown component', 'kepler:\n  components: [package, core]\n', 'config.yaml:2:25: kepler.components[1]: must be one of package, dram, gpu; got "core"'],
    ['an empty component list', 'kepler:\n  components: []\n', 'config.yaml:2:15: kepler.components: must not be empty'],
    ['an unknown log level', 'log_level: verbose\n', 'config.yaml:1:12: log_level: must be one of fatal, error, warn, info, debug, trace, silent; got "verbose"'],
    ['a string where true/false is expected', 'prometheus:\n  tls:\n    insecure_skip_verify: yes\n', 'config.yaml:3:27: prometheus.tls.insecure_skip_verify: expected true or false, got "yes"'],
    ['a bad header name', 'prometheus:\n  headers:\n    "X Org": a\n', 'config.yaml:3:14: prometheus.headers["X Org"]: "X Org" is not a valid HTTP header name'],
    ['a list where a mapping is expected', 'prometheus: [a]\n', 'config.yaml:1:13: prometheus: expected a mapping of keys to values, got a list'],
    ['an unknown time zone', 'timezone: Mars/Olympus\n', 'config.yaml:1:11: timezone: "Mars/Olympus" is not a known time zone (use an IANA name such as UTC or Europe/Paris)'],
    ['basic auth without username', 'prometheus:\n  basic_auth: { password_file: /p }\n', 'config.yaml:2:15: prometheus.basic_auth.username: is required'],
    ['basic auth without a password', 'prometheus:\n  basic_auth: { username: me }\n', 'config.yaml:2:15: prometheus.basic_auth: needs password_file (or password)'],
    [
      'two bearer tokens',
      'prometheus:\n  bearer_token: abc\n  bearer_token_file: /t\n',
      'config.yaml:2:17: prometheus.bearer_token: set either bearer_token or bearer_token_file, not both',
    ],
    ['a client certificate without its key', 'prometheus:\n  tls: { cert_file: /c }\n', 'config.yaml:2:21: prometheus.tls.cert_file: cert_file and key_file go together: set both or neither'],
    ['a lowercase currency', 'cost: { price_per_kwh: 1, currency: eur }\n', 'config.yaml:1:37: cost.currency: expected a 3-letter ISO 4217 code such as EUR, got "eur"'],
    ['a PUE below 1', 'carbon: { intensity_g_per_kwh: 1, pue: 0.9 }\n', 'config.yaml:1:40: carbon.pue: must be at least 1, got the number 0.9'],
    ['a carbon intensity schedule of 23 hours', `carbon: { schedule_g_per_kwh: [${new Array(23).fill(1).join(', ')}] }\n`, 'config.yaml:1:31: carbon.schedule_g_per_kwh: must list 24 values (local hours 0 to 23), got 23'],
    ['a price both constant and scheduled', `cost: { price_per_kwh: 1, schedule_per_kwh: [${new Array(24).fill(1).join(', ')}] }\n`, 'config.yaml:1:7: cost: set only one of price_per_kwh, schedule_per_kwh'],
    ['carbon without an intensity', 'carbon: { pue: 1.2 }\n', 'config.yaml:1:9: carbon: needs intensity_g_per_kwh, schedule_g_per_kwh, intensity_selector or intensity_query'],
    [
      'a retention shorter than the longest window + 1h',
      'retention: 24h\nbackfill: 20h\n',
      'config.yaml:1:12: retention: must be at least 1d1h (the longest window, 1d, plus 1h for the previous hour), got 1d',
    ],
    ['a YAML syntax error', 'windows: [5m, 1h\nlisten: x\n', 'config.yaml:2:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    ['a duplicate key', 'interval: 30s\ninterval: 1m\n', 'config.yaml:2:1: invalid YAML: Map keys must be unique'],
    ['a file that is a list', '- interval: 30s\n', 'config.yaml: expected a mapping of keys to values, got a list'],
  ])('rejects %s with an exact message', (_, text, message) => {
    expect(problemsOf(text)).toEqual([message]);
  });

  it('reports every problem at once, in file order, each naming its key', () => {
    const text = [
      'prometheus:',
      '  url: ftp://prom',
      '  tmeout: 30s',
      'interval: 5x',
      'windows: [5m, 90s]',
      'group_by: [cluster]',
      'kepler:',
      '  unknown_key: true',
      'listen: nowhere',
      '',
    ].join('\n');
    expect(problemsOf(text)).toEqual([
      'config.yaml:2:8: prometheus.url: "ftp://prom" is not an http:// or https:// URL (e.g. http://prometheus:9090)',
      'config.yaml:3:3: prometheus.tmeout: unknown key (did you mean timeout?)',
      'config.yaml:4:11: interval: "5x" is not a duration: unknown unit "x" (use y, w, d, h, m, s or ms)',
      'config.yaml:5:15: windows[1]: "90s" is not a whole number of minutes (windows are made of 1-minute buckets)',
      'config.yaml:6:11: group_by: must contain namespace',
      'config.yaml:8:3: kepler.unknown_key: unknown key',
      'config.yaml:9:9: listen: "nowhere" is not HOST:PORT (e.g. 0.0.0.0:9464, [::]:9464 or :9464)',
    ]);
  });

  it('puts the count and every problem in the error message', () => {
    const error = configErrorOf({ file: { text: 'interval: 5x\nlisten: 1\n', name: 'c.yaml' } });
    expect(error.message).toBe(
      'failed to load configuration: 2 problems:\n' +
        '  c.yaml:1:11: interval: "5x" is not a duration: unknown unit "x" (use y, w, d, h, m, s or ms)\n' +
        '  c.yaml:2:9: listen: expected HOST:PORT, e.g. 0.0.0.0:9464, got the number 1',
    );
    expect(error.details.map((d) => d.path)).toEqual([['interval'], ['listen']]);
  });
});
