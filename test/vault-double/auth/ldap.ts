// auth/<mount>/login/<username> for the ldap method: {password}. The double stands in for both
// Vault's ldap backend (builtin/credential/ldap) and the directory it binds against: each user has a
// password (the bind), directory groups, and Vault-side policies; a login's policies are the user's
// own (users/<name>) plus those of its groups (groups/<name>), as Vault's ldap backend merges them.
// Usernames are matched case-insensitively, as with Vault's default case_sensitive_names=false.
// The username is everything after login/ (Vault's pattern login/(?P<username>.+)), decoded.
import { timingSafeEqual } from 'node:crypto';
import type { LdapGroupOptions, LdapUserOptions } from '../vault-double-api.js';
import { singleRoute, type DoubleCore, type HandlerRequest, type Route } from '../core.js';
import { replies, type Outcome } from '../reply.js';
import type { Mount } from '../state/mount-table.js';
import { loginResponse } from './login.js';

export interface LdapState {
  /** By lower-cased username. */
  readonly users: Map<string, LdapUserOptions>;
  /** By lower-cased group name. */
  readonly groups: Map<string, LdapGroupOptions>;
}

function samePassword(expected: string, presented: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(presented, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function login(core: DoubleCore, request: HandlerRequest): Outcome {
  const mount = request.mount;
  if (mount?.engine.type !== 'ldap') throw new Error('ldap login on another mount');
  const username = request.subPath.slice('login/'.length);
  const password = request.body['password'];
  if (typeof password !== 'string' || password === '') return replies.badRequest('password cannot be of zero length when passwordless binds are being denied');
  const state = mount.engine.ldap;
  const user = state.users.get(username.toLowerCase());
  // Vault answers an unknown user and a wrong password alike: the bind failed.
  if (user === undefined || !samePassword(user.password, password)) return replies.badRequest('ldap operation failed: failed to bind as user');
  const groups = (user.groups ?? []).map((group) => group.toLowerCase());
  const policies = [...(user.policies ?? []), ...groups.flatMap((group) => state.groups.get(group)?.policies ?? [])];
  return loginResponse(
    core,
    { mount, settings: { ...user, policies }, metadata: { username }, displayName: `${mount.path.split('/')[1] ?? 'ldap'}-${username}` },
    request.nowMs,
  );
}

export function routeLdap(_mount: Mount, subPath: string): Route | undefined {
  return subPath.startsWith('login/') && subPath.length > 'login/'.length ? singleRoute('ldap.login', ['update'], login, { unauthenticated: true }) : undefined;
}
