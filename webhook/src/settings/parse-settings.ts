// (argv, env) → Settings, with vault-k8s's precedence (a non-empty AGENT_INJECT_* variable beats
// the flag). Every value is checked here, at startup, rather than per pod (vault-k8s starts with
// `-cpu-limit=lots` and then denies every pod); each problem names the flag and its variable, says
// what to change and keeps vault-k8s's own text after it (setting-problems.ts; vault-k8s's texts:
// https://github.com/hashicorp/vault-k8s/blob/main/subcommand/injector/flags.go). Pure: no process
// access, every problem listed.
import { NATIVE_SIDECAR_PROBE_DEFAULTS, PROBE_KINDS, parseProbeCount, parseProbeKind, type NativeSidecarProbe } from '../inject/native-sidecar-probe.js';
import { isReconcileMode } from '../cluster/missed-pods.js';
import { parseGoBool, parseGoFloat64, parseGoInt64 } from '../../../common/src/go-strconv.js';
import { parseGoDuration } from '../../../common/src/go-duration.js';
import { ENV_ONLY, FLAG_DEFINITIONS } from './flag-definitions.js';
import type { FlagKind } from './flag-definitions.js';
import { parseGoFlags } from './go-flags.js';
import { commandLineProblem, envOnlyProblem, quoted, settingProblem } from './setting-problems.js';
import { cipherSuitesProblem, isTlsMinVersion, splitCipherList } from './tls-options.js';
import { canonicalQuantity } from '../inject/quantity.js';
import type { DefaultTemplate, LogLevel, Settings } from './settings.js';

export type Environment = Readonly<Record<string, string | undefined>>;

export type SettingsResult =
  | { readonly kind: 'settings'; readonly settings: Settings }
  | { readonly kind: 'problems'; readonly problems: readonly string[] }
  | { readonly kind: 'help' };

const ENV_PREFIX = 'Error parsing environment variables: ';

/** hclog level names accepted by vault-k8s (trimmed, case-insensitive); a Map so "constructor" is no level. */
const LOG_LEVELS: ReadonlyMap<string, LogLevel> = new Map([
  ['trace', 'trace'],
  ['debug', 'debug'],
  ['notice', 'info'],
  ['info', 'info'],
  ['', 'info'],
  ['warn', 'warn'],
  ['warning', 'warn'],
  ['err', 'error'],
  ['error', 'error'],
]);

const BOOL_HINT = 'is not a boolean; use true or false';
const DURATION_HINT = 'is not a Go duration such as 30s or 1m30s';

/** parseutil.ParseBool on a string goes through mapstructure's weak decode, hence vault-k8s's wording. */
function envBool(name: string, value: string, problems: string[]): boolean | undefined {
  const parsed = parseGoBool(value);
  if (parsed.ok) return parsed.value;
  problems.push(settingProblem(name, `${quoted(value)} ${BOOL_HINT}`, `${ENV_PREFIX}cannot parse '' as bool: ${parsed.error}`));
  return undefined;
}

function envOverride(name: string, kind: FlagKind, value: string, problems: string[]): string | undefined {
  if (kind !== 'bool') return value;
  const parsed = envBool(name, value, problems);
  return parsed === undefined ? undefined : String(parsed);
}

/** Effective string value of every flag: default, then command line, then non-empty env. */
function effectiveValues(cli: ReadonlyMap<string, string>, env: Environment, problems: string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (const definition of FLAG_DEFINITIONS) {
    const fromEnv = nonEmpty(env[definition.env]);
    const fromCli = cli.get(definition.name) ?? definition.defaultValue;
    values.set(definition.name, fromEnv === undefined ? fromCli : (envOverride(definition.name, definition.kind, fromEnv, problems) ?? fromCli));
  }
  return values;
}

function envNumber(env: Environment, variable: { name: string; parse: typeof parseGoInt64; what: string }, problems: string[]): number {
  const value = env[variable.name];
  if (value === undefined || value === '') return 0;
  const parsed = variable.parse(value);
  if (parsed.ok) return parsed.value;
  problems.push(envOnlyProblem(variable.name, `${quoted(value)} is not ${variable.what}`, `${ENV_PREFIX}${parsed.error}`));
  return 0;
}

