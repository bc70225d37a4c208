// Seeding for the cloud and certificate auth methods (aws, gcp, azure, cert, alicloud, oci): each mounts its method
// at auth/<mount> on first use; configure* replaces the mount's config, add*Role adds a role.
import type { AliCloudAuthConfig, AliCloudRoleOptions, AwsAuthConfig, AwsRoleOptions, AzureAuthConfig, AzureRoleOptions, CertRoleOptions, GcpAuthConfig, GcpRoleOptions, OciAuthConfig, OciRoleOptions } from './vault-double-api.js';
import type { DoubleCore } from './core.js';
import type { Mount, MountEngine } from './state/mount-table.js';
import { authPath, checkRoleSettings, mountOrCreate } from './seeding.js';

type CloudType = 'aws' | 'gcp' | 'azure' | 'cert' | 'alicloud' | 'oci';

function newEngine(type: CloudType): MountEngine {
  switch (type) {
    case 'aws':
      return { type, aws: { config: {}, roles: new Map() } };
    case 'gcp':
      return { type, gcp: { config: { publicKeys: {} }, roles: new Map() } };
    case 'azure':
      return { type, azure: { config: { tenantId: '', resource: '', publicKeys: {} }, roles: new Map() } };
    case 'cert':
      return { type, cert: { roles: new Map() } };
    case 'alicloud':
      return { type, alicloud: { config: {}, roles: new Map() } };
    case 'oci':
      return { type, oci: { config: { homeTenancyId: '' }, roles: new Map() } };
  }
}

function cloudMount(core: DoubleCore, type: CloudType, mount: string, namespace: string | undefined): Mount {
  const target = mountOrCreate(core, authPath(mount), () => newEngine(type), namespace);
  if (target.engine.type !== type) throw new Error(`vault double: ${target.path} is a ${target.engine.type} mount`);
  return target;
}

export function configureAwsAuth(core: DoubleCore, mount: string, config: AwsAuthConfig): void {
  const target = cloudMount(core, 'aws', mount, config.namespace);
  if (target.engine.type === 'aws') target.engine.aws.config = config;
}

export function addAwsRole(core: DoubleCore, mount: string, role: string, options: AwsRoleOptions): void {
  checkRoleSettings(`aws role ${role}`, options);
  const target = cloudMount(core, 'aws', mount, options.namespace);
  if (target.engine.type === 'aws') target.engine.aws.roles.set(role, options);
}

export function configureGcpAuth(core: DoubleCore, mount: string, config: GcpAuthConfig): void {
  const target = cloudMount(core, 'gcp', mount, config.namespace);
  if (target.engine.type === 'gcp') target.engine.gcp.config = config;
}

export function addGcpRole(core: DoubleCore, mount: string, role: string, options: GcpRoleOptions): void {
  checkRoleSettings(`gcp role ${role}`, options);
  const target = cloudMount(core, 'gcp', mount, options.namespace);
  if (target.engine.type === 'gcp') target.engine.gcp.roles.set(role, options);
}

export function configureAzureAuth(core: DoubleCore, mount: string, config: AzureAuthConfig): void {
  const target = cloudMount(core, 'azure', mount, config.namespace);
  if (target.engine.type === 'azure') target.engine.azure.config = config;
}

export function addAzureRole(core: DoubleCore, mount: string, role: string, options: AzureRoleOptions): void {
  checkRoleSettings(`azure role ${role}`, options);
  const target = cloudMount(core, 'azure', mount, options.namespace);
  if (target.engine.type === 'azure') target.engine.azure.roles.set(role, options);
}

export function addCertRole(core: DoubleCore, mount: string, role: string, options: CertRoleOptions): void {
  checkRoleSettings(`cert role ${role}`, options);
  const target = cloudMount(core, 'cert', mount, options.namespace);
  if (target.engine.type === 'cert') target.engine.cert.roles.set(role, options);
}

export function configureAliCloudAuth(core: DoubleCore, mount: string, config: AliCloudAuthConfig): void {
  const target = cloudMount(core, 'alicloud', mount, config.namespace);
  if (target.engine.type === 'alicloud') target.engine.alicloud.config = config;
}

export function addAliCloudRole(core: DoubleCore, mount: string, role: string, options: AliCloudRoleOptions): void {
  checkRoleSettings(`alicloud role ${role}`, options);
  const target = cloudMount(core, 'alicloud', mount, options.namespace);
  if (target.engine.type === 'alicloud') target.engine.alicloud.roles.set(role, options);
}

export function configureOciAuth(core: DoubleCore, mount: string, config: OciAuthConfig): void {
  const target = cloudMount(core, 'oci', mount, config.namespace);
  if (target.engine.type === 'oci') target.engine.oci.config = config;
}

export function addOciRole(core: DoubleCore, mount: string, role: string, options: OciRoleOptions): void {
  checkRoleSettings(`oci role ${role}`, options);
  const target = cloudMount(core, 'oci', mount, options.namespace);
  if (target.engine.type === 'oci') target.engine.oci.roles.set(role, options);
}
