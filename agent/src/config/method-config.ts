// Per-method checks of auto_auth.method.config, reported with the rest of the config's problems.
// Keys and rules follow Vault Agent's method constructors (command/agentproxyshared/auth/<method>/);
// keys a method does not know are left alone, as Vault Agent leaves them (each method reads only
// its own keys from the map, and the injector always adds token_path).
import type { RawObject } from './config-reader.js';
import { IssueList } from './config-reader.js';
import { decodeBool, decodeInt } from './config-values.js';

const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  kubernetes: ['role'],
  approle: ['role_id_file_path'],
  jwt: ['path', 'role'],
  token_file: ['token_file_path'],
  aws: ['type', 'role'],
  gcp: ['type', 'role'],
  azure: ['role', 'resource'],
  cert: [],
};

const TYPES: Readonly<Record<string, readonly string[]>> = { aws: ['iam', 'ec2'], gcp: ['iam', 'gce'] };

function text(config: RawObject, key: string): string | undefined {
  const value = config[key];
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function checkMethodConfig(type: string, config: RawObject, path: string, issues: IssueList): void {
  for (const key of REQUIRED[type] ?? []) {
    const value = config[key];
    if (typeof value !== 'string' || value === '') issues.add(`${path}.${key}`, 'is required');
  }
  const allowedTypes = TYPES[type];
  const subtype = text(config, 'type');
  if (allowedTypes !== undefined && subtype !== undefined && !allowedTypes.includes(subtype)) {
    issues.add(`${path}.type`, `must be ${allowedTypes.map((name) => `"${name}"`).join(' or ')} for the ${type} method, got ${JSON.stringify(subtype)}`);
  }
  const pair = (first: string, second: string): void => {
    if ((text(config, first) === undefined) !== (text(config, second) === undefined)) issues.add(path, `${first} and ${second} must be given together`);
  };
  const integer = (key: string): void => {
    if (config[key] === undefined) return;
    const decoded = decodeInt(config[key]);
    if (!decoded.ok || decoded.value <= 0) issues.add(`${path}.${key}`, decoded.ok ? 'must be positive' : decoded.error);
  };
  switch (type) {
    case 'aws':
      pair('access_key', 'secret_key');
      integer('credential_poll_interval');
      break;
    case 'gcp':
      integer('jwt_exp');
      if (config.credentials !== undefined) {
        issues.add(`${path}.credentials`, 'key-file credentials are not supported by this agent (the metadata server is: GCE, GKE Workload Identity)');
      }
      break;
    case 'azure': {
      if (text(config, 'object_id') !== undefined && text(config, 'client_id') !== undefined) issues.add(path, "only one of 'object_id' or 'client_id' may be provided");
      const fromEnvironment = config.authenticate_from_environment;
      if (fromEnvironment !== undefined) {
        const decoded = decodeBool(fromEnvironment);
        if (!decoded.ok) issues.add(`${path}.authenticate_from_environment`, decoded.error);
      }
      break;
    }
    case 'cert':
      pair('client_cert', 'client_key');
      break;
  }
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
