// agent-env-* annotations (vault-injector extension, docs/env-vars.md) → EnvVarsSpec. Variable
// names never contain '-', so `agent-env-X` declares variable X and `agent-env-WORD-…` is one of
// the settings below; anything else under the prefix is denied with a message naming it.
// Nothing here looks beyond the pod: the program to run comes from the container's `command` or
// an annotation, never from an image registry.
import type { AnnotationReader } from '../annotations/annotation-reader.js';
import { ANNOTATION_FAMILIES, annotationKey } from '../annotations/registry.js';
import type { IssueList } from '../issues.js';
import type { K8sContainer, K8sPod } from '../pod.js';
import type { EnvContainerSpec, EnvVarSpec, EnvVarsSpec } from '../spec.js';

const PREFIX = ANNOTATION_FAMILIES.env;
export const ENV_SETTINGS = {
  containers: 'containers-',
  command: 'command-',
  restartOnChange: 'restart-on-change',
} as const;

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isEnvVariableName(name: string): boolean {
  return VARIABLE_NAME.test(name);
}

interface RawEnv {
  readonly variables: { name: string; template: string }[];
  readonly scopes: Map<string, string>;
  readonly commands: Map<string, string>;
  restart: string | undefined;
}

function collect(reader: AnnotationReader, issues: IssueList): RawEnv {
  const raw: RawEnv = { variables: [], scopes: new Map(), commands: new Map(), restart: undefined };
  for (const { suffix, value } of reader.family(PREFIX)) {
    const key = `${PREFIX}${suffix}`;
    if (suffix === ENV_SETTINGS.restartOnChange) raw.restart = value;
    else if (suffix.startsWith(ENV_SETTINGS.containers)) raw.scopes.set(suffix.slice(ENV_SETTINGS.containers.length), value);
    else if (suffix.startsWith(ENV_SETTINGS.command)) raw.commands.set(suffix.slice(ENV_SETTINGS.command.length), value);
    else if (!isEnvVariableName(suffix)) {
      issues.add({
        stage: 'parse',
        message: `${annotationKey(key)} is neither an environment variable (letters, digits and _, not starting with a digit) nor a setting (${PREFIX}containers-NAME, ${PREFIX}command-CONTAINER, ${PREFIX}restart-on-change)`,
      });
    } else if (value.trim() === '') issues.add({ stage: 'parse', message: `the template for environment variable ${suffix} is empty`, annotation: key, value });
    else raw.variables.push({ name: suffix, template: value });
  }
  return raw;
}

function decodeCommand(key: string, value: string, issues: IssueList): string[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  if (Array.isArray(parsed) && parsed.length > 0 && parsed.every((item) => typeof item === 'string') && parsed[0] !== '') return parsed;
  issues.add({ stage: 'parse', message: 'must be a non-empty JSON list of strings, the program first (like a container\'s command)', annotation: key, value });
  return undefined;
}

function containerCommand(container: K8sContainer, commands: ReadonlyMap<string, string[]>, issues: IssueList): string[] | undefined {
  const annotated = commands.get(container.name);
  if (annotated !== undefined) return annotated;
  const command: unknown = container.command;
  if (Array.isArray(command) && command.length > 0 && command.every((item) => typeof item === 'string')) return command;
  issues.add({
    stage: 'validate',
    message:
      `container "${container.name}" has no command: agent-env-* starts it through vault-env-launcher, which must know the program to run, ` +
      'and the injector never asks an image registry for the ENTRYPOINT; set the container\'s command (the image\'s ENTRYPOINT, ' +
      `plus its CMD when args is not set) or annotate ${annotationKey(`${PREFIX}${ENV_SETTINGS.command}${container.name}`)}: '["/path/to/entrypoint"]'`,
    fix: `Set container "${container.name}"'s command, or add ${annotationKey(`${PREFIX}${ENV_SETTINGS.command}${container.name}`)} (e.g. '["/app/server"]')`,
  });
  return undefined;
}

export interface EnvContext {
  readonly reader: AnnotationReader;
  readonly pod: K8sPod;
  readonly issues: IssueList;
  /** agent-inject-containers (default scope of every variable). */
  readonly injectContainers: readonly string[];
}

