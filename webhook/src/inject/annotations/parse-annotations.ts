// The one place annotations become an InjectionSpec: every vault.hashicorp.com/* value is parsed
// here with vault-k8s's rules and defaults (Settings supply the injector-level ones), and every
// problem is collected rather than stopping at the first.
import { parseGoDuration } from '../../../../common/src/go-duration.js';
import { parseGoBool } from '../../../../common/src/go-strconv.js';
import type { Settings } from '../../settings/settings.js';
import { DEFAULT_VAULT_IMAGE } from '../../settings/flag-definitions.js';
import { IssueList, type InjectionIssue } from '../issues.js';
import type { K8sPod } from '../pod.js';
import { canonicalQuantity } from '../quantity.js';
import { findServiceAccountToken } from '../service-account.js';
import type { AgentSecurityContext, AutoAuthSpec, InjectionSpec, QuantitySet, ServiceAccountTokenMount } from '../spec.js';
import { AnnotationReader } from './annotation-reader.js';
import { decodeJsonPatchAnnotation } from './json-patch-annotation.js';
import { secretPathIssues } from './secret-paths.js';
import { ANNOTATION_FAMILIES, POD_ANNOTATIONS as A, annotationKey } from './keys.js';
import { customVolumePaths, parseSecrets, type DefaultTemplateKind } from './secret-families.js';
import { parseTelemetry } from './telemetry.js';
import { awsIrsa, copiedVolumeMounts } from './pod-derived.js';
import { PROBE_KINDS, parseProbeCount, parseProbeKind, type NativeSidecarProbe } from '../native-sidecar-probe.js';

export const DEFAULT_SECRET_VOLUME_PATH = '/vault/secrets';
const DEFAULT_RUN_AS_USER = '100';
const DEFAULT_RUN_AS_GROUP = '1000';
const DEFAULT_REVOKE_GRACE = '5';
const DEFAULT_CACHE_LISTENER_PORT = '8200';
const SYSTEM_AUTH_TYPE = 'kubernetes';

/** The spec (problem values replaced by their defaults) and every problem found; usable only when `issues` is empty. */
export interface ParseResult {
  readonly spec: InjectionSpec;
  readonly issues: readonly InjectionIssue[];
}

interface ParseContext {
  readonly pod: K8sPod;
  readonly reader: AnnotationReader;
  readonly settings: Settings;
  readonly issues: IssueList;
  readonly requestNamespace: string;
}

function checkInjectorDefaults(context: ParseContext): void {
  const { settings, issues, requestNamespace } = context;
  if (settings.vaultAddress === '') issues.add({ stage: 'defaults', message: 'address for Vault required' });
  if (settings.vaultAuthPath === '') issues.add({ stage: 'defaults', message: 'Vault Auth Path required' });
  if (requestNamespace === '') issues.add({ stage: 'defaults', message: 'kubernetes namespace required' });
}

function backoff(context: ParseContext, name: string, flagValue: string, label: 'min' | 'max'): string {
  const value = context.reader.string(name, flagValue);
  if (value !== '') {
    const parsed = parseGoDuration(value);
    if (!parsed.ok) {
      const message = `error parsing ${label} backoff as duration: ${parsed.error}`;
      context.issues.add({ stage: 'defaults', message, annotation: name, value });
    }
  }
  return value;
}

function jsonPatch(context: ParseContext, name: string): InjectionSpec['sidecarJsonPatch'] {
  const value = context.reader.raw(name);
  if (value === undefined) return [];
  const decoded = decodeJsonPatchAnnotation(annotationKey(name), value);
  if (decoded.ok) return decoded.operations;
  context.issues.add({ stage: 'defaults', message: decoded.error, annotation: name, value });
  return [];
}

