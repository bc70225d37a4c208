// Paths that come from annotations (secret-volume-path, secret-volume-path-NAME,
// agent-inject-file-NAME, the secret names) are checked before they reach a mountPath or an agent
// destination (issue 10): a pod author must not be able to point a secret at /etc/shadow, at the
// agent's own token in /home/vault, or mount over the injector's volumes.
// Decision: mount paths must be absolute, without `.`/`..`/empty segments, not `/`, and not equal to
// or inside an injector path; any other directory (e.g. /etc) is the pod author's own container and
// allowed, as a volumeMount of theirs there would be. See docs/webhook-settings.md ("Limits").
import { posix } from 'node:path';
import { MOUNT_PATHS } from '../build/volumes.js';
import type { InjectionIssue } from '../issues.js';
import type { SecretSpec } from '../spec.js';
import { ANNOTATION_FAMILIES, POD_ANNOTATIONS, annotationKey } from './registry.js';

const INJECTOR_PATHS: readonly string[] = Object.values(MOUNT_PATHS);

function inside(path: string, directory: string): boolean {
  return path === directory || path.startsWith(`${directory}/`);
}

/** Why `path` cannot be a secrets mount path, or undefined when it can. */
export function mountPathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return `mount path ${JSON.stringify(path)} must be absolute`;
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  if (trimmed === '/') return 'mount path "/" is not allowed';
  if (trimmed.slice(1).split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    return `mount path ${JSON.stringify(path)} must be clean (no empty, "." or ".." segments)`;
  }
  const clash = INJECTOR_PATHS.find((injectorPath) => inside(trimmed, injectorPath));
  if (clash !== undefined) return `mount path ${JSON.stringify(path)} is the injector's own ${clash} or inside it`;
  return undefined;
}

function mountPathFix(annotation: string): string {
  return `Set ${annotationKey(annotation)} to an absolute, clean directory outside /home/vault and /vault/{configs,custom,tls,agent-cache} (e.g. /vault/secrets or /etc/app)`;
}

function fileFix(annotation: string): string {
  return `Set ${annotationKey(annotation)} to a file name inside the secret volume (e.g. "db.json" or "conf/db.json")`;
}

/** Problems with the secrets' mount paths and destinations; each names its annotation. */
export function secretPathIssues(secrets: readonly SecretSpec[], globalVolumePath: string, perSecretPathSet: (rawName: string) => boolean): InjectionIssue[] {
  const issues: InjectionIssue[] = [];
  const globalProblem = mountPathProblem(globalVolumePath);
  if (globalProblem !== undefined) {
    issues.push({ stage: 'validate', message: globalProblem, annotation: POD_ANNOTATIONS.secretVolumePath, value: globalVolumePath, fix: mountPathFix(POD_ANNOTATIONS.secretVolumePath) });
  }
  const seen = new Map<string, string>();
  for (const secret of secrets) {
    const mountIssue = perSecretPathSet(secret.rawName) ? ownMountPathIssue(secret) : undefined;
    if (mountIssue !== undefined) issues.push(mountIssue);
    const destinationIssue = destinationIssueOf(secret, seen);
    if (destinationIssue !== undefined) issues.push(destinationIssue);
  }
  return issues;
}

/** A secret's own secret-volume-path-NAME, checked like the global one. */
function ownMountPathIssue(secret: SecretSpec): InjectionIssue | undefined {
  const problem = mountPathProblem(secret.mountPath);
  const annotation = `${ANNOTATION_FAMILIES.secretVolumePath}${secret.rawName}`;
  return problem === undefined ? undefined : { stage: 'validate', message: problem, annotation, value: secret.mountPath, fix: mountPathFix(annotation) };
}

/** Matches an empty, "." or ".." segment or a trailing slash (so also "/" itself) in an absolute path. */
const UNCLEAN_SEGMENT = /\/\.{0,2}(?:\/|$)/;

/**
 * `${directory}/${name}` is already what posix.normalize makes of it and lies strictly inside
 * `directory` (itself normal): an absolute directory without empty, "." or ".." segments or a
 * trailing slash, and a name that is one segment, not "." and not starting with ".." (which the
 * check below would count as outside). The common case, decided without normalising anything.
 */
function plainlyInside(directory: string, name: string): boolean {
  return directory.startsWith('/') && !UNCLEAN_SEGMENT.test(directory) && name !== '' && name !== '.' && !name.startsWith('..') && !name.includes('/');
}

function destinationAnnotation(secret: SecretSpec, fromFile: boolean): string {
  return fromFile ? `${ANNOTATION_FAMILIES.file}${secret.rawName}` : `${ANNOTATION_FAMILIES.secret}${secret.rawName}`;
}

/** The normalised destination, or the issue when it is not a file inside the secret's volume. */
function normalizedDestination(secret: SecretSpec, fromFile: boolean): string | InjectionIssue {
  if (!fromFile && plainlyInside(secret.mountPath, secret.name)) return secret.destination;
  if (fromFile && (secret.destination.endsWith('/') || /\/\.{0,2}$/.test(secret.destination))) {
    const annotation = destinationAnnotation(secret, fromFile);
    return { stage: 'validate', message: `file name must not end in "/"`, annotation, value: secret.destination, fix: fileFix(annotation) };
  }
  const volume = posix.normalize(secret.mountPath).replace(/(.)\/$/, '$1');
  const destination = posix.normalize(secret.destination);
  const relative = posix.relative(volume, destination);
  if (relative === '' || relative.startsWith('..') || posix.isAbsolute(relative)) {
    const annotation = destinationAnnotation(secret, fromFile);
    return { stage: 'validate', message: `destination ${JSON.stringify(destination)} is outside the secret volume ${volume}`, annotation, value: secret.destination, fix: fileFix(annotation) };
  }
  return destination;
}

/**
 * The destination must name a file inside the secret's volume, and no other secret may write it
 * (`seen`: destinations so far, case-folded, with the secret that claimed each).
 */
function destinationIssueOf(secret: SecretSpec, seen: Map<string, string>): InjectionIssue | undefined {
  const fromFile = secret.destination !== `${secret.mountPath}/${secret.name}`;
  const destination = normalizedDestination(secret, fromFile);
  if (typeof destination !== 'string') return destination;
  // Two secrets writing one file (e.g. DB and db, or a/../b and b) would overwrite each other.
  const key = destination.toLowerCase();
  const other = seen.get(key);
  if (other === undefined) {
    seen.set(key, secret.rawName);
    return undefined;
  }
  const fix = `Give secrets ${JSON.stringify(secret.rawName)} and ${JSON.stringify(other)} different file names (they differ only in case or path spelling)`;
  const annotation = destinationAnnotation(secret, fromFile);
  return { stage: 'validate', message: `secret ${JSON.stringify(secret.rawName)} writes ${destination}, as secret ${JSON.stringify(other)} does (names must differ beyond case)`, annotation, value: secret.destination, fix };
}
