// Cloud Foundry auth (https://developer.hashicorp.com/vault/docs/agent-and-proxy/autoauth/methods/cf),
// as Vault Agent builds it (command/agentproxyshared/auth/cf/cf.go): POST auth/<mount>/login
// {role, cf_instance_cert, signing_time, signature}. The instance identity certificate and key are
// the files CF_INSTANCE_CERT and CF_INSTANCE_KEY name, read at every login (Diego rotates them).
// The signature is vault-plugin-auth-cf's version 1 (signatures/version1.go,
// https://github.com/hashicorp/vault-plugin-auth-cf): RSA-PSS with SHA-256 and the largest salt
// (Go's rsa.SignPSS with nil options) over signing_time + the certificate file's text + role,
// sent as "v1:" + standard base64. signing_time is UTC to the second, "2006-01-02T15:04:05Z".
// The key is never logged nor quoted in an error.
import { createPrivateKey, constants, sign } from 'node:crypto';
import type { AuthMethod, LoginPlan } from './auth-method.js';
import { AuthMethodError, readCredentialText } from './auth-method.js';
import { isBoundedReadRefusal } from '../fs/read-bounded.js';

export interface CfDependencies {
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => number;
}

/** vault-plugin-auth-cf's signatures.TimeFormat: UTC, whole seconds, literal Z. */
export function cfSigningTime(nowMs: number): string {
  return `${new Date(Math.floor(nowMs / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** The text version 1 signs: signing time, certificate file contents, role — concatenated. */
export function cfStringToSign(signingTime: string, certificateText: string, role: string): string {
  return `${signingTime}${certificateText}${role}`;
}

export function cfSignature(privateKeyPem: string, signingTime: string, certificateText: string, role: string): string {
  let key;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch {
    throw new AuthMethodError('cf auth: unable to decode the RSA private key at CF_INSTANCE_KEY');
  }
  if (key.asymmetricKeyType !== 'rsa') throw new AuthMethodError(`cf auth: the key at CF_INSTANCE_KEY is ${key.asymmetricKeyType ?? 'not'} an RSA key`);
  const signature = sign('sha256', Buffer.from(cfStringToSign(signingTime, certificateText, role), 'utf8'), {
    key,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN,
  });
  return `v1:${signature.toString('base64')}`;
}

async function readNamedFile(env: NodeJS.ProcessEnv, variable: string): Promise<string> {
  const path = env[variable] ?? '';
  if (path === '') throw new AuthMethodError(`cf auth: missing "${variable}" value`);
  try {
    return await readCredentialText(path);
  } catch (error) {
    if (isBoundedReadRefusal(error)) throw new AuthMethodError(`cf auth: cannot use ${variable} file: ${error.message}`);
    const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'read error';
    throw new AuthMethodError(`cf auth: cannot read ${variable} file ${path} (${code})`);
  }
}

/** `role` was checked at start (create-auth-method.ts), as Vault Agent checks it. */
export function createCfMethod(mountPath: string, role: string, deps: CfDependencies): AuthMethod {
  return {
    type: 'cf',
    async planLogin(): Promise<LoginPlan> {
      const certificateText = await readNamedFile(deps.env, 'CF_INSTANCE_CERT');
      const keyText = await readNamedFile(deps.env, 'CF_INSTANCE_KEY');
      const signingTime = cfSigningTime(deps.now());
      const signature = cfSignature(keyText, signingTime, certificateText, role);
      return { kind: 'login', path: `${mountPath}/login`, body: { role, cf_instance_cert: certificateText, signing_time: signingTime, signature } };
    },
  };
}
