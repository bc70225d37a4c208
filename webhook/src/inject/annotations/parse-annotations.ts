// The one place annotations become an InjectionSpec: every vault.hashicorp.com/* value is parsed
// here with vault-k8s's rules, falling back to the registry's defaults (registry.ts; Settings
// supply the injector-level ones), and every problem is collected rather than stopping at the first.
import { parseGoDuration } from '../../../../common/src/go-duration.js';
import type { Settings } from '../../settings/settings.js';
import { IssueList, type InjectionIssue } from '../issues.js';
import type { K8sPod } from '../pod.js';
import { canonicalQuantity } from '../quantity.js';
import { findServiceAccountToken } from '../service-account.js';
import type { AgentSecurityContext, AutoAuthSpec, InjectionSpec, QuantitySet, ServiceAccountTokenMount } from '../spec.js';
import { AnnotationReader, parseBoolAnnotation, typeFix } from './annotation-reader.js';
import { decodeJsonPatchAnnotation } from './json-patch-annotation.js';
import { ANNOTATION_FAMILIES, POD_ANNOTATIONS as A, POD_ANNOTATION_TABLE, SYSTEM_AUTH_TYPE, annotationKey, defaultText } from './registry.js';
import type { PodAnnotationId } from './registry.js';
import { secretPathIssues } from './secret-paths.js';
import { certainFailureIssues } from './certain-failures.js';
import { customVolumePaths, parseSecrets, type DefaultTemplateKind } from './secret-families.js';
import { parseTelemetry } from './telemetry.js';
import { parseEnvVars, validateEnvVars } from '../env/parse-env.js';
import { awsIrsa, copiedVolumeMounts } from './pod-derived.js';
import { PROBE_KINDS, parseProbeCount, parseProbeKind, type NativeSidecarProbe } from '../native-sidecar-probe.js';


/** The spec (problem values replaced by their defaults) and every problem found; usable only when `issues` is empty. */
export interface ParseResult {
  readonly spec: InjectionSpec;
  readonly issues: readonly InjectionIssue[];
}

interface ParseContext {
  readonly pod: K8sPod;
  readonly reader: AnnotationReader;
  readonly settings: Settings;
  readonly defaults: SettingsDefaults;
  readonly issues: IssueList;
  readonly requestNamespace: string;
}

/** The registry's defaults under one Settings: as annotation text, and as a bool where the text is one. */
interface SettingsDefaults {
  readonly text: ReadonlyMap<PodAnnotationId, string>;
  readonly bool: ReadonlyMap<PodAnnotationId, boolean>;
}

/** Settings never change once made (a new configuration is a new object), so their defaults are worked out once per object. */
const DEFAULTS_BY_SETTINGS = new WeakMap<Settings, SettingsDefaults>();

function settingsDefaults(settings: Settings): SettingsDefaults {
  let defaults = DEFAULTS_BY_SETTINGS.get(settings);
  if (defaults === undefined) {
    const text = new Map<PodAnnotationId, string>();
    const bool = new Map<PodAnnotationId, boolean>();
    for (const id of Object.keys(POD_ANNOTATION_TABLE) as PodAnnotationId[]) {
      const value = defaultText(POD_ANNOTATION_TABLE[id], settings);
      if (value === undefined) continue;
      text.set(id, value);
      const parsed = parseBoolAnnotation(value);
      bool.set(id, parsed.ok && parsed.value);
    }
    defaults = { text, bool };
    DEFAULTS_BY_SETTINGS.set(settings, defaults);
  }
  return defaults;
}

/** The registry's default for an absent annotation, as annotation text. */
function fallback(context: ParseContext, id: PodAnnotationId): string {
  const text = context.defaults.text.get(id);
  if (text === undefined) throw new Error(`annotation ${A[id]} has no fixed default: the parser must derive it`);
  return text;
}

function text(context: ParseContext, id: PodAnnotationId): string {
  return context.reader.string(A[id], fallback(context, id));
}