/** vault-k8s checks the backoffs at startup with this prefix; our other durations have no vault-k8s text. */
function checkDuration(name: string, value: string, problems: string[], vaultK8sText: boolean): void {
  if (value === '') return;
  const parsed = parseGoDuration(value);
  if (!parsed.ok) problems.push(settingProblem(name, `${quoted(value)} ${DURATION_HINT}`, vaultK8sText ? `${ENV_PREFIX}${parsed.error}` : parsed.error));
}

/** Examples for the resource flags' messages. */
const QUANTITY_FLAGS: Readonly<Record<string, string>> = {
  'cpu-request': '250m',
  'cpu-limit': '500m',
  'memory-request': '64Mi',
  'memory-limit': '128Mi',
  'ephemeral-storage-request': '128Mi',
  'ephemeral-storage-limit': '1Gi',
};

/** Checked now with the per-pod parser's rules, since every pod without the annotation inherits the flag ("" means unset). */
function checkQuantities(get: (name: string) => string, problems: string[]): void {
  for (const [name, example] of Object.entries(QUANTITY_FLAGS)) {
    const value = get(name);
    if (value === '') continue;
    const parsed = canonicalQuantity(value);
    if (!parsed.ok) problems.push(settingProblem(name, `${quoted(value)} is not a Kubernetes quantity (e.g. ${example})`, parsed.error));
  }
}

/** -run-as-user/-group become every pod's agent uid/gid: a Go int64 ("" means 0, as per pod). */
function checkIds(get: (name: string) => string, problems: string[]): void {
  for (const [name, example] of [['run-as-user', '100'], ['run-as-group', '1000']] as const) {
    const value = get(name);
    if (value === '') continue;
    const parsed = parseGoInt64(value);
    if (!parsed.ok || !Number.isSafeInteger(parsed.value) || parsed.value < 0) {
      problems.push(settingProblem(name, `${quoted(value)} is not a numeric id (e.g. ${example})`, parsed.ok ? undefined : parsed.error));
    }
  }
}

/** Go's base64.StdEncoding.DecodeString: padded standard alphabet; CR and LF are ignored. */
export function decodeIfStandardBase64(value: string): string {
  const compact = value.replace(/[\r\n]/g, '');
  if (compact === '' || compact.length % 4 !== 0) return value;
  if (!/^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(compact)) return value;
  return Buffer.from(compact, 'base64').toString('utf8');
}

/** Go's net.SplitHostPort plus a numeric port check: the listener must be bindable. */
function listenProblem(listen: string): string | undefined {
  const match = /^(?:\[([^\]]*)\]|([^:[\]]*)):([0-9]{1,5})$/.exec(listen);
  if (match === null || Number(match[3]) > 65535) {
    return settingProblem('listen', `${quoted(listen)} is not host:port (e.g. :8080 or 127.0.0.1:8443)`,
      `Error listening: listen tcp: address ${listen}: invalid listen address (want host:port)`);
  }
  return undefined;
}

const VAULT_ADDRESS_EXAMPLE = 'e.g. https://vault.vault.svc:8200';

/**
 * Every injected agent gets this as `vault.address`, so it must be a URL Vault's client can dial:
 * absolute, http or https, with a host. vault-k8s only refuses an empty value. Surrounding spaces
 * are refused rather than trimmed (the agent would not trim them either).
 */
function vaultAddressProblem(address: string): string | undefined {
  if (address === '') return settingProblem('vault-address', `set the address of the Vault server (${VAULT_ADDRESS_EXAMPLE})`, 'No Vault service configured');
  const reason = httpUrlReason(address);
  if (reason === undefined) return undefined;
  return settingProblem('vault-address', `${quoted(address)} ${reason}; use an absolute http(s) URL with a host (${VAULT_ADDRESS_EXAMPLE})`);
}

