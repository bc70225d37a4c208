// token_file auth: no login at all; the token in the file is looked up (auth/token/lookup-self).
import type { AuthMethod, LoginPlan } from './auth-method.js';
import { AuthMethodError, readCredentialFile, stringSetting } from './auth-method.js';

export function createTokenFileMethod(config: Readonly<Record<string, unknown>>, readFile: (path: string) => Promise<string>): AuthMethod {
  const path = stringSetting(config, 'token_file_path') ?? '';
  return {
    type: 'token_file',
    async planLogin(): Promise<LoginPlan> {
      const token = await readCredentialFile(readFile, path);
      if (token === '') throw new AuthMethodError(`token_file auth: no token at ${path}`);
      return { kind: 'lookup-self', token };
    },
  };
}
