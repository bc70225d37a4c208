// (argv, env) → Settings, with vault-k8s's precedence (a non-empty AGENT_INJECT_* variable beats
// the flag) and its startup error texts (spec §3). Pure: no process access, every problem listed.
import { NATIVE_SIDECAR_PROBE_DEFAULTS, PROBE_KINDS, parseProbeCount, parseProbeKind, type NativeSidecarProbe } from '../inject/native-sidecar-probe.js';
import { isReconcileMode } from '../cluster/missed-pods.js';
import { parseGoBool, parseGoFloat64, parseGoInt64 } from '../../../common/src/go-strconv.js';
import { parseGoDuration } from '../../../common/src/go-duration.js';
import { ENV_ONLY, FLAG_DEFINITIONS, SHUTDOWN_TIMEOUT_ENV } from './flag-definitions.js';
import type { FlagKind } from './flag-definitions.js';
import { parseGoFlags } from './go-flags.js';
import { cipherSuitesProblem, isTlsMinVersion, splitCipherList } from './tls-options.js';
import type { DefaultTemplate, LogLevel, Settings } from './settings.js';

export type Environment = Readonly<Record<string, string | undefined>>;

export type SettingsResult =
  | { readonly kind: 'settings'; readonly settings: Settings }
  | { readonly kind: 'problems'; readonly problems: readonly string[] }
  | { readonly kind: 'help' };

const ENV_PREFIX = 'Error parsing environment variables: ';

/** hclog level names accepted by vault-k8s (trimmed, case-insensitive). */
const LOG_LEVELS: Readonly<Record<string, LogLevel>> = {
  trace: 'trace',
  debug: 'debug',
  notice: 'info',
  info: 'info',
  '': 'info',
  warn: 'warn',
  warning: 'warn',
  err: 'error',
  error: 'error',
};

/** parseutil.ParseBool on a string goes through mapstructure's weak decode, hence this wording. */
function envBool(value: string, problems: string[]): boolean | undefined {
  const parsed = parseGoBool(value);
  if (parsed.ok) return parsed.value;
  problems.push(`${ENV_PREFIX}cannot parse '' as bool: ${parsed.error}`);
  return undefined;
}

function envOverride(kind: FlagKind, value: string, problems: string[]): string | undefined {
  if (kind !== 'bool') return value;
  const parsed = envBool(value, problems);
  return parsed === undefined ? undefined : String(parsed);
}

/** Effective string value of every flag: default, then command line, then non-empty env. */
function effectiveValues(cli: ReadonlyMap<string, string>, env: Environment, problems: string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (const definition of FLAG_DEFINITIONS) {
    const fromEnv = nonEmpty(env[definition.env]);
    const fromCli = cli.get(definition.name) ?? definition.defaultValue;
    values.set(definition.name, fromEnv === undefined ? fromCli : (envOverride(definition.kind, fromEnv, problems) ?? fromCli));
  }
  return values;
}

function envNumber(value: string | undefined, parse: typeof parseGoInt64, problems: string[]): number {
  if (value === undefined || value === '') return 0;
  const parsed = parse(value);
  if (parsed.ok) return parsed.value;
  problems.push(`${ENV_PREFIX}${parsed.error}`);
  return 0;
}

function checkDuration(value: string, problems: string[]): void {
  if (value === '') return;
  const parsed = parseGoDuration(value);
  if (!parsed.ok) problems.push(`${ENV_PREFIX}${parsed.error}`);
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
    return `Error listening: listen tcp: address ${listen}: invalid listen address (want host:port)`;
  }
  return undefined;
}

function telemetryProblem(path: string): string | undefined {
  if (path === '') return undefined;
  if (!path.startsWith('/')) return `Invalid telemetry path ${JSON.stringify(path)}: must start with "/"`;
  if (path === '/mutate' || path === '/health/ready') {
    return `Invalid telemetry path ${JSON.stringify(path)}: already used by the webhook`;
  }
  return undefined;
}

/** The graceful stop deadline in milliseconds; a problem names where the bad value came from. */
function shutdownTimeoutMs(value: string, fromEnv: boolean, problems: string[]): number {
  const parsed = parseGoDuration(value);
  if (parsed.ok && parsed.value > 0) return parsed.value / 1e6;
  problems.push(`Invalid ${fromEnv ? SHUTDOWN_TIMEOUT_ENV : '-shutdown-timeout'}: ${parsed.ok ? 'must be positive' : parsed.error}`);
  return 0;
}

interface Checked {
  readonly logLevel: LogLevel;
  readonly defaultTemplate: DefaultTemplate;
  readonly nativeSidecarProbe: NativeSidecarProbe;
}

/** The startup checks vault-k8s makes after reading flags and env, in its order. */
function checkValues(values: ReadonlyMap<string, string>, problems: string[]): Checked {
  const get = (name: string): string => values.get(name) ?? '';
  checkDuration(get('auth-min-backoff'), problems);
  checkDuration(get('auth-max-backoff'), problems);
  if (get('vault-address') === '') problems.push('No Vault service configured');
  const template = get('default-template');
  if (template !== 'map' && template !== 'json') problems.push(`Invalid default flag type: ${template}`);
  const level = get('log-level').trim().toLowerCase();
  const logLevel = LOG_LEVELS[level];
  if (logLevel === undefined) problems.push(`Error setting log level: unknown log level: ${level}`);
  const minVersion = get('tls-min-version');
  if (!isTlsMinVersion(minVersion)) {
    problems.push(`Failed to configure TLS: invalid or unsupported TLS version ${JSON.stringify(minVersion)}`);
  } else {
    const cipherProblem = cipherSuitesProblem(get('tls-cipher-suites'));
    if (cipherProblem !== undefined) problems.push(`Failed to configure TLS: ${cipherProblem}`);
  }
  const listen = listenProblem(get('listen'));
  if (listen !== undefined) problems.push(listen);
  const telemetry = telemetryProblem(get('telemetry-path'));
  if (telemetry !== undefined) problems.push(telemetry);
  const reconcile = get('reconcile-missed');
  if (!isReconcileMode(reconcile)) problems.push(`Invalid reconcile-missed: ${JSON.stringify(reconcile)} (off, report, dry-run or evict)`);
  return { logLevel: logLevel ?? 'info', defaultTemplate: template === 'json' ? 'json' : 'map', nativeSidecarProbe: checkProbe(get, problems) };
}

function checkProbe(get: (name: string) => string, problems: string[]): NativeSidecarProbe {
  const kind = parseProbeKind(get('native-sidecar-probe'));
  if (kind === undefined) problems.push(`invalid -native-sidecar-probe ${JSON.stringify(get('native-sidecar-probe'))}: expected ${PROBE_KINDS.join(' or ')}`);
  const count = (name: string): number => {
    const parsed = parseProbeCount(get(name));
    if (parsed === undefined) problems.push(`invalid -${name} ${JSON.stringify(get(name))}: expected a whole number from 1 to 86400`);
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
  const problems = [...flags.problems];
  const values = effectiveValues(flags.values, env, problems);
  const maxConnections = envNumber(env[ENV_ONLY.maxConnectionsPerHost], parseGoInt64, problems);
  const leaseThreshold = envNumber(env[ENV_ONLY.leaseRenewalThreshold], parseGoFloat64, problems);
  const checked = checkValues(values, problems);
  const shutdownTimeout = shutdownTimeoutMs(values.get('shutdown-timeout') ?? '', nonEmpty(env[SHUTDOWN_TIMEOUT_ENV]) !== undefined, problems);
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
