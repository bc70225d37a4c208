// Reads deploy/ the way `kubectl apply -k deploy/` does: kustomization.yaml lists the resource
// files, each file may hold several YAML documents. Keeps the parsed Documents so tests can read
// comments (e.g. the reason written next to failurePolicy).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, type Document } from 'yaml';

export const DEPLOY_DIR = new URL('../../deploy/', import.meta.url).pathname;

export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string> };
  readonly [field: string]: unknown;
}

export interface LoadedManifest {
  readonly file: string;
  readonly document: Document.Parsed;
  readonly object: KubeObject;
}

export interface Kustomization {
  readonly resources: readonly string[];
  readonly images?: readonly { name: string; newName?: string; newTag?: string }[];
}

export function readKustomization(dir: string = DEPLOY_DIR): Kustomization {
  const [document] = parseAllDocuments(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'));
  if (document === undefined || !('errors' in document) || document.errors.length > 0) {
    throw new Error('deploy/kustomization.yaml does not parse');
  }
  return document.toJS() as Kustomization;
}

export function yamlFilesIn(dir: string = DEPLOY_DIR): string[] {
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name) && name !== 'kustomization.yaml')
    .sort();
}

/** Parses one file; throws listing every YAML error of every document. */
export function loadManifestFile(file: string, dir: string = DEPLOY_DIR): LoadedManifest[] {
  const documents = parseAllDocuments(readFileSync(join(dir, file), 'utf8'), { prettyErrors: true });
  if (!Array.isArray(documents)) throw new Error(`${file}: not a YAML stream`);
  const problems = documents.flatMap((document) => document.errors.map((error) => `${file}: ${error.message}`));
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return documents
    .filter((document) => document.contents !== null)
    .map((document) => ({ file, document, object: document.toJS() as KubeObject }));
}

export function loadAllManifests(dir: string = DEPLOY_DIR): LoadedManifest[] {
  return readKustomization(dir).resources.flatMap((file) => loadManifestFile(file, dir));
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape it reads
export function findObject<T = KubeObject>(manifests: readonly LoadedManifest[], kind: string, name?: string): T {
  const found = manifests.filter((m) => m.object.kind === kind && (name === undefined || m.object.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected exactly one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0]!.object as unknown as T;
}