function serviceAccount(context: ParseContext): ServiceAccountTokenMount {
  const volumeName = context.reader.string(A.serviceAccountTokenVolumeName, '');
  const found = findServiceAccountToken(context.pod, volumeName);
  if (found.ok) return found.mount;
  const issue: InjectionIssue =
    volumeName === ''
      ? { stage: 'parse', message: found.error }
      : { stage: 'parse', message: found.error, annotation: A.serviceAccountTokenVolumeName, value: volumeName };
  context.issues.add(issue);
  return { volumeName: '', mountPath: '', tokenPath: '' };
}

function runAsSameUser(context: ParseContext): number | undefined {
  const { pod, issues } = context;
  const fail = (message: string): void => {
    issues.add({ stage: 'parse', message, annotation: A.runAsSameUser, value: context.reader.raw(A.runAsSameUser) ?? 'true' });
  };
  const first = pod.spec?.containers?.[0];
  // Raw JSON: a securityContext or runAsUser may be null, which Go decodes as nil.
  const securityContext = first?.securityContext as { readonly runAsUser?: number | null } | null | undefined;
  const user = securityContext?.runAsUser;
  if (first === undefined) fail('No containers found in Pod Spec');
  else if (securityContext === undefined || securityContext === null) fail('No SecurityContext found for Container 0');
  else if (user === undefined || user === null) fail("RunAsUser is nil for Container 0's SecurityContext");
  else if (user === 0) fail('container not allowed to run as root');
  else return user;
  return undefined;
}

function securityContext(context: ParseContext): AgentSecurityContext | undefined {
  const { reader, settings } = context;
  const runAsUser = reader.int64(A.runAsUser, settings.runAsUser || DEFAULT_RUN_AS_USER);
  const runAsGroup = reader.int64(A.runAsGroup, settings.runAsGroup || DEFAULT_RUN_AS_GROUP);
  const sameUser = reader.bool(A.runAsSameUser, settings.runAsSameUser);
  const sameUserId = sameUser ? runAsSameUser(context) : undefined;
  // vault-k8s's flip: with the flag off and no explicit annotation, asking for a user/group turns it on.
  const asksForUser = reader.has(A.runAsUser) || reader.has(A.runAsGroup) || reader.has(A.runAsSameUser);
  const fallback = settings.setSecurityContext || asksForUser;
  const enabled = reader.bool(A.setSecurityContext, fallback);
  if (!enabled) return undefined;
  return { runAsUser: sameUserId ?? runAsUser, runAsGroup };
}

function quantities(context: ParseContext, entries: readonly (readonly [keyof QuantitySet, string, string])[]): QuantitySet {
  const set: Partial<Record<keyof QuantitySet, string>> = {};
  for (const [resource, name, flagValue] of entries) {
    const value = context.reader.string(name, flagValue);
    if (value === '') continue;
    const parsed = canonicalQuantity(value);
    if (parsed.ok) set[resource] = parsed.canonical;
    else context.issues.add({ stage: 'patch', message: parsed.error, annotation: name, value });
  }
  return set;
}

function resources(context: ParseContext): InjectionSpec['resources'] {
  const r = context.settings.resources;
  return {
    limits: quantities(context, [
      ['cpu', A.limitsCpu, r.cpuLimit],
      ['memory', A.limitsMem, r.memoryLimit],
      ['ephemeral-storage', A.limitsEphemeral, r.ephemeralLimit],
    ]),
    requests: quantities(context, [
      ['cpu', A.requestsCpu, r.cpuRequest],
      ['memory', A.requestsMem, r.memoryRequest],
      ['ephemeral-storage', A.requestsEphemeral, r.ephemeralRequest],
    ]),
  };
}

function defaultTemplateKind(context: ParseContext): DefaultTemplateKind {
  const value = context.reader.string(A.defaultTemplate, context.settings.defaultTemplate);
  const lower = value.toLowerCase();
  if (lower === 'map' || lower === 'json') return lower;
  context.issues.add({ stage: 'parse', message: `invalid default template type: ${lower}`, annotation: A.defaultTemplate, value });
  return 'map';
}