/** Why `value` is not an absolute http(s) URL with a host, or undefined when it is one. */
function httpUrlReason(value: string): string | undefined {
  if (value.trim() !== value) return 'has surrounding spaces';
  // WHATWG URL would read "http:vault" as http://vault/; Go's url.Parse gives it no host, so ask for "//".
  if (!/^https?:\/\//i.test(value)) return 'does not start with http:// or https://';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL';
  }
  return url.hostname === '' ? 'has no host' : undefined;
}

/**
 * The features Vault Agent accepts in disable_idle_connections / disable_keep_alives; an empty item
 * is skipped. Anything else stops every injected agent at start ("unknown disable_idle_connections
 * value: …"): https://github.com/hashicorp/vault/blob/main/command/agent/config/config.go.
 * vault-k8s passes the flag through unchecked, split on "," without trimming
 * (https://github.com/hashicorp/vault-k8s/blob/main/agent-inject/agent/agent.go).
 */
const AGENT_FEATURES: ReadonlySet<string> = new Set(['auto-auth', 'caching', 'proxying', 'templating', '']);

function agentFeaturesProblem(name: string, value: string): string | undefined {
  const unknown = value.split(',').find((item) => !AGENT_FEATURES.has(item));
  if (unknown === undefined) return undefined;
  const spaced = unknown.trim() !== unknown && AGENT_FEATURES.has(unknown.trim()) ? ' (remove the spaces around commas)' : '';
  return settingProblem(name, `${quoted(unknown)} is not a Vault Agent feature${spaced}; use a comma-separated list of auto-auth, caching, proxying, templating (e.g. auto-auth,templating)`);
}

function telemetryProblem(path: string): string | undefined {
  if (path === '') return undefined;
  if (!path.startsWith('/')) return settingProblem('telemetry-path', `${quoted(path)} must start with "/" (e.g. /metrics)`);
  if (path === '/mutate' || path === '/health/ready') {
    return settingProblem('telemetry-path', `${quoted(path)} is already used by the webhook; use another path (e.g. /metrics)`);
  }
  return undefined;
}

/** The graceful stop deadline in milliseconds. */
function shutdownTimeoutMs(value: string, problems: string[]): number {
  const parsed = parseGoDuration(value);
  if (parsed.ok && parsed.value > 0) return parsed.value / 1e6;
  problems.push(settingProblem('shutdown-timeout', `${quoted(value)} ${parsed.ok ? 'must be a positive duration (e.g. 20s)' : DURATION_HINT}`, parsed.ok ? undefined : parsed.error));
  return 0;
}

interface Checked {
  readonly logLevel: LogLevel;
  readonly defaultTemplate: DefaultTemplate;
  readonly nativeSidecarProbe: NativeSidecarProbe;
}

const LOG_FORMATS: readonly string[] = ['standard', 'json', ''];

function checkTls(get: (name: string) => string, problems: string[]): void {
  const minVersion = get('tls-min-version');
  if (!isTlsMinVersion(minVersion)) {
    problems.push(settingProblem('tls-min-version', `${quoted(minVersion)} is not a TLS version; use tls10, tls11, tls12 or tls13`,
      `Failed to configure TLS: invalid or unsupported TLS version ${JSON.stringify(minVersion)}`));
    return;
  }
  const cipherProblem = cipherSuitesProblem(get('tls-cipher-suites'));
  if (cipherProblem !== undefined) {
    problems.push(settingProblem('tls-cipher-suites', 'use Go cipher suite names, comma-separated (e.g. TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)', `Failed to configure TLS: ${cipherProblem}`));
  }
}

