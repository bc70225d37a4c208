// JWT auth: POST auth/<mount>/login {role, jwt}. The file is read at each login and, once a login
// has succeeded, every jwt_read_period (default 0.5 s, or 1 min with remove_jwt_after_reading =
// false); a changed JWT logs in again at once only with enable_reauth_on_new_credentials
// (authenticator.ts). With remove_jwt_after_reading (default true) the file
// is deleted after a successful read and the last value is reused until a new file appears. A
// symlink is removed itself, or its target with remove_jwt_follows_symlinks, as Vault Agent's
// ingressToken does (https://github.com/hashicorp/vault/blob/main/command/agentproxyshared/auth/jwt/jwt.go).
import type { AuthMethod, LoginPlan } from './auth-method.js';
import { AuthMethodError, boolSetting, defaultCredentialReadPeriodMs, readCredentialFile, stringSetting } from './auth-method.js';
import { decodeDurationMs } from '../config/config-values.js';

export interface CredentialFiles {
  readonly readFile: (path: string) => Promise<string>;
  readonly remove: (path: string) => Promise<void>;
  /** The path with every symlink resolved (for removing a symlink's target). */
  readonly resolve?: (path: string) => Promise<string>;
}

export function createJwtMethod(mountPath: string, config: Readonly<Record<string, unknown>>, files: CredentialFiles): AuthMethod {
  const role = stringSetting(config, 'role') ?? '';
  const path = stringSetting(config, 'path') ?? '';
  const removeAfterReading = boolSetting(config, 'remove_jwt_after_reading', true);
  const removeFollowsSymlinks = boolSetting(config, 'remove_jwt_follows_symlinks', false);
  const removeRead = async (): Promise<void> => {
    const target = removeFollowsSymlinks && files.resolve !== undefined ? await files.resolve(path) : path;
    await files.remove(target);
  };
  let lastJwt = '';
  const ingest = async (): Promise<void> => {
    const jwt = await readCredentialFile(files.readFile, path);
    if (jwt === '') return;
    lastJwt = jwt;
    if (removeAfterReading) await removeRead().catch(() => undefined);
  };
  return {
    type: 'jwt',
    async planLogin(): Promise<LoginPlan> {
      await ingest();
      if (lastJwt === '') throw new AuthMethodError(`jwt auth: no token at ${path}`);
      return { kind: 'login', path: `${mountPath}/login`, body: { role, jwt: lastJwt } };
    },
    credentialWatch: {
      periodMs: jwtReadPeriodMs(config, removeAfterReading),
      async poll(): Promise<boolean> {
        const before = lastJwt;
        await ingest();
        return lastJwt !== before;
      },
    },
  };
}

/** jwt_read_period (parseutil.ParseDurationSecond: a number is seconds), checked when the config loaded (method-config.ts). */
function jwtReadPeriodMs(config: Readonly<Record<string, unknown>>, removeAfterReading: boolean): number {
  const decoded = config['jwt_read_period'] === undefined ? undefined : decodeDurationMs(config['jwt_read_period']);
  return decoded?.ok === true && decoded.value > 0 ? decoded.value : defaultCredentialReadPeriodMs(removeAfterReading);
}
