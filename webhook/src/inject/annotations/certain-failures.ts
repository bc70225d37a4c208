// Annotation values vault-k8s accepts at admission although the pod cannot work with them: it
// writes them into the pod or the agent configuration and the failure shows up later, inside the
// pod, where nobody applying a Deployment looks. We deny them at admission with the fix named
// (docs/annotations.md, "Denied earlier than vault-k8s"):
// - agent-inject-containers naming no container of the pod: vault-k8s splits the list on commas
//   and mounts the secrets into no container at all
//   (https://github.com/hashicorp/vault-k8s/blob/main/agent-inject/agent/agent.go, Patch);
// - agent-inject-perms-NAME that is not an octal mode: Vault Agent decodes `perms` with
//   strconv.ParseUint(value, 8, 12) and refuses to start
//   (https://github.com/hashicorp/consul-template/blob/main/config/mapstructure.go, StringToFileModeFunc);
// - agent-cache-use-auto-auth-token other than a Go bool or "force", when the cache block is
//   written: Vault Agent refuses the config ("value of 'use_auto_auth_token' can be either
//   true/false/force", https://github.com/hashicorp/vault/blob/main/command/agent/config/config.go, parseCache);
// - log-level / log-format that Vault's logging.ParseLogLevel / ParseLogFormat refuse ("unknown
//   log level"): the agent exits before logging in
//   (https://github.com/hashicorp/vault/blob/main/helper/logging/logger.go).
import { parseGoBool } from '../../../../common/src/go-strconv.js';
import type { InjectionIssue } from '../issues.js';
import type { K8sPod } from '../pod.js';
import type { InjectionSpec } from '../spec.js';
import { ANNOTATION_FAMILIES, POD_ANNOTATIONS, annotationKey } from './registry.js';

/** 07777: the 12 bits ParseUint(value, 8, 12) accepts. */
const MAX_MODE = 0o7777;
const MAX_LISTED_NAMES = 10;

function containerNames(pod: K8sPod): string[] {
  return (pod.spec?.containers ?? []).map((container) => container.name);
}

function listed(names: readonly string[]): string {
  const shown = names.slice(0, MAX_LISTED_NAMES).map((name) => JSON.stringify(name));
  return `${shown.join(', ')}${names.length > MAX_LISTED_NAMES ? ', …' : ''}`;
}

/** Go's strconv.ParseUint(value, 8, 12) succeeds: octal digits only, at most 07777. */
export function isOctalMode(value: string): boolean {
  return /^[0-7]+$/.test(value) && Number.parseInt(value, 8) <= MAX_MODE;
}

/** The values Vault Agent accepts for use_auto_auth_token: parseutil.ParseBool ("" is false) or "force" in any case. */
export function isUseAutoAuthToken(value: string): boolean {
  return value === '' || parseGoBool(value).ok || value.toLowerCase() === 'force';
}

function injectContainersIssue(pod: K8sPod, spec: InjectionSpec, raw: string | undefined): InjectionIssue | undefined {
  if (raw === undefined) return undefined;
  const names = containerNames(pod);
  if (spec.injectContainers.some((name) => names.includes(name))) return undefined;
  return {
    stage: 'validate',
    message: `agent-inject-containers names no container of this pod (its containers: ${listed(names)}), so no container would get the secrets`,
    annotation: POD_ANNOTATIONS.injectContainers,
    value: raw,
    fix: `List containers of this pod in ${annotationKey(POD_ANNOTATIONS.injectContainers)}, comma-separated without spaces (e.g. "${names[0] ?? 'app'}")`,
  };
}

function permsIssues(spec: InjectionSpec): InjectionIssue[] {
  return spec.secrets
    .filter((secret) => secret.perms !== '' && !isOctalMode(secret.perms))
    .map((secret) => ({
      stage: 'validate' as const,
      message: `file permissions ${JSON.stringify(secret.perms)} are not an octal mode up to 7777, so Vault Agent would refuse its configuration`,
      annotation: `${ANNOTATION_FAMILIES.perms}${secret.rawName}`,
      value: secret.perms,
      fix: `Set ${annotationKey(`${ANNOTATION_FAMILIES.perms}${secret.rawName}`)} to an octal file mode such as "0400" or "0640"`,
    }));
}