/** The startup checks vault-k8s makes after reading flags and env, in its order, then ours. */
function checkValues(values: ReadonlyMap<string, string>, problems: string[]): Checked {
  const get = (name: string): string => values.get(name) ?? '';
  const add = (problem: string | undefined): void => {
    if (problem !== undefined) problems.push(problem);
  };
  checkDuration('auth-min-backoff', get('auth-min-backoff'), problems, true);
  checkDuration('auth-max-backoff', get('auth-max-backoff'), problems, true);
  add(vaultAddressProblem(get('vault-address')));
  const template = get('default-template');
  if (template !== 'map' && template !== 'json') add(settingProblem('default-template', `${quoted(template)} is not a template type; use map or json`, `Invalid default flag type: ${template}`));
  const level = get('log-level').trim().toLowerCase();
  const logLevel = LOG_LEVELS.get(level);
  if (logLevel === undefined) {
    add(settingProblem('log-level', `${quoted(get('log-level'))} is not a log level; use trace, debug, info, warn or error`, `Error setting log level: unknown log level: ${level}`));
  }
  // vault-k8s silently logs "standard" for anything but "json" (so "JSON" gave text logs): refused here.
  if (!LOG_FORMATS.includes(get('log-format'))) add(settingProblem('log-format', `${quoted(get('log-format'))} is not a log format; use standard or json`));
  checkTls(get, problems);
  add(listenProblem(get('listen')));
  add(telemetryProblem(get('telemetry-path')));
  const reconcile = get('reconcile-missed');
  if (!isReconcileMode(reconcile)) add(settingProblem('reconcile-missed', `${quoted(reconcile)} is not a mode; use off, report, dry-run or evict`));
  checkQuantities(get, problems);
  checkIds(get, problems);
  checkDuration('template-static-secret-render-interval', get('template-static-secret-render-interval'), problems, false);
  add(agentFeaturesProblem('disable-idle-connections', get('disable-idle-connections')));
  add(agentFeaturesProblem('disable-keep-alives', get('disable-keep-alives')));
  return { logLevel: logLevel ?? 'info', defaultTemplate: template === 'json' ? 'json' : 'map', nativeSidecarProbe: checkProbe(get, problems) };
}

function checkProbe(get: (name: string) => string, problems: string[]): NativeSidecarProbe {
  const kind = parseProbeKind(get('native-sidecar-probe'));
  if (kind === undefined) problems.push(settingProblem('native-sidecar-probe', `${quoted(get('native-sidecar-probe'))} is not a probe kind; use ${PROBE_KINDS.join(' or ')}`));
  const count = (name: string): number => {
    const parsed = parseProbeCount(get(name));
    if (parsed === undefined) problems.push(settingProblem(name, `${quoted(get(name))} is not a whole number from 1 to 86400`));
    return parsed ?? 1;
  };
  return {
    kind: kind ?? NATIVE_SIDECAR_PROBE_DEFAULTS.kind,
    periodSeconds: count('native-sidecar-probe-period'),
    timeoutSeconds: count('native-sidecar-probe-timeout'),
    failureThreshold: count('native-sidecar-probe-failure-threshold'),
  };
}

interface Numbers {
  readonly maxConnections: number;
  readonly leaseThreshold: number;
  readonly shutdownTimeoutMs: number;
}

