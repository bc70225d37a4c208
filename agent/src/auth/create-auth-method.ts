import { readFile, unlink } from 'node:fs/promises';
import type { AuthMethodConfig } from '../config/agent-config.js';
import type { AuthMethod } from './auth-method.js';
import { AuthMethodError } from './auth-method.js';
import { createAppRoleMethod } from './approle.js';
import { createJwtMethod } from './jwt.js';
import { createKubernetesMethod } from './kubernetes.js';
import { createTokenFileMethod } from './token-file.js';

const files = { readFile: (path: string) => readFile(path, 'utf8'), remove: (path: string) => unlink(path) };

export function createAuthMethod(config: AuthMethodConfig): AuthMethod {
  switch (config.type) {
    case 'kubernetes':
      return createKubernetesMethod(config.mountPath, config.config, files.readFile);
    case 'approle':
      return createAppRoleMethod(config.mountPath, config.config, files);
    case 'jwt':
      return createJwtMethod(config.mountPath, config.config, files);
    case 'token_file':
      return createTokenFileMethod(config.config, files.readFile);
    default:
      throw new AuthMethodError(`auth method "${config.type}" is not implemented by this agent (implemented: kubernetes, approle, jwt, token_file)`);
  }
}