function useAutoAuthTokenIssue(spec: InjectionSpec, raw: string | undefined): InjectionIssue | undefined {
  // The cache block (and so the value) is only written when the cache is on and a sidecar runs.
  const written = spec.cache.enabled && spec.injectSidecar;
  if (!written || isUseAutoAuthToken(spec.cache.useAutoAuthToken)) return undefined;
  return {
    stage: 'validate',
    message: `use_auto_auth_token ${JSON.stringify(spec.cache.useAutoAuthToken)} is not true, false or force, so Vault Agent would refuse its configuration`,
    annotation: POD_ANNOTATIONS.cacheUseAutoAuthToken,
    value: raw ?? spec.cache.useAutoAuthToken,
    fix: `Set ${annotationKey(POD_ANNOTATIONS.cacheUseAutoAuthToken)} to "true", "false" or "force"`,
  };
}

/** Trimmed, any case; "" means the default. hclog's "off" is accepted too (our agent takes it). */
const LOG_LEVELS: readonly string[] = ['', 'trace', 'debug', 'notice', 'info', 'warn', 'warning', 'err', 'error', 'off'];
const LOG_FORMATS: readonly string[] = ['', 'standard', 'json'];

function logIssues(spec: InjectionSpec): InjectionIssue[] {
  const issues: InjectionIssue[] = [];
  const check = (name: string, value: string, known: readonly string[], what: string): void => {
    if (known.includes(value.trim().toLowerCase())) return;
    issues.push({
      stage: 'validate',
      message: `unknown ${what}: ${value}, so the agent would exit at start`,
      annotation: name,
      value,
      fix: `Set ${annotationKey(name)} to ${what === 'log level' ? 'trace, debug, info, warn or error' : 'standard or json'}, not ${JSON.stringify(value)}`,
    });
  };
  check(POD_ANNOTATIONS.logLevel, spec.env.logLevel, LOG_LEVELS, 'log level');
  check(POD_ANNOTATIONS.logFormat, spec.env.logFormat, LOG_FORMATS, 'log format');
  return issues;
}

/** Denials for values that cannot work in the pod (each names its annotation and the fix). */
export function certainFailureIssues(pod: K8sPod, spec: InjectionSpec, raw: (name: string) => string | undefined): InjectionIssue[] {
  const issues: InjectionIssue[] = [];
  const containers = injectContainersIssue(pod, spec, raw(POD_ANNOTATIONS.injectContainers));
  if (containers !== undefined) issues.push(containers);
  issues.push(...permsIssues(spec), ...logIssues(spec));
  const token = useAutoAuthTokenIssue(spec, raw(POD_ANNOTATIONS.cacheUseAutoAuthToken));
  if (token !== undefined) issues.push(token);
  return issues;
}

/**
 * agent-inject-containers entries that match no container while others do: vault-k8s mounts into
 * the ones that match (names are not trimmed: "app, worker" has " worker"), so this is a warning.
 */
export function unmatchedContainerWarnings(pod: K8sPod, spec: InjectionSpec, raw: string | undefined): string[] {
  if (raw === undefined) return [];
  const names = containerNames(pod);
  if (!spec.injectContainers.some((name) => names.includes(name))) return [];
  const unknown = spec.injectContainers.filter((name) => !names.includes(name));
  if (unknown.length === 0) return [];
  return [
    `${annotationKey(POD_ANNOTATIONS.injectContainers)} lists ${listed(unknown)}, which ${unknown.length === 1 ? 'is not a container' : 'are not containers'} of this pod (names are not trimmed); its containers: ${listed(names)}`,
  ];
}
