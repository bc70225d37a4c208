// JWT auth: POST auth/<mount>/login {role, jwt}. The file is read at each login; with
// remove_jwt_after_reading (default true) it is deleted after a successful read and the last
// value is reused until a new file appears.
import type { AuthMethod, LoginPlan } from './auth-method.js';
import { AuthMethodError, boolSetting, readCredentialFile, stringSetting } from './auth-method.js';

export interface CredentialFiles {
  readonly readFile: (path: string) => Promise<string>;
  readonly remove: (path: string) => Promise<void>;
}

export function createJwtMethod(mountPath: string, config: Readonly<Record<string, unknown>>, files: CredentialFiles): AuthMethod {
  const role = stringSetting(config, 'role') ?? '';
  const path = stringSetting(config, 'path') ?? '';
  const removeAfterReading = boolSetting(config, 'remove_jwt_after_reading', true);
  let lastJwt = '';
  return {
    type: 'jwt',
    async planLogin(): Promise<LoginPlan> {
      const jwt = await readCredentialFile(files.readFile, path);
      if (jwt !== '') {
        lastJwt = jwt;
        if (removeAfterReading) await files.remove(path).catch(() => undefined);
      }
      if (lastJwt === '') throw new AuthMethodError(`jwt auth: no token at ${path}`);
      return { kind: 'login', path: `${mountPath}/login`, body: { role, jwt: lastJwt } };
    },
  };
}