function flag(context: ParseContext, id: PodAnnotationId, orElse = false): boolean {
  const byDefault = context.defaults.bool.get(id);
  if (byDefault === undefined) throw new Error(`annotation ${A[id]} has no fixed default: the parser must derive it`);
  return context.reader.bool(A[id], byDefault || orElse);
}

function checkInjectorDefaults(context: ParseContext): void {
  const { settings, issues, requestNamespace } = context;
  if (settings.vaultAddress === '') issues.add({ stage: 'defaults', message: 'address for Vault required' });
  if (settings.vaultAuthPath === '') issues.add({ stage: 'defaults', message: 'Vault Auth Path required' });
  if (requestNamespace === '') issues.add({ stage: 'defaults', message: 'kubernetes namespace required' });
}

function backoff(context: ParseContext, id: 'authMinBackoff' | 'authMaxBackoff', label: 'min' | 'max'): string {
  const name = A[id];
  const value = text(context, id);
  if (value !== '') {
    const parsed = parseGoDuration(value);
    if (!parsed.ok) {
      const message = `error parsing ${label} backoff as duration: ${parsed.error}`;
      context.issues.add({ stage: 'defaults', message, annotation: name, value, fix: typeFix(name, value, 'a Go duration (e.g. 5s or 1m30s)') });
    }
  }
  return value;
}

function jsonPatch(context: ParseContext, name: string): InjectionSpec['sidecarJsonPatch'] {
  const value = context.reader.raw(name);
  if (value === undefined) return [];
  const decoded = decodeJsonPatchAnnotation(annotationKey(name), value);
  if (decoded.ok) return decoded.operations;
  const fix = `Make ${annotationKey(name)} a JSON array of RFC 6902 operations (e.g. [{"op":"add","path":"/env/-","value":{"name":"X","value":"1"}}])`;
  context.issues.add({ stage: 'defaults', message: decoded.error, annotation: name, value, fix });
  return [];
}

function serviceAccount(context: ParseContext): ServiceAccountTokenMount {
  const volumeName = text(context, 'serviceAccountTokenVolumeName');
  const found = findServiceAccountToken(context.pod, volumeName);
  if (found.ok) return found.mount;
  const issue: InjectionIssue =
    volumeName === ''
      ? {
          stage: 'parse',
          message: found.error,
          fix: `Mount the service-account token into the first container (automountServiceAccountToken must not be false), or name a projected token volume in ${annotationKey(A.serviceAccountTokenVolumeName)}`,
        }
      : { stage: 'parse', message: found.error, annotation: A.serviceAccountTokenVolumeName, value: volumeName, fix: `Set ${annotationKey(A.serviceAccountTokenVolumeName)} to a projected volume of this pod holding a serviceAccountToken` };
  context.issues.add(issue);
  return { volumeName: '', mountPath: '', tokenPath: '' };
}