function autoAuth(context: ParseContext, tokenPath: string, minBackoff: string, maxBackoff: string): AutoAuthSpec {
  const { reader, settings } = context;
  const config: Record<string, string> = { token_path: tokenPath };
  for (const { suffix, value } of reader.family(ANNOTATION_FAMILIES.authConfig)) {
    if (suffix !== '') config[suffix.replaceAll('-', '_')] = value;
  }
  const role = reader.string(A.role, '');
  if (role !== '') config['role'] = role;
  return {
    type: reader.string(A.authType, settings.vaultAuthType || SYSTEM_AUTH_TYPE),
    mountPath: reader.string(A.authPath, settings.vaultAuthPath),
    namespace: reader.string(A.namespace, settings.vaultNamespace),
    minBackoff,
    maxBackoff,
    exitOnErr: reader.bool(A.autoAuthExitOnErr, false),
    config,
  };
}

function commaList(value: string): string[] | undefined {
  return value === '' ? undefined : value.split(',');
}

function validate(context: ParseContext, spec: InjectionSpec, serviceAccountFound: boolean): void {
  const { issues, reader } = context;
  const fail = (message: string, annotation?: string): void => {
    const value = annotation === undefined ? undefined : reader.raw(annotation);
    issues.add(annotation === undefined || value === undefined ? { stage: 'validate', message } : { stage: 'validate', message, annotation, value });
  };
  if (reader.string(A.requestNamespace, context.requestNamespace) === '') fail('namespace missing from request', A.requestNamespace);
  const sa = spec.serviceAccount;
  if (serviceAccountFound && (sa.volumeName === '' || sa.mountPath === '' || sa.tokenPath === '')) {
    fail('no service account token volume name, mount path or token path found');
  }
  if (spec.image === '') fail('no Vault image found', A.image);
  if (spec.configMap !== '') return;
  if (spec.autoAuth.type === '') fail('no Vault Auth Type found', A.authType);
  if (spec.autoAuth.type === SYSTEM_AUTH_TYPE && spec.autoAuth.config['role'] === undefined) fail('no Vault role found', A.role);
  if (spec.autoAuth.mountPath === '') fail('no Vault Auth Path found', A.authPath);
  if (spec.vault.address === '') fail('no Vault address found', A.service);
}

