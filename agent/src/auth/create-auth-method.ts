import { realpath, unlink } from 'node:fs/promises';
import type { AuthMethodConfig } from '../config/agent-config.js';
import type { AuthMethod, LoginPlan, MethodVaultAccess } from './auth-method.js';
import { AuthMethodError, readCredentialText } from './auth-method.js';
import { createAppRoleMethod } from './approle.js';
import { createJwtMethod } from './jwt.js';
import { createKubernetesMethod } from './kubernetes.js';
import { createLdapMethod } from './ldap.js';
import { createTokenFileMethod } from './token-file.js';

const files = { readFile: readCredentialText, remove: (path: string) => unlink(path), resolve: (path: string) => realpath(path) };

/**
 * The cloud and certificate methods load on their first login: an agent on kubernetes auth never
 * evaluates them, nor the vendor SDKs they import (see docs/agent.md, "Auth methods").
 */
function lazyMethod(type: string, load: () => Promise<AuthMethod>): AuthMethod {
  let loaded: Promise<AuthMethod> | undefined;
  return {
    type,
    async planLogin(vault: MethodVaultAccess): Promise<LoginPlan> {
      loaded ??= load();
      return (await loaded).planLogin(vault);
    },
  };
}

export function createAuthMethod(config: AuthMethodConfig, env: NodeJS.ProcessEnv = process.env): AuthMethod {
  const { mountPath } = config;
  switch (config.type) {
    case 'kubernetes':
      return createKubernetesMethod(mountPath, config.config, files.readFile);
    case 'approle':
      return createAppRoleMethod(mountPath, config.config, files);
    case 'jwt':
      return createJwtMethod(mountPath, config.config, files);
    case 'token_file':
      return createTokenFileMethod(config.config, files.readFile);
    case 'aws':
      return lazyMethod('aws', async () => (await import('./aws.js')).createAwsMethod(mountPath, config.config, { env }));
    case 'gcp':
      return lazyMethod('gcp', async () => (await import('./gcp.js')).createGcpMethod(mountPath, config.config, { env, now: Date.now }));
    case 'azure':
      return lazyMethod('azure', async () => (await import('./azure.js')).createAzureMethod(mountPath, config.config, { env, readFile: files.readFile }));
    case 'cert':
      return lazyMethod('cert', async () => (await import('./cert.js')).createCertMethod(mountPath, config.config));
    case 'alicloud':
      return lazyMethod('alicloud', async () => (await import('./alicloud.js')).createAliCloudMethod(mountPath, config.config, { env }));
    case 'oci':
      return lazyMethod('oci', async () => (await import('./oci.js')).createOciMethod(mountPath, config.config, { env, now: Date.now }));
    default:
      return createFileOrSignedMethod(config, env);
  }
}

/** The methods that read a password file or sign with an instance key (kept apart: one switch would grow too branchy). */
function createFileOrSignedMethod(config: AuthMethodConfig, env: NodeJS.ProcessEnv): AuthMethod {
  const { mountPath } = config;
  switch (config.type) {
    case 'ldap':
      return createLdapMethod(mountPath, config.config);
    case 'cf':
    case 'pcf': { // Vault Agent's deprecated name for cf
      // `role` is checked at start, as Vault Agent checks it; the signing code loads at the first login.
      const role = config.config['role'];
      if (typeof role !== 'string') throw new AuthMethodError(role === undefined ? "cf auth: missing 'role' value" : "cf auth: could not convert 'role' config value to string");
      return lazyMethod('cf', async () => (await import('./cf.js')).createCfMethod(mountPath, role, { env, now: Date.now }));
    }
    default:
      throw new AuthMethodError(`auth method "${config.type}" is not implemented by this agent (implemented: kubernetes, approle, jwt, token_file, aws, gcp, azure, cert, alicloud, oci, ldap, cf)`);
  }
}
