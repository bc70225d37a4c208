// LDAP auth (https://developer.hashicorp.com/vault/docs/agent-and-proxy/autoauth/methods/ldap), as
// Vault Agent builds it (command/agentproxyshared/auth/ldap/ldap.go): POST
// auth/<mount>/login/<username> {password}. The password file is read at each login (credential-file.ts:
// content as is, empty file ignored, removed after reading unless remove_password_after_reading is
// false) and the last password read is kept, so a removed file does not stop a later re-login.
// The username is one escaped path segment: "a/../../sys/x" or "?" must not change the request path
// (Vault Agent pastes it in raw).
// Once a login has succeeded the file is also read every password_read_period (default 0.5 s, or
// 1 min with remove_password_after_reading = false), as Vault Agent's runWatcher does; a changed
// password logs in again at once only with enable_reauth_on_new_credentials (authenticator.ts).
import type { AuthMethod, LoginPlan } from './auth-method.js';
import { AuthMethodError, defaultCredentialReadPeriodMs } from './auth-method.js';
import { ingestCredentialFile } from './credential-file.js';
import { decodeBool, decodeDurationMs } from '../config/config-values.js';

function boolConfig(config: Readonly<Record<string, unknown>>, key: string, fallback: boolean): boolean {
  const value = config[key];
  if (value === undefined) return fallback;
  const decoded = decodeBool(value);
  if (!decoded.ok) throw new AuthMethodError(`ldap auth: error parsing '${key}' value: ${decoded.error}`);
  return decoded.value;
}

function requiredString(config: Readonly<Record<string, unknown>>, key: string): string {
  const value = config[key];
  if (value === undefined) throw new AuthMethodError(`ldap auth: missing '${key}' value`);
  if (typeof value !== 'string') throw new AuthMethodError(`ldap auth: could not convert '${key}' config value to string`);
  if (value === '') throw new AuthMethodError(`ldap auth: '${key}' value is empty`);
  return value;
}

export interface LdapSettings {
  readonly username: string;
  readonly passwordFilePath: string;
  readonly removePasswordAfterReading: boolean;
  readonly removePasswordFollowsSymlinks: boolean;
  readonly passwordReadPeriodMs: number;
}

export function readLdapSettings(config: Readonly<Record<string, unknown>>): LdapSettings {
  const username = requiredString(config, 'username');
  const passwordFilePath = requiredString(config, 'password_file_path');
  // "." and ".." are path steps however they are escaped (URL parsers resolve %2e too).
  if (username === '.' || username === '..') throw new AuthMethodError(`ldap auth: 'username' value ${JSON.stringify(username)} is not a user name`);
  const removePasswordAfterReading = boolConfig(config, 'remove_password_after_reading', true);
  const removePasswordFollowsSymlinks = boolConfig(config, 'remove_password_follows_symlinks', false);
  let passwordReadPeriodMs = defaultCredentialReadPeriodMs(removePasswordAfterReading);
  if (config['password_read_period'] !== undefined) {
    const decoded = decodeDurationMs(config['password_read_period']);
    if (!decoded.ok || decoded.value <= 0) {
      throw new AuthMethodError(`ldap auth: error parsing 'password_read_period' value into a positive value${decoded.ok ? '' : `: ${decoded.error}`}`);
    }
    passwordReadPeriodMs = decoded.value;
  }
  return { username, passwordFilePath, removePasswordAfterReading, removePasswordFollowsSymlinks, passwordReadPeriodMs };
}

export function createLdapMethod(mountPath: string, config: Readonly<Record<string, unknown>>): AuthMethod {
  const settings = readLdapSettings(config);
  const loginPath = `${mountPath}/login/${encodeURIComponent(settings.username)}`;
  const options = { removeAfterReading: settings.removePasswordAfterReading, removeFollowsSymlinks: settings.removePasswordFollowsSymlinks };
  let password = '';
  const ingest = async (): Promise<Awaited<ReturnType<typeof ingestCredentialFile>>> => {
    const read = await ingestCredentialFile(settings.passwordFilePath, options);
    if (read.kind === 'value') password = read.value;
    return read;
  };
  return {
    type: 'ldap',
    credentialWatch: {
      periodMs: settings.passwordReadPeriodMs,
      async poll(): Promise<boolean> {
        const before = password;
        const read = await ingest();
        if (read.kind === 'problem') throw new AuthMethodError(`ldap auth: ${settings.passwordFilePath}: ${read.reason}`);
        return password !== before;
      },
    },
    async planLogin(): Promise<LoginPlan> {
      const read = await ingest();
      if (password === '') {
        throw new AuthMethodError(`ldap auth: no password known yet (${settings.passwordFilePath}: ${read.kind === 'value' ? 'empty' : read.reason}), cannot authenticate`);
      }
      return { kind: 'login', path: loginPath, body: { password } };
    },
  };
}
