// Per-method checks of auto_auth.method.config, reported with the rest of the config's problems.
// Keys and rules follow Vault Agent's method constructors (command/agentproxyshared/auth/<method>/);
// keys a method does not know are left alone, as Vault Agent leaves them (each method reads only
// its own keys from the map, and the injector always adds token_path).
import type { RawObject } from './config-reader.js';
import { IssueList } from './config-reader.js';
import { decodeBool, decodeDurationMs, decodeInt } from './config-values.js';

// Maps keyed by the config's method type: a type named `constructor` has no rules here.
const REQUIRED: ReadonlyMap<string, readonly string[]> = new Map([
  ['kubernetes', ['role']],
  ['approle', ['role_id_file_path']],
  ['jwt', ['path', 'role']],
  ['token_file', ['token_file_path']],
  ['aws', ['type', 'role']],
  ['gcp', ['type', 'role']],
  ['azure', ['role', 'resource']],
  ['cert', []],
  ['alicloud', ['role', 'region']],
  ['oci', ['type', 'role']],
]);

const TYPES: ReadonlyMap<string, readonly string[]> = new Map([['aws', ['iam', 'ec2']], ['gcp', ['iam', 'gce']], ['oci', ['apikey', 'instance']]]);

function text(config: RawObject, key: string): string | undefined {
  const value = config[key];
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** A method's `config` block, where it sits, and where its problems go. */
interface MethodConfigAt {
  readonly config: RawObject;
  readonly path: string;
  readonly issues: IssueList;
}

function checkPair({ config, path, issues }: MethodConfigAt, first: string, second: string): void {
  if ((text(config, first) === undefined) !== (text(config, second) === undefined)) issues.add(path, `${first} and ${second} must be given together`);
}

function checkPositiveInteger({ config, path, issues }: MethodConfigAt, key: string): void {
  if (config[key] === undefined) return;
  const decoded = decodeInt(config[key]);
  if (!decoded.ok || decoded.value <= 0) issues.add(`${path}.${key}`, decoded.ok ? 'must be positive' : decoded.error);
}

function checkPositiveDuration({ config, path, issues }: MethodConfigAt, key: string): void {
  if (config[key] === undefined) return;
  const decoded = decodeDurationMs(config[key]);
  if (!decoded.ok || decoded.value <= 0) issues.add(`${path}.${key}`, decoded.ok ? 'must be a positive duration' : decoded.error);
}

function checkGcp(at: MethodConfigAt): void {
  checkPositiveInteger(at, 'jwt_exp');
  if (at.config.credentials !== undefined) {
    at.issues.add(`${at.path}.credentials`, 'key-file credentials are not supported by this agent (the metadata server is: GCE, GKE Workload Identity)');
  }
}

function checkAzure({ config, path, issues }: MethodConfigAt): void {
  if (text(config, 'object_id') !== undefined && text(config, 'client_id') !== undefined) issues.add(path, "only one of 'object_id' or 'client_id' may be provided");
  const fromEnvironment = config.authenticate_from_environment;
  if (fromEnvironment === undefined) return;
  const decoded = decodeBool(fromEnvironment);
  if (!decoded.ok) issues.add(`${path}.authenticate_from_environment`, decoded.error);
}

/** Checks beyond required keys and the subtype, per method type. */
const TYPE_CHECKS: ReadonlyMap<string, (at: MethodConfigAt) => void> = new Map([
  [
    'aws',
    (at: MethodConfigAt) => {
      checkPair(at, 'access_key', 'secret_key');
      checkPositiveInteger(at, 'credential_poll_interval');
    },
  ],
  ['gcp', checkGcp],
  // Vault Agent's ticker panics on a zero or negative jwt_read_period; refused here instead.
  ['jwt', (at: MethodConfigAt) => { checkPositiveDuration(at, 'jwt_read_period'); }],
  ['azure', checkAzure],
  ['cert', (at: MethodConfigAt) => { checkPair(at, 'client_cert', 'client_key'); }],
  ['alicloud', (at: MethodConfigAt) => { checkPositiveInteger(at, 'credential_poll_interval'); }],
  // oci reads credential_poll_interval with parseutil.ParseDurationSecond (auth/oci/oci.go).
  ['oci', ({ config, path, issues }: MethodConfigAt) => {
    const decoded = config.credential_poll_interval === undefined ? undefined : decodeDurationMs(config.credential_poll_interval);
    if (decoded?.ok === false) issues.add(`${path}.credential_poll_interval`, decoded.error);
  }],
]);

export function checkMethodConfig(type: string, config: RawObject, path: string, issues: IssueList): void {
  for (const key of REQUIRED.get(type) ?? []) {
    const value = config[key];
    if (typeof value !== 'string' || value === '') issues.add(`${path}.${key}`, 'is required');
  }
  const allowedTypes = TYPES.get(type);
  const subtype = text(config, 'type');
  if (allowedTypes !== undefined && subtype !== undefined && !allowedTypes.includes(subtype)) {
    issues.add(`${path}.type`, `must be ${allowedTypes.map((name) => `"${name}"`).join(' or ')} for the ${type} method, got ${JSON.stringify(subtype)}`);
  }
  TYPE_CHECKS.get(type)?.({ config, path, issues });
}

/**
 * Every problem of a method's `config`, checked when the agent starts (as Vault Agent's method
 * constructors do), not when the file loads: a config the webhook renders for a pod that will
 * fail later still loads, and the agent then exits 1 naming each problem.
 */
export function methodConfigProblems(type: string, config: RawObject): readonly string[] {
  const issues = new IssueList();
  checkMethodConfig(type, config, 'auto_auth.method.config', issues);
  return issues.problems;
}