/** undefined when the pod has no agent-env-* annotation at all. */
export function parseEnvVars(context: EnvContext): EnvVarsSpec | undefined {
  const { reader, pod, issues } = context;
  if (reader.family(PREFIX).length === 0) return undefined;
  const raw = collect(reader, issues);
  const podContainers = pod.spec?.containers ?? [];
  const known = new Set(podContainers.map((container) => container.name));
  const declared = new Set(raw.variables.map((variable) => variable.name));
  for (const name of raw.scopes.keys()) {
    if (!declared.has(name)) {
      issues.add({ stage: 'parse', message: `scopes ${name}, but there is no ${annotationKey(`${PREFIX}${name}`)}`, annotation: `${PREFIX}${ENV_SETTINGS.containers}${name}`, value: raw.scopes.get(name) ?? '' });
    }
  }
  const commands = new Map<string, string[]>();
  for (const [container, value] of raw.commands) {
    const key = `${PREFIX}${ENV_SETTINGS.command}${container}`;
    if (!known.has(container)) issues.add({ stage: 'parse', message: `the pod has no container "${container}"`, annotation: key, value });
    const decoded = decodeCommand(key, value, issues);
    if (decoded !== undefined) commands.set(container, decoded);
  }
  const variables: EnvVarSpec[] = raw.variables.map(({ name, template }) => {
    const scopeKey = `${PREFIX}${ENV_SETTINGS.containers}${name}`;
    const scope = raw.scopes.get(name);
    if (scope === undefined) return { name, template, containers: context.injectContainers.filter((container) => known.has(container)) };
    const containers = scope.split(',').map((item) => item.trim()).filter((item) => item !== '');
    for (const container of containers) {
      if (!known.has(container)) issues.add({ stage: 'parse', message: `the pod has no container "${container}"`, annotation: scopeKey, value: scope });
    }
    return { name, template, containers: containers.filter((container) => known.has(container)) };
  });
  const wrapped: EnvContainerSpec[] = [];
  podContainers.forEach((container, index) => {
    const names = variables.filter((variable) => variable.containers.includes(container.name)).map((variable) => variable.name);
    if (names.length === 0) return;
    const command = containerCommand(container, commands, issues);
    if (command !== undefined) wrapped.push({ name: container.name, index, names, command });
  });
  return { variables, containers: wrapped, restartOnChange: reader.bool(`${PREFIX}${ENV_SETTINGS.restartOnChange}`, false) };
}

interface EnvModeContext {
  readonly injectInitContainer: boolean;
  readonly injectSidecar: boolean;
  readonly nativeSidecar: boolean;
  readonly configMap: string;
}

/** Rules that depend on the injection mode and the pod's probes (docs/env-vars.md, "Which modes work"). */
export function validateEnvVars(env: EnvVarsSpec, mode: EnvModeContext, pod: K8sPod, issues: IssueList): void {
  if (env.variables.length === 0) return;
  if (mode.configMap !== '') {
    issues.add({
      stage: 'validate',
      message: 'agent-env-* cannot be used with agent-configmap: the agent configuration is yours, so the injector cannot add the env templates',
      fix: `Remove the agent-env-* annotations or ${annotationKey('agent-configmap')}: they cannot be combined`,
    });
  }
  if (!mode.injectInitContainer && !mode.nativeSidecar) {
    issues.add({
      stage: 'validate',
      message: 'agent-env-* needs the values before the app starts: keep agent-pre-populate (the default) or use agent-native-sidecar',
      annotation: 'agent-pre-populate',
      value: 'false',
    });
  }
  if (env.restartOnChange) validateRestart(env, mode, pod, issues);
}

function validateRestart(env: EnvVarsSpec, mode: EnvModeContext, pod: K8sPod, issues: IssueList): void {
  const restartKey = `${PREFIX}${ENV_SETTINGS.restartOnChange}`;
  if (!mode.injectSidecar) {
    issues.add({ stage: 'validate', message: 'restarting on change needs the sidecar, which agent-pre-populate-only removes', annotation: restartKey, value: 'true' });
  }
  for (const wrapped of env.containers) {
    const container = pod.spec?.containers?.[wrapped.index];
    if (container?.livenessProbe !== undefined) {
      issues.add({
        stage: 'validate',
        message: `container "${wrapped.name}" already has a livenessProbe, and restart on change needs its own (the launcher's --probe); remove one of them`,
        annotation: restartKey,
        value: 'true',
      });
    }
  }
}