function buildSpec(context: ParseContext): { spec: InjectionSpec; serviceAccountFound: boolean } {
  const { reader, settings, pod, issues } = context;
  checkInjectorDefaults(context);
  const minBackoff = backoff(context, A.authMinBackoff, settings.authMinBackoff, 'min');
  const maxBackoff = backoff(context, A.authMaxBackoff, settings.authMaxBackoff, 'max');
  const sidecarJsonPatch = jsonPatch(context, A.jsonPatch);
  const initJsonPatch = jsonPatch(context, A.initJsonPatch);

  const sa = serviceAccount(context);
  const secretVolumePath = reader.string(A.secretVolumePath, DEFAULT_SECRET_VOLUME_PATH);
  const preserveSecretCase = reader.bool(A.preserveSecretCase, false);
  // Per-secret problems (error-on-missing-key) come first among parse errors, as in vault-k8s;
  // the default template kind is validated later in order but needed now.
  const templateKindIssues = new IssueList();
  const kind = defaultTemplateKind({ ...context, issues: templateKindIssues });
  const secrets = parseSecrets(reader, { secretVolumePath, preserveSecretCase, defaultTemplate: kind }, issues);
  for (const issue of secretPathIssues(secrets, secretVolumePath, (rawName) => (reader.raw(`${ANNOTATION_FAMILIES.secretVolumePath}${rawName}`) ?? '') !== '')) issues.add(issue);

  const prePopulate = reader.bool(A.prePopulate, true);
  const initFirst = reader.bool(A.initFirst, false);
  const prePopulateOnly = reader.bool(A.prePopulateOnly, false);
  // A native sidecar gates the app on its first render itself, so it replaces vault-agent-init.
  const nativeSidecar = reader.bool(A.nativeSidecar, settings.nativeSidecar) && !prePopulateOnly;
  const injectInitContainer = prePopulate && !nativeSidecar;
  const nativeSidecarProbe = parseNativeSidecarProbe(reader, settings, issues);
  const revokeOnShutdown = reader.bool(A.revokeOnShutdown, settings.revokeOnShutdown);
  const revokeGrace = reader.uint64(A.revokeGrace, DEFAULT_REVOKE_GRACE);
  const tlsSkipVerify = reader.bool(A.tlsSkipVerify, false);
  const agentSecurityContext = securityContext(context);
  const shareProcessNamespace = reader.has(A.shareProcessNamespace) ? parseShareProcessNamespace(context) : undefined;
  const cacheEnabled = reader.bool(A.cacheEnable, false);
  const cacheExitOnErr = reader.bool(A.cacheExitOnErr, false);
  for (const issue of templateKindIssues.items) issues.add(issue);
  const injectToken = reader.bool(A.injectToken, false);
  const exitOnRetryFailure = reader.bool(A.templateExitOnRetryFailure, settings.templateConfig.exitOnRetryFailure);
  const maxConnectionsPerHost = reader.int64(A.templateMaxConnectionsPerHost, String(settings.templateConfig.maxConnectionsPerHost));
  const leaseRenewalThreshold = reader.float64(A.templateLeaseRenewalThreshold, 0);
  const enableQuit = reader.bool(A.enableQuit, false);

  const spec: InjectionSpec = {
    image: reader.string(A.image, settings.vaultImage || DEFAULT_VAULT_IMAGE),
    injectInitContainer,
    injectSidecar: !prePopulateOnly,
    nativeSidecar,
    nativeSidecarProbe,
    initFirst,
    injectContainers: reader.string(A.injectContainers, (pod.spec?.containers ?? []).map((container) => container.name).join(',')).split(','),
    configMap: reader.string(A.configMap, ''),
    extraSecret: reader.string(A.extraSecret, ''),
    tlsSecret: reader.string(A.tlsSecret, ''),
    secretVolumePath,
    customSecretVolumePaths: customVolumePaths(secrets, secretVolumePath),
    secrets,
    serviceAccount: sa,
    awsIrsa: undefined,
    copiedVolumeMounts: copiedVolumeMounts(pod, reader.string(A.copyVolumeMounts, '')),
    securityContext: agentSecurityContext,
    resources: injectInitContainer || !prePopulateOnly ? resources(context) : { limits: {}, requests: {} },
    revokeGraceSeconds: revokeOnShutdown ? revokeGrace : undefined,
    vault: {
      address: reader.string(A.service, settings.vaultAddress),
      caCert: reader.string(A.caCert, ''),
      caPath: reader.string(A.caKey, ''),
      clientCert: reader.string(A.clientCert, ''),
      clientKey: reader.string(A.clientKey, ''),
      tlsSkipVerify,
      tlsServerName: reader.string(A.tlsServerName, ''),
    },
    env: {
      goMaxProcs: reader.string(A.goMaxProcs, ''),
      clientTimeout: reader.string(A.clientTimeout, ''),
      clientMaxRetries: reader.string(A.clientMaxRetries, ''),
      logLevel: reader.string(A.logLevel, 'info'),
      logFormat: reader.string(A.logFormat, 'standard'),
      proxyAddress: reader.string(A.proxyAddress, settings.proxyAddress),
      vaultCACertBytes: settings.vaultCACertBytes,
    },
    autoAuth: autoAuth(context, sa.tokenPath, minBackoff, maxBackoff),
    injectToken,
    cache: {
      enabled: cacheEnabled,
      useAutoAuthToken: reader.string(A.cacheUseAutoAuthToken, 'true'),
      listenerPort: reader.string(A.cacheListenerPort, DEFAULT_CACHE_LISTENER_PORT),
      exitOnErr: cacheExitOnErr,
    },
    enableQuit,
    templateConfig: {
      exitOnRetryFailure,
      staticSecretRenderInterval: reader.string(A.templateStaticSecretRenderInterval, settings.templateConfig.staticSecretRenderInterval),
      maxConnectionsPerHost,
      leaseRenewalThreshold,
    },
    disableIdleConnections: commaList(reader.string(A.disableIdleConnections, settings.disableIdleConnections)),
    disableKeepAlives: commaList(reader.string(A.disableKeepAlives, settings.disableKeepAlives)),
    telemetry: parseTelemetry(reader),
    shareProcessNamespace,
    sidecarJsonPatch,
    initJsonPatch,
  };
  const withIrsa: InjectionSpec = spec.autoAuth.type === 'aws' ? { ...spec, awsIrsa: awsIrsa(pod, spec.autoAuth.config['region']) } : spec;
  return { spec: withIrsa, serviceAccountFound: sa.volumeName !== '' || sa.mountPath !== '' };
}

