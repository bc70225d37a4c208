// agent-inject-secret-*/-template-*/-template-file-* annotations → one SecretSpec per raw name
// (https://developer.hashicorp.com/vault/docs/platform/k8s/injector/annotations,
// secrets() in https://github.com/hashicorp/vault-k8s/blob/main/agent-inject/agent/annotations.go).
import { posix } from 'node:path';
import type { AnnotationReader } from './annotation-reader.js';
import { parseBoolAnnotation, typeFix } from './annotation-reader.js';
import { ANNOTATION_FAMILIES, familyDefault } from './registry.js';
import type { IssueList } from '../issues.js';
import type { SecretSpec, TemplateEngineName } from '../spec.js';

/** Prefixes that declare a secret, tried in this order for each annotation. */
const DECLARING_PREFIXES = [ANNOTATION_FAMILIES.secret, ANNOTATION_FAMILIES.templateFile, ANNOTATION_FAMILIES.template];

const DEFAULT_LEFT_DELIMITER = familyDefault('leftDelimiter');
const DEFAULT_RIGHT_DELIMITER = familyDefault('rightDelimiter');
const DEFAULT_ENGINE = familyDefault('templateEngine');
const DEFAULT_ERROR_ON_MISSING_KEY = familyDefault('errorOnMissingKey') === 'true';

export type DefaultTemplateKind = 'map' | 'json';

/**
 * The template text used when a secret has neither a template nor a template file
 * (DefaultMapTemplate / DefaultJSONTemplate in
 * https://github.com/hashicorp/vault-k8s/blob/main/agent-inject/agent/config.go).
 */
export function defaultTemplate(kind: DefaultTemplateKind, vaultPath: string): string {
  if (kind === 'json') return `{{ with secret "${vaultPath}" }}{{ .Data | toJSON }}\n{{ end }}`;
  return `{{ with secret "${vaultPath}" }}{{ range $k, $v := .Data }}{{ $k }}: {{ $v }}\n{{ end }}{{ end }}`;
}

/** Raw names in first-seen order (a secret exists if any declaring annotation is non-blank). */
function discoverRawNames(reader: AnnotationReader): string[] {
  // A Set keeps this linear: a pod can carry tens of thousands of annotations (issue 10).
  const names = new Set<string>();
  for (const [shortName, value] of reader.entries()) {
    if (value.trim() === '') continue;
    for (const prefix of DECLARING_PREFIXES) {
      if (!shortName.startsWith(prefix)) continue;
      const rawName = shortName.slice(prefix.length);
      if (rawName === '') continue;
      names.add(rawName);
      break;
    }
  }
  return [...names];
}

export interface SecretDefaults {
  readonly secretVolumePath: string;
  readonly preserveSecretCase: boolean;
  readonly defaultTemplate: DefaultTemplateKind;
}

function preserveCase(reader: AnnotationReader, rawName: string, globalValue: boolean): boolean {
  const perSecret = reader.raw(`${ANNOTATION_FAMILIES.preserveSecretCase}${rawName}`);
  if (perSecret === undefined) return globalValue;
  // vault-k8s treats an unparsable per-secret value as false here, without an error.
  const parsed = parseBoolAnnotation(perSecret);
  return parsed.ok && parsed.value;
}

function templateEngine(reader: AnnotationReader, rawName: string, issues: IssueList): TemplateEngineName {
  const key = `${ANNOTATION_FAMILIES.templateEngine}${rawName}`;
  const value = reader.raw(key);
  if (value === undefined || value === '' || value === DEFAULT_ENGINE) return 'go';
  if (value === 'handlebars') return 'handlebars';
  issues.add({ stage: 'parse', message: `invalid template engine "${value}": must be "go" or "handlebars"`, annotation: key, value, fix: typeFix(key, value, 'go or handlebars') });
  return 'go';
}

function buildSecret(reader: AnnotationReader, rawName: string, defaults: SecretDefaults, issues: IssueList): SecretSpec {
  const get = (prefix: string): string => reader.raw(`${prefix}${rawName}`) ?? '';
  const vaultPath = get(ANNOTATION_FAMILIES.secret);
  const template = get(ANNOTATION_FAMILIES.template);
  const templateFile = template === '' ? get(ANNOTATION_FAMILIES.templateFile) : '';
  const mountPath = get(ANNOTATION_FAMILIES.secretVolumePath) || defaults.secretVolumePath;
  const name = preserveCase(reader, rawName, defaults.preserveSecretCase) ? rawName : rawName.toLowerCase();
  const file = get(ANNOTATION_FAMILIES.file);
  const errorOnMissingKey = reader.bool(`${ANNOTATION_FAMILIES.errorOnMissingKey}${rawName}`, DEFAULT_ERROR_ON_MISSING_KEY);
  let contents: string | undefined;
  if (template !== '') contents = template;
  else if (templateFile === '') contents = defaultTemplate(defaults.defaultTemplate, vaultPath);
  return {
    rawName,
    name,
    vaultPath,
    contents,
    usesDefaultTemplate: template === '' && templateFile === '',
    source: templateFile === '' ? undefined : templateFile,
    // Without a file name the destination is a plain concatenation; with one it is joined and cleaned.
    destination: file === '' ? `${mountPath}/${name}` : posix.join(mountPath, file),
    mountPath,
    leftDelimiter: get(ANNOTATION_FAMILIES.leftDelimiter) || DEFAULT_LEFT_DELIMITER,
    rightDelimiter: get(ANNOTATION_FAMILIES.rightDelimiter) || DEFAULT_RIGHT_DELIMITER,
    command: get(ANNOTATION_FAMILIES.command),
    perms: get(ANNOTATION_FAMILIES.perms),
    errorOnMissingKey,
    engine: templateEngine(reader, rawName, issues),
  };
}

export function parseSecrets(reader: AnnotationReader, defaults: SecretDefaults, issues: IssueList): SecretSpec[] {
  return discoverRawNames(reader).map((rawName) => buildSecret(reader, rawName, defaults, issues));
}

/** Distinct per-secret volume paths that differ from the global one, first-seen order. */
export function customVolumePaths(secrets: readonly SecretSpec[], secretVolumePath: string): string[] {
  const paths = new Set<string>();
  for (const secret of secrets) {
    if (secret.mountPath !== secretVolumePath) paths.add(secret.mountPath);
  }
  return [...paths];
}
