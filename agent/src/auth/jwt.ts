// JWT auth: POST auth/<mount>/login {role, jwt}. The file is read at each login; with
// remove_jwt_after_reading (default true) it is deleted after a successful read and the last
// value is reused until a new file appears. A symlink is removed itself, or its target with
// remove_jwt_follows_symlinks, as Vault Agent's ingressToken does
// (https://github.com/hashicorp/vault/blob/main/command/agentproxyshared/auth/jwt/jwt.go).
import type { AuthMethod, LoginPlan } from './auth-method.js';
import { AuthMethodError, boolSetting, readCredentialFile, stringSetting } from './auth-method.js';

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
  return {
    type: 'jwt',
    async planLogin(): Promise<LoginPlan> {
      const jwt = await readCredentialFile(files.readFile, path);
      if (jwt !== '') {
        lastJwt = jwt;
        if (removeAfterReading) await removeRead().catch(() => undefined);
      }
      if (lastJwt === '') throw new AuthMethodError(`jwt auth: no token at ${path}`);
      return { kind: 'login', path: `${mountPath}/login`, body: { role, jwt: lastJwt } };
    },
  };
}
