// Validates a manifest object the way `kubectl apply` (strict field validation) would before it
// reaches the cluster: the OpenAPI schema of its kind (kubernetes-models, compiled validators that
// work offline) plus a strict unknown-field check, because the OpenAPI schemas allow unknown
// properties and a typo such as `readOnlyRootFileSystem` would otherwise pass silently.
// The field lists for the strict check come from @kubernetes/client-node's generated models.
import * as clientNode from '@kubernetes/client-node';

import type { KubeObject } from './load-manifests.js';

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: unknown) => Validatable;

async function loadModel(apiVersion: string, kind: string): Promise<ModelClass> {
  const module = (await import(`kubernetes-models/${apiVersion}/${kind}`)) as Record<string, unknown>;
  const model = module[kind];
  if (typeof model !== 'function') throw new Error(`no kubernetes-models schema for ${apiVersion} ${kind}`);
  return model as ModelClass;
}

/** Schema errors for one object ([] when valid). */
export async function schemaErrors(object: KubeObject): Promise<string[]> {
  const Model = await loadModel(object.apiVersion, object.kind);
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    const details = (error as { errors?: { instancePath: string; message?: string }[] }).errors;
    if (details === undefined) return [String(error)];
    return details.map((detail) => `${detail.instancePath || '/'} ${detail.message ?? 'is invalid'}`);
  }
}

interface AttributeType {
  readonly baseName: string;
  readonly type: string;
}
interface GeneratedModel {
  getAttributeTypeMap(): AttributeType[];
}

const MODELS = clientNode as unknown as Record<string, GeneratedModel | undefined>;

function generatedModelName(apiVersion: string, kind: string): string {
  const version = apiVersion.split('/').at(-1)!;
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
}

function unknownFieldsIn(value: unknown, type: string, path: string, problems: string[]): void {
  const arrayOf = /^Array<(.+)>$/.exec(type);
  if (arrayOf !== null) {
    if (Array.isArray(value)) {
      value.forEach((item: unknown, index) => {
        unknownFieldsIn(item, arrayOf[1]!, `${path}/${index}`, problems);
      });
    }
    return;
  }
  const mapOf = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (mapOf !== null) {
    if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) unknownFieldsIn(item, mapOf[1]!, `${path}/${key}`, problems);
    }
    return;
  }
  const model = MODELS[type];
  if (model === undefined || typeof model.getAttributeTypeMap !== 'function') return;
  if (value === null || typeof value !== 'object') return;
  const attributes = model.getAttributeTypeMap();
  for (const [key, item] of Object.entries(value)) {
    const attribute = attributes.find((candidate) => candidate.baseName === key);
    if (attribute === undefined) problems.push(`${path}/${key} is not a field of ${type}`);
    else unknownFieldsIn(item, attribute.type, `${path}/${key}`, problems);
  }
}

/** Fields the API server's strict field validation would reject as unknown. */
export function unknownFieldErrors(object: KubeObject): string[] {
  const modelName = generatedModelName(object.apiVersion, object.kind);
  if (MODELS[modelName] === undefined) return [`no client-node model ${modelName} for ${object.apiVersion} ${object.kind}`];
  const problems: string[] = [];
  unknownFieldsIn(object, modelName, '', problems);
  return problems;
}
