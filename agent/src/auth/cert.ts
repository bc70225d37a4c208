// TLS certificate auth (https://developer.hashicorp.com/vault/docs/agent-and-proxy/autoauth/methods/cert):
// POST auth/<mount>/login {name?} over a TLS connection that presents a client certificate. With
// `client_cert` and `client_key` (and optionally `ca_cert`) in the method config the login uses its
// own connection with those files, read at each login (so `reload` is always in effect); without
// them the vault stanza's (or VAULT_CLIENT_CERT/VAULT_CLIENT_KEY) certificate is the one presented,
// as Vault Agent does (command/agentproxyshared/auth/cert/cert.go).
import type { AuthMethod, LoginPlan } from './auth-method.js';
import { AuthMethodError, stringSetting } from './auth-method.js';

export function createCertMethod(mountPath: string, config: Readonly<Record<string, unknown>>): AuthMethod {
  const name = stringSetting(config, 'name');
  const certFile = stringSetting(config, 'client_cert');
  const keyFile = stringSetting(config, 'client_key');
  const caCertFile = stringSetting(config, 'ca_cert');
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new AuthMethodError('cert auth: client_cert and client_key must be given together');
  }
  const ownTls = certFile !== undefined || caCertFile !== undefined;
  return {
    type: 'cert',
    planLogin(): Promise<LoginPlan> {
      return Promise.resolve({
        kind: 'login',
        path: `${mountPath}/login`,
        body: name === undefined ? {} : { name },
        ...(ownTls ? { tls: { certFile, keyFile, caCertFile } } : {}),
      });
    },
  };
}
