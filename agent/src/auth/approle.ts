// AppRole auth: POST auth/<mount>/login {role_id, secret_id?}. Files are re-read at each login and
// the last good values reused when a file is gone; the secret-id file is removed after reading
// unless remove_secret_id_file_after_reading is false. A secret-id file may hold a response-wrapping
// token: its creation path is checked against secret_id_response_wrapping_path, then it is unwrapped.
import type { AuthMethod, LoginPlan, MethodVaultAccess } from './auth-method.js';
import { AuthMethodError, boolSetting, readCredentialFile, stringSetting } from './auth-method.js';
import type { CredentialFiles } from './jwt.js';
import { trimEnds } from '../../../common/src/trim.js';

export function createAppRoleMethod(mountPath: string, config: Readonly<Record<string, unknown>>, files: CredentialFiles): AuthMethod {
  const roleIdPath = stringSetting(config, 'role_id_file_path') ?? '';
  const secretIdPath = stringSetting(config, 'secret_id_file_path');
  const removeSecretId = boolSetting(config, 'remove_secret_id_file_after_reading', true);
  const configuredWrappingPath = stringSetting(config, 'secret_id_response_wrapping_path');
  const wrappingPath = configuredWrappingPath === undefined ? undefined : trimEnds(configuredWrappingPath, '/');
  let roleId = '';
  let secretId = '';

  async function unwrap(vault: MethodVaultAccess, wrappingToken: string): Promise<string> {
    const lookup = await vault.request({ method: 'PUT', path: 'sys/wrapping/lookup', body: { token: wrappingToken }, retries: 0 });
    const reported = (lookup.body as { data?: { creation_path?: unknown } } | undefined)?.data?.creation_path;
    const creationPath = typeof reported === 'string' ? reported : '';
    if (trimEnds(creationPath, '/') !== wrappingPath) {
      throw new AuthMethodError(`approle auth: wrapped secret ID was created at ${JSON.stringify(creationPath)}, expected ${JSON.stringify(wrappingPath)}`);
    }
    const unwrapped = await vault.request({ method: 'PUT', path: 'sys/wrapping/unwrap', token: wrappingToken, retries: 0 });
    const value = (unwrapped.body as { data?: { secret_id?: unknown } } | undefined)?.data?.secret_id;
    if (typeof value !== 'string' || value === '') throw new AuthMethodError('approle auth: unwrapped response holds no secret_id');
    return value;
  }

  return {
    type: 'approle',
    async planLogin(vault: MethodVaultAccess): Promise<LoginPlan> {
      const freshRoleId = await readCredentialFile(files.readFile, roleIdPath);
      if (freshRoleId !== '') roleId = freshRoleId;
      if (roleId === '') throw new AuthMethodError(`approle auth: no role ID at ${roleIdPath}`);
      if (secretIdPath === undefined) return { kind: 'login', path: `${mountPath}/login`, body: { role_id: roleId } };
      const fresh = await readCredentialFile(files.readFile, secretIdPath);
      if (fresh !== '') {
        secretId = wrappingPath === undefined ? fresh : await unwrap(vault, fresh);
        // Deletion fails on read-only mounts; that is only worth ignoring.
        if (removeSecretId) await files.remove(secretIdPath).catch(() => undefined);
      }
      if (secretId === '') throw new AuthMethodError(`approle auth: no secret ID at ${secretIdPath}`);
      return { kind: 'login', path: `${mountPath}/login`, body: { role_id: roleId, secret_id: secretId } };
    },
  };
}