function parseShareProcessNamespace(context: ParseContext): boolean | undefined {
  const value = context.reader.raw(A.shareProcessNamespace) ?? '';
  const parsed = parseGoBool(value);
  const issue = (message: string): InjectionIssue => ({ stage: 'parse', message, annotation: A.shareProcessNamespace, value });
  if (!parsed.ok) {
    context.issues.add(issue(`invalid value ${value} for annotation "${annotationKey(A.shareProcessNamespace)}", err=${parsed.error}`));
    return undefined;
  }
  if (parsed.value && context.pod.spec?.shareProcessNamespace === false) {
    context.issues.add(issue('shareProcessNamespace explicitly disabled on the pod, refusing to enable it'));
  }
  return parsed.value;
}

/** Parses and validates a pod's annotations into an InjectionSpec, collecting every problem. */
export function parseInjectionSpec(pod: K8sPod, requestNamespace: string, settings: Settings): ParseResult {
  const issues = new IssueList();
  const reader = new AnnotationReader(pod.metadata?.annotations ?? {}, issues);
  const context: ParseContext = { pod, reader, settings, issues, requestNamespace };
  const { spec, serviceAccountFound } = buildSpec(context);
  validate(context, spec, serviceAccountFound);
  return { spec: Object.freeze(spec), issues: issues.items };
}


/** The native sidecar's startupProbe settings: each annotation overrides its flag; bad values name the annotation. */
function parseNativeSidecarProbe(reader: AnnotationReader, settings: Settings, issues: IssueList): NativeSidecarProbe {
  const defaults = settings.nativeSidecarProbe;
  const kindText = reader.raw(A.nativeSidecarProbe);
  const kind = kindText === undefined ? defaults.kind : parseProbeKind(kindText);
  if (kind === undefined) {
    issues.add({ stage: 'parse', message: `expected ${PROBE_KINDS.join(' or ')}`, annotation: annotationKey(A.nativeSidecarProbe), value: kindText ?? '' });
  }
  const count = (name: string, fallback: number): number => {
    const text = reader.raw(name);
    if (text === undefined) return fallback;
    const parsed = parseProbeCount(text);
    if (parsed === undefined) issues.add({ stage: 'parse', message: 'expected a whole number from 1 to 86400', annotation: annotationKey(name), value: text });
    return parsed ?? fallback;
  };
  return {
    kind: kind ?? defaults.kind,
    periodSeconds: count(A.nativeSidecarProbePeriod, defaults.periodSeconds),
    timeoutSeconds: count(A.nativeSidecarProbeTimeout, defaults.timeoutSeconds),
    failureThreshold: count(A.nativeSidecarProbeFailureThreshold, defaults.failureThreshold),
  };
}