function runAsSameUser(context: ParseContext): number | undefined {
  const { pod, issues } = context;
  const fail = (message: string): void => {
    const fix = `Give the first container a non-root securityContext.runAsUser, or remove ${annotationKey(A.runAsSameUser)}`;
    issues.add({ stage: 'parse', message, annotation: A.runAsSameUser, value: context.reader.raw(A.runAsSameUser) ?? 'true', fix });
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
  const { reader } = context;
  const runAsUser = reader.int64(A.runAsUser, fallback(context, 'runAsUser'));
  const runAsGroup = reader.int64(A.runAsGroup, fallback(context, 'runAsGroup'));
  const sameUser = flag(context, 'runAsSameUser');
  const sameUserId = sameUser ? runAsSameUser(context) : undefined;
  // vault-k8s's flip: with the flag off and no explicit annotation, asking for a user/group turns it on.
  const asksForUser = reader.has(A.runAsUser) || reader.has(A.runAsGroup) || reader.has(A.runAsSameUser);
  const enabled = flag(context, 'setSecurityContext', asksForUser);
  if (!enabled) return undefined;
  return { runAsUser: sameUserId ?? runAsUser, runAsGroup };
}

const QUANTITY_EXAMPLES: Readonly<Record<keyof QuantitySet, string>> = { cpu: '500m', memory: '128Mi', 'ephemeral-storage': '1Gi' };

function quantities(context: ParseContext, entries: readonly (readonly [keyof QuantitySet, PodAnnotationId])[]): QuantitySet {
  const set: Partial<Record<keyof QuantitySet, string>> = {};
  for (const [resource, id] of entries) {
    const name = A[id];
    const value = text(context, id);
    if (value === '') continue;
    const parsed = canonicalQuantity(value);
    if (parsed.ok) set[resource] = parsed.canonical;
    else context.issues.add({ stage: 'patch', message: parsed.error, annotation: name, value, fix: typeFix(name, value, `a Kubernetes quantity (e.g. ${QUANTITY_EXAMPLES[resource]})`) });
  }
  return set;
}

function resources(context: ParseContext): InjectionSpec['resources'] {
  return {
    limits: quantities(context, [
      ['cpu', 'limitsCpu'],
      ['memory', 'limitsMem'],
      ['ephemeral-storage', 'limitsEphemeral'],
    ]),
    requests: quantities(context, [
      ['cpu', 'requestsCpu'],
      ['memory', 'requestsMem'],
      ['ephemeral-storage', 'requestsEphemeral'],
    ]),
  };
}

function defaultTemplateKind(context: ParseContext): DefaultTemplateKind {
  const value = text(context, 'defaultTemplate');
  const lower = value.toLowerCase();
  if (lower === 'map' || lower === 'json') return lower;
  context.issues.add({ stage: 'parse', message: `invalid default template type: ${lower}`, annotation: A.defaultTemplate, value, fix: typeFix(A.defaultTemplate, value, 'map or json') });
  return 'map';
}

function autoAuth(context: ParseContext, tokenPath: string, minBackoff: string, maxBackoff: string): AutoAuthSpec {
  const { reader } = context;
  const config: Record<string, string> = { token_path: tokenPath };
  for (const { suffix, value } of reader.family(ANNOTATION_FAMILIES.authConfig)) {
    if (suffix !== '') config[suffix.replaceAll('-', '_')] = value;
  }
  const role = text(context, 'role');
  if (role !== '') config['role'] = role;
  return {
    type: text(context, 'authType'),
    mountPath: text(context, 'authPath'),
    namespace: text(context, 'namespace'),
    minBackoff,
    maxBackoff,
    exitOnErr: flag(context, 'autoAuthExitOnErr'),
    config,
  };
}

function commaList(value: string): string[] | undefined {
  return value === '' ? undefined : value.split(',');
}

type ValidationFailure = (message: string, annotation?: string, fix?: string) => void;

/** Records a validation problem, naming the annotation (and its value) when the pod set it, and what to change. */
function validationFailure({ issues, reader }: ParseContext): ValidationFailure {
  return (message, annotation, fix) => {
    const value = annotation === undefined ? undefined : reader.raw(annotation);
    const issue: InjectionIssue = annotation === undefined || value === undefined ? { stage: 'validate', message } : { stage: 'validate', message, annotation, value };
    issues.add(fix === undefined ? issue : { ...issue, fix });
  };
}

function validate(context: ParseContext, spec: InjectionSpec, serviceAccountFound: boolean): void {
  const { issues, reader } = context;
  const fail = validationFailure(context);
  if (reader.string(A.requestNamespace, context.requestNamespace) === '') fail('namespace missing from request', A.requestNamespace);
  const sa = spec.serviceAccount;
  if (serviceAccountFound && (sa.volumeName === '' || sa.mountPath === '' || sa.tokenPath === '')) {
    fail('no service account token volume name, mount path or token path found');
  }
  if (spec.image === '') fail('no Vault image found', A.image, `Set ${annotationKey(A.image)} to the agent image (e.g. hashicorp/vault:1.19)`);
  if (spec.envVars !== undefined) validateEnvVars(spec.envVars, spec, context.pod, issues);
  certainFailureIssues(context.pod, spec, (name) => reader.raw(name)).forEach((issue) => {
    issues.add(issue);
  });
  // With an agent-configmap the user's own configuration says how to reach Vault.
  if (spec.configMap === '') validateVaultAccess(spec, fail);
}

function validateVaultAccess(spec: InjectionSpec, fail: ValidationFailure): void {
  if (spec.autoAuth.type === '') fail('no Vault Auth Type found', A.authType, `Set ${annotationKey(A.authType)} to the auth method (e.g. kubernetes)`);
  if (spec.autoAuth.type === SYSTEM_AUTH_TYPE && spec.autoAuth.config['role'] === undefined) {
    fail('no Vault role found', A.role, `Add ${annotationKey(A.role)} with the Vault role this pod logs in as (e.g. "my-app")`);
  }
  if (spec.autoAuth.mountPath === '') fail('no Vault Auth Path found', A.authPath, `Set ${annotationKey(A.authPath)} to the auth method's mount path (e.g. auth/kubernetes)`);
  if (spec.vault.address === '') fail('no Vault address found', A.service, `Set ${annotationKey(A.service)} to the Vault address (e.g. https://vault.vault.svc:8200)`);
}

/** agent-inject-containers, by default every container of the pod. */
function injectContainerNames(reader: AnnotationReader, pod: K8sPod): string[] {
  return reader.string(A.injectContainers, (pod.spec?.containers ?? []).map((container) => container.name).join(',')).split(',');
}

function optionalShareProcessNamespace(context: ParseContext): ReturnType<typeof parseShareProcessNamespace> | undefined {
  return context.reader.has(A.shareProcessNamespace) ? parseShareProcessNamespace(context) : undefined;
}

/** Resources are parsed (and their errors reported) only when some agent container is injected. */
function agentResources(context: ParseContext, anyAgentContainer: boolean): ReturnType<typeof resources> {
  return anyAgentContainer ? resources(context) : { limits: {}, requests: {} };
}

function buildSpec(context: ParseContext): { spec: InjectionSpec; serviceAccountFound: boolean } {
  const { reader, settings, pod, issues } = context;
  checkInjectorDefaults(context);
  const minBackoff = backoff(context, 'authMinBackoff', 'min');
  const maxBackoff = backoff(context, 'authMaxBackoff', 'max');
  const sidecarJsonPatch = jsonPatch(context, A.jsonPatch);
  const initJsonPatch = jsonPatch(context, A.initJsonPatch);

  const sa = serviceAccount(context);
  const secretVolumePath = text(context, 'secretVolumePath');
  const preserveSecretCase = flag(context, 'preserveSecretCase');
  // Per-secret problems (error-on-missing-key) come first among parse errors, as in vault-k8s;
  // the default template kind is validated later in order but needed now.
  const templateKindIssues = new IssueList();
  const kind = defaultTemplateKind({ ...context, issues: templateKindIssues });
  const secrets = parseSecrets(reader, { secretVolumePath, preserveSecretCase, defaultTemplate: kind }, issues);
  for (const issue of secretPathIssues(secrets, secretVolumePath, (rawName) => (reader.raw(`${ANNOTATION_FAMILIES.secretVolumePath}${rawName}`) ?? '') !== '')) issues.add(issue);

  const prePopulate = flag(context, 'prePopulate');
  const initFirst = flag(context, 'initFirst');
  const prePopulateOnly = flag(context, 'prePopulateOnly');
  // A native sidecar gates the app on its first render itself, so it replaces vault-agent-init.
  const nativeSidecar = flag(context, 'nativeSidecar') && !prePopulateOnly;
  const injectInitContainer = prePopulate && !nativeSidecar;
  const nativeSidecarProbe = parseNativeSidecarProbe(context);
  const revokeOnShutdown = flag(context, 'revokeOnShutdown');
  const revokeGrace = reader.uint64(A.revokeGrace, fallback(context, 'revokeGrace'));
  const tlsSkipVerify = flag(context, 'tlsSkipVerify');
  const agentSecurityContext = securityContext(context);
  const shareProcessNamespace = optionalShareProcessNamespace(context);
  const cacheEnabled = flag(context, 'cacheEnable');
  const cacheExitOnErr = flag(context, 'cacheExitOnErr');
  for (const issue of templateKindIssues.items) issues.add(issue);
  const injectToken = flag(context, 'injectToken');
  const exitOnRetryFailure = flag(context, 'templateExitOnRetryFailure');
  const maxConnectionsPerHost = reader.int64(A.templateMaxConnectionsPerHost, fallback(context, 'templateMaxConnectionsPerHost'));
  const leaseRenewalThreshold = reader.float64(A.templateLeaseRenewalThreshold, Number(fallback(context, 'templateLeaseRenewalThreshold')));
  const enableQuit = flag(context, 'enableQuit');

  const injectContainers = injectContainerNames(reader, pod);
  const envVars = parseEnvVars({ reader, pod, issues, injectContainers });

  const spec: InjectionSpec = {
    image: text(context, 'image'),
    injectInitContainer,
    injectSidecar: !prePopulateOnly,
    nativeSidecar,
    nativeSidecarProbe,
    initFirst,
    injectContainers,
    configMap: text(context, 'configMap'),
    extraSecret: text(context, 'extraSecret'),
    tlsSecret: text(context, 'tlsSecret'),
    secretVolumePath,
    customSecretVolumePaths: customVolumePaths(secrets, secretVolumePath),
    secrets,
    serviceAccount: sa,
    awsIrsa: undefined,
    copiedVolumeMounts: copiedVolumeMounts(pod, text(context, 'copyVolumeMounts')),
    securityContext: agentSecurityContext,
    resources: agentResources(context, injectInitContainer || !prePopulateOnly),
    revokeGraceSeconds: revokeOnShutdown ? revokeGrace : undefined,
    vault: {
      address: text(context, 'service'),
      caCert: text(context, 'caCert'),
      caPath: text(context, 'caKey'),
      clientCert: text(context, 'clientCert'),
      clientKey: text(context, 'clientKey'),
      tlsSkipVerify,
      tlsServerName: text(context, 'tlsServerName'),
    },
    env: {
      goMaxProcs: text(context, 'goMaxProcs'),
      clientTimeout: text(context, 'clientTimeout'),
      clientMaxRetries: text(context, 'clientMaxRetries'),
      logLevel: text(context, 'logLevel'),
      logFormat: text(context, 'logFormat'),
      proxyAddress: text(context, 'proxyAddress'),
      vaultCACertBytes: settings.vaultCACertBytes,
    },
    autoAuth: autoAuth(context, sa.tokenPath, minBackoff, maxBackoff),
    injectToken,
    cache: {
      enabled: cacheEnabled,
      useAutoAuthToken: text(context, 'cacheUseAutoAuthToken'),
      listenerPort: text(context, 'cacheListenerPort'),
      exitOnErr: cacheExitOnErr,
    },
    enableQuit,
    templateConfig: {
      exitOnRetryFailure,
      staticSecretRenderInterval: text(context, 'templateStaticSecretRenderInterval'),
      maxConnectionsPerHost,
      leaseRenewalThreshold,
    },
    disableIdleConnections: commaList(text(context, 'disableIdleConnections')),
    disableKeepAlives: commaList(text(context, 'disableKeepAlives')),
    telemetry: parseTelemetry(reader),
    shareProcessNamespace,
    sidecarJsonPatch,
    initJsonPatch,
    envVars,
    strict: strictMode(context),
  };
  const withIrsa: InjectionSpec = spec.autoAuth.type === 'aws' ? { ...spec, awsIrsa: awsIrsa(pod, spec.autoAuth.config['region']) } : spec;
  return { spec: withIrsa, serviceAccountFound: sa.volumeName !== '' || sa.mountPath !== '' };
}

/** The injector-wide -strict is a floor: a pod may opt in, never out. */
function strictMode(context: ParseContext): boolean {
  return flag(context, 'strict') || context.settings.strict;
}

function parseShareProcessNamespace(context: ParseContext): boolean | undefined {
  const value = context.reader.raw(A.shareProcessNamespace) ?? '';
  // parseutil.ParseBool, as for every vault-k8s bool: "" is false (and the pod gets shareProcessNamespace: false).
  const parsed = parseBoolAnnotation(value);
  const issue = (message: string): InjectionIssue => ({ stage: 'parse', message, annotation: A.shareProcessNamespace, value });
  if (!parsed.ok) {
    context.issues.add({ ...issue(`invalid value ${value} for annotation "${annotationKey(A.shareProcessNamespace)}", err=${parsed.error}`), fix: typeFix(A.shareProcessNamespace, value, 'true or false') });
    return undefined;
  }
  if (parsed.value && context.pod.spec?.shareProcessNamespace === false) {
    const fix = `Remove ${annotationKey(A.shareProcessNamespace)} or the pod's shareProcessNamespace: false`;
    context.issues.add({ ...issue('shareProcessNamespace explicitly disabled on the pod, refusing to enable it'), fix });
  }
  return parsed.value;
}

/** Parses and validates a pod's annotations into an InjectionSpec, collecting every problem. */
export function parseInjectionSpec(pod: K8sPod, requestNamespace: string, settings: Settings): ParseResult {
  const issues = new IssueList();
  const reader = new AnnotationReader(pod.metadata?.annotations ?? {}, issues);
  const context: ParseContext = { pod, reader, settings, defaults: settingsDefaults(settings), issues, requestNamespace };
  const { spec, serviceAccountFound } = buildSpec(context);
  validate(context, spec, serviceAccountFound);
  return { spec: Object.freeze(spec), issues: issues.items };
}


/** The native sidecar's startupProbe settings: each annotation overrides its flag; bad values name the annotation. */
function parseNativeSidecarProbe(context: ParseContext): NativeSidecarProbe {
  const { reader, issues } = context;
  const defaults = context.settings.nativeSidecarProbe;
  const kindText = reader.raw(A.nativeSidecarProbe);
  const kind = parseProbeKind(text(context, 'nativeSidecarProbe'));
  if (kind === undefined) {
    issues.add({ stage: 'parse', message: `expected ${PROBE_KINDS.join(' or ')}`, annotation: A.nativeSidecarProbe, value: kindText ?? '', fix: typeFix(A.nativeSidecarProbe, kindText ?? '', PROBE_KINDS.join(' or ')) });
  }
  const count = (id: 'nativeSidecarProbePeriod' | 'nativeSidecarProbeTimeout' | 'nativeSidecarProbeFailureThreshold', orElse: number): number => {
    const value = reader.raw(A[id]);
    const parsed = parseProbeCount(text(context, id));
    if (parsed === undefined) {
      issues.add({ stage: 'parse', message: 'expected a whole number from 1 to 86400', annotation: A[id], value: value ?? '', fix: typeFix(A[id], value ?? '', 'a whole number from 1 to 86400') });
    }
    return parsed ?? orElse;
  };
  return {
    kind: kind ?? defaults.kind,
    periodSeconds: count('nativeSidecarProbePeriod', defaults.periodSeconds),
    timeoutSeconds: count('nativeSidecarProbeTimeout', defaults.timeoutSeconds),
    failureThreshold: count('nativeSidecarProbeFailureThreshold', defaults.failureThreshold),
  };
}