function buildSettings(values: ReadonlyMap<string, string>, env: Environment, checked: Checked, numbers: Numbers): Settings {
  const get = (name: string): string => values.get(name) ?? '';
  const bool = (name: string): boolean => get(name) === 'true';
  const minVersion = get('tls-min-version');
  const settings: Settings = {
    listen: get('listen'),
    logLevel: checked.logLevel,
    logFormat: get('log-format') === 'json' ? 'json' : 'standard',
    vaultAddress: get('vault-address'),
    vaultImage: get('vault-image'),
    vaultAuthType: get('vault-auth-type'),
    vaultAuthPath: get('vault-auth-path'),
    vaultNamespace: get('vault-namespace'),
    vaultCACertBytes: decodeIfStandardBase64(get('vault-cacert-bytes')),
    proxyAddress: get('proxy-address'),
    revokeOnShutdown: bool('revoke-on-shutdown'),
    runAsUser: get('run-as-user'),
    runAsGroup: get('run-as-group'),
    runAsSameUser: bool('run-as-same-user'),
    setSecurityContext: bool('set-security-context'),
    defaultTemplate: checked.defaultTemplate,
    resources: Object.freeze({
      cpuRequest: get('cpu-request'),
      memoryRequest: get('memory-request'),
      ephemeralRequest: get('ephemeral-storage-request'),
      cpuLimit: get('cpu-limit'),
      memoryLimit: get('memory-limit'),
      ephemeralLimit: get('ephemeral-storage-limit'),
    }),
    templateConfig: Object.freeze({
      exitOnRetryFailure: bool('template-config-exit-on-retry-failure'),
      staticSecretRenderInterval: get('template-static-secret-render-interval'),
      maxConnectionsPerHost: numbers.maxConnections,
      leaseRenewalThreshold: numbers.leaseThreshold,
    }),
    authMinBackoff: get('auth-min-backoff'),
    authMaxBackoff: get('auth-max-backoff'),
    disableIdleConnections: get('disable-idle-connections'),
    disableKeepAlives: get('disable-keep-alives'),
    tls: Object.freeze({
      autoName: get('tls-auto'),
      autoHosts: Object.freeze(get('tls-auto-hosts').split(',').filter((host) => host !== '')),
      certFile: get('tls-cert-file'),
      keyFile: get('tls-key-file'),
      caCertFile: get('tls-ca-cert-file'),
      minVersion: isTlsMinVersion(minVersion) ? minVersion : 'tls12',
      cipherSuites: Object.freeze(splitCipherList(get('tls-cipher-suites'))),
    }),
    telemetryPath: get('telemetry-path'),
    useLeaderElector: bool('use-leader-elector'),
    nativeSidecar: bool('native-sidecar'),
    nativeSidecarProbe: Object.freeze(checked.nativeSidecarProbe),
    reconcileMissed: isReconcileMode(get('reconcile-missed')) ? (get('reconcile-missed') as Settings['reconcileMissed']) : 'off',
    strict: bool('strict'),
    shutdownTimeoutMs: numbers.shutdownTimeoutMs,
    namespace: nonEmpty(env[ENV_ONLY.namespace]) ?? 'default',
    podName: env[ENV_ONLY.podName] ?? '',
  };
  return Object.freeze(settings);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}

/** Parses `agent-inject` arguments (without the subcommand) and the environment. */
export function parseSettings(args: readonly string[], env: Environment): SettingsResult {
  const flags = parseGoFlags(args, FLAG_DEFINITIONS);
  if (flags.helpRequested && flags.problems.length === 0) return { kind: 'help' };
  const problems = flags.problems.map(commandLineProblem);
  const values = effectiveValues(flags.values, env, problems);
  const maxConnections = envNumber(env, { name: ENV_ONLY.maxConnectionsPerHost, parse: parseGoInt64, what: 'a whole number' }, problems);
  const leaseThreshold = envNumber(env, { name: ENV_ONLY.leaseRenewalThreshold, parse: parseGoFloat64, what: 'a number (e.g. 0.75)' }, problems);
  const checked = checkValues(values, problems);
  const shutdownTimeout = shutdownTimeoutMs(values.get('shutdown-timeout') ?? '', problems);
  if (problems.length > 0) return { kind: 'problems', problems };
  return { kind: 'settings', settings: buildSettings(values, env, checked, { maxConnections, leaseThreshold, shutdownTimeoutMs: shutdownTimeout }) };
}

/** Usage text in the shape of Go's flag.PrintDefaults. */
export function settingsUsage(): string {
  const lines = FLAG_DEFINITIONS.map((definition) => {
    const type = definition.kind === 'bool' ? '' : ' string';
    const fallback = definition.defaultValue === '' || definition.defaultValue === 'false' ? '' : ` (default ${JSON.stringify(definition.defaultValue)})`;
    return `  -${definition.name}${type}\n    \t${definition.usage}${fallback} [$${definition.env}]`;
  });
  return `Usage: vault-injector agent-inject [options]\n  Run the Admission Webhook server for injecting Vault Agent containers into pods.\n\n${lines.join('\n')}\n`;
}
