// Seeding for the ldap and cf auth methods: each mounts its method at auth/<mount> on first use.
// ldap: addLdapUser puts a user in the double's directory (password, groups) and in Vault's
// users/<name> (policies); addLdapGroup sets groups/<name>. cf: configureCfAuth replaces the
// mount's config, addCfRole adds a role.
import type { CfAuthConfig, CfRoleOptions, LdapGroupOptions, LdapUserOptions } from './vault-double-api.js';
import type { DoubleCore } from './core.js';
import type { Mount, MountEngine } from './state/mount-table.js';
import { authPath, checkRoleSettings, mountOrCreate } from './seeding.js';

function typedMount(core: DoubleCore, type: 'ldap' | 'cf', mount: string, namespace: string | undefined): Mount {
  const create = (): MountEngine => (type === 'ldap' ? { type, ldap: { users: new Map(), groups: new Map() } } : { type, cf: { config: null, roles: new Map() } });
  const target = mountOrCreate(core, authPath(mount), create, namespace);
  if (target.engine.type !== type) throw new Error(`vault double: ${target.path} is a ${target.engine.type} mount`);
  return target;
}

export function addLdapUser(core: DoubleCore, mount: string, username: string, options: LdapUserOptions): void {
  checkRoleSettings(`ldap user ${username}`, options);
  if (options.password === '') throw new Error(`vault double: ldap user ${username} needs a password`);
  const target = typedMount(core, 'ldap', mount, options.namespace);
  if (target.engine.type === 'ldap') target.engine.ldap.users.set(username.toLowerCase(), options);
}

export function addLdapGroup(core: DoubleCore, mount: string, group: string, options: LdapGroupOptions): void {
  const target = typedMount(core, 'ldap', mount, options.namespace);
  if (target.engine.type === 'ldap') target.engine.ldap.groups.set(group.toLowerCase(), options);
}

export function configureCfAuth(core: DoubleCore, mount: string, config: CfAuthConfig): void {
  const target = typedMount(core, 'cf', mount, config.namespace);
  if (target.engine.type === 'cf') target.engine.cf.config = config;
}

export function addCfRole(core: DoubleCore, mount: string, role: string, options: CfRoleOptions): void {
  checkRoleSettings(`cf role ${role}`, options);
  const target = typedMount(core, 'cf', mount, options.namespace);
  if (target.engine.type === 'cf') target.engine.cf.roles.set(role, options);
}
