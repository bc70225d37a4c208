// API-key credentials for oci auth `type = "apikey"`, found where Vault Agent's provider looks
// (command/agentproxyshared/auth/oci/oci.go: a composing provider of, in order)
//   1. environment variables OCI_tenancy_ocid, OCI_user_ocid, OCI_fingerprint, OCI_private_key_path
//      (oci-go-sdk common.ConfigurationProviderEnvironmentVariables("OCI", ""));
//   2. the profile DEFAULT of ~/.oci/config — or of $OCI_CONFIG_FILE when ~/.oci/config does not exist;
//   3. the profile DEFAULT of ~/.oraclebmc/config;
// each value from the first source that has it. "~" is the user's home from the password database,
// as Go's user.Current() reads it. The file is the SDK's INI dialect (oci-go-sdk
// common/configuration.go parseConfigFile): a "[DEFAULT]" line opens the profile, the next "[...]"
// line ends it, "key = value" lines (keys case-insensitive, trimmed) — user, fingerprint, key_file,
// tenancy. Private keys are taken without a passphrase, as Vault Agent passes none.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { AuthMethodError } from './auth-method.js';

export const PROFILE = 'DEFAULT';

export interface ApiKeyFiles {
  readonly env: NodeJS.ProcessEnv;
  readonly homeDir: string;
  /** The file's text, or undefined when it does not exist or cannot be read. */
  readFile(path: string): Promise<string | undefined>;
}

export interface ApiKeyCredentials {
  /** "<tenancy>/<user>/<fingerprint>" */
  readonly keyId: string;
  readonly privateKey: KeyObject;
}

type FileKey = 'tenancy' | 'user' | 'fingerprint' | 'key_file';
const ENV_NAMES: Readonly<Record<FileKey, string>> = { tenancy: 'OCI_tenancy_ocid', user: 'OCI_user_ocid', fingerprint: 'OCI_fingerprint', key_file: 'OCI_private_key_path' };

/** The "key = value" pairs of `profile` (lower-case keys); undefined when the file has no such profile. */
export function parseOciConfigProfile(text: string, profile: string = PROFILE): Map<string, string> | undefined {
  const lines = text.split('\n');
  const header = /^\[(.*)\]/;
  const start = lines.findIndex((line) => header.exec(line)?.[1] === profile);
  if (start === -1) return undefined;
  const values = new Map<string, string>();
  for (const line of lines.slice(start + 1)) {
    if (header.test(line)) break;
    const equals = line.indexOf('=');
    if (equals === -1) continue;
    values.set(line.slice(0, equals).trim().toLowerCase(), line.slice(equals + 1).trim());
  }
  return values;
}

interface ProfileSource {
  readonly path: string;
  readonly values: Map<string, string> | undefined;
}

async function readProfile(files: ApiKeyFiles, path: string): Promise<ProfileSource | undefined> {
  const text = await files.readFile(path);
  return text === undefined ? undefined : { path, values: parseOciConfigProfile(text) };
}

function expandHome(path: string, homeDir: string): string {
  return path === '~' || path.startsWith('~/') ? join(homeDir, path.slice(1)) : path;
}

export async function loadApiKeyCredentials(files: ApiKeyFiles): Promise<ApiKeyCredentials> {
  const primaryPath = join(files.homeDir, '.oci', 'config');
  let primary = await readProfile(files, primaryPath);
  const fallbackPath = files.env['OCI_CONFIG_FILE'];
  if (primary === undefined && fallbackPath !== undefined && fallbackPath !== '') primary = await readProfile(files, fallbackPath);
  const secondary = await readProfile(files, join(files.homeDir, '.oraclebmc', 'config'));
  const sources = [primary, secondary].filter((source): source is ProfileSource => source !== undefined);

  const lookup = (key: FileKey): string => {
    const fromEnv = files.env[ENV_NAMES[key]];
    if (fromEnv !== undefined) return fromEnv;
    for (const source of sources) {
      const value = source.values?.get(key);
      if (value !== undefined) return value;
    }
    const where =
      sources.length === 0
        ? `no OCI config file (${primaryPath}${fallbackPath ? `, OCI_CONFIG_FILE=${fallbackPath}` : ''}, ${join(files.homeDir, '.oraclebmc', 'config')})`
        : sources.map((source) => (source.values === undefined ? `${source.path} has no [${PROFILE}] profile` : `not in [${PROFILE}] of ${source.path}`)).join('; ');
    throw new AuthMethodError(`oci auth: apikey credentials: "${key}" is missing (${where}; nor ${ENV_NAMES[key]} in the environment)`);
  };

  const keyId = `${lookup('tenancy')}/${lookup('user')}/${lookup('fingerprint')}`;
  const keyFile = expandHome(lookup('key_file'), files.homeDir);
  const pem = await files.readFile(keyFile);
  if (pem === undefined) throw new AuthMethodError(`oci auth: apikey credentials: cannot read key_file ${keyFile}`);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    // The parser's message is not passed on: it could quote the file.
    throw new AuthMethodError(`oci auth: apikey credentials: key_file ${keyFile} is not an unencrypted PEM private key`);
  }
  if (privateKey.asymmetricKeyType !== 'rsa') throw new AuthMethodError(`oci auth: apikey credentials: key_file ${keyFile} is not an RSA key (OCI signs with rsa-sha256)`);
  return { keyId, privateKey };
}
