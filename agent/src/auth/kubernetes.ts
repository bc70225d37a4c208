// Kubernetes auth: POST auth/<mount>/login {role, jwt}, the service-account JWT read fresh (and
// trimmed) on every login so kubelet-rotated projected tokens are picked up.
import type { AuthMethod, LoginPlan } from './auth-method.js';
import { AuthMethodError, readCredentialFile, stringSetting } from './auth-method.js';

const DEFAULT_SERVICE_ACCOUNT_TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export function createKubernetesMethod(
  mountPath: string,
  config: Readonly<Record<string, unknown>>,
  readFile: (path: string) => Promise<string>,
): AuthMethod {
  const role = stringSetting(config, 'role') ?? '';
  const tokenPath = stringSetting(config, 'token_path') ?? DEFAULT_SERVICE_ACCOUNT_TOKEN_PATH;
  return {
    type: 'kubernetes',
    async planLogin(): Promise<LoginPlan> {
      const jwt = await readCredentialFile(readFile, tokenPath);
      if (jwt === '') throw new AuthMethodError(`kubernetes auth: no service account token at ${tokenPath}`);
      return { kind: 'login', path: `${mountPath}/login`, body: { role, jwt } };
    },
  };
}
