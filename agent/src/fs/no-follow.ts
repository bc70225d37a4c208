// Symlink rules for everything the agent writes (rendered files, token sinks, writeToFile, the
// persistent cache). The secrets volume is shared with the app containers, which can plant links:
// at the destination (handled by the writers: lstat, O_NOFOLLOW, rename replaces the link itself)
// or as a directory on the way to it (handled here). A symlink among the destination's parent
// directories is refused unless only root could have put it there: the link and its directory are
// owned by root and the directory is writable by nobody else (e.g. /var/run → /run in an image).
// Links in a pod volume (emptyDir: world- or group-writable, or owned by the pod's user) never
// qualify. Checked immediately before each write; Node has no openat(), so a link swapped in
// between the check and the write is not caught (documented in docs/agent.md).
import { lstatSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';

export class SymlinkRefusedError extends Error {
  override readonly name = 'SymlinkRefusedError';
  readonly code = 'ESYMLINK';
  constructor(
    readonly path: string,
    readonly link: string,
  ) {
    super(`refusing to write ${path}: ${link} is a symbolic link in a directory others can write (links are not followed in secret volumes)`);
  }
}

/** Every ancestor directory of `path` (not `path` itself), outermost first, excluding "/". */
function ancestors(path: string): string[] {
  const absolute = resolve(path);
  const parts = absolute.split(sep).filter(Boolean);
  const result: string[] = [];
  for (let index = 1; index < parts.length; index += 1) result.push(`${sep}${parts.slice(0, index).join(sep)}`);
  return result;
}

function trusted(link: Stats, parent: Stats): boolean {
  return link.uid === 0 && parent.uid === 0 && (parent.mode & 0o022) === 0;
}

function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

/** Throws SymlinkRefusedError when an ancestor directory of `path` is an untrusted symlink. */
export async function assertNoLinkedParents(path: string): Promise<void> {
  let parentStats = await lstat(sep);
  for (const directory of ancestors(path)) {
    let stats: Stats;
    try {
      stats = await lstat(directory);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return;
      throw error;
    }
    if (stats.isSymbolicLink() && !trusted(stats, parentStats)) throw new SymlinkRefusedError(path, directory);
    // A trusted link is followed: the next component's parent is its target.
    parentStats = stats.isSymbolicLink() ? await lstat(`${directory}${sep}.`) : stats;
  }
}

/** The synchronous twin, for writeToFile (template functions run synchronously). */
export function assertNoLinkedParentsSync(path: string): void {
  let parentStats = lstatSync(sep);
  for (const directory of ancestors(path)) {
    let stats: Stats;
    try {
      stats = lstatSync(directory);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return;
      throw error;
    }
    if (stats.isSymbolicLink() && !trusted(stats, parentStats)) throw new SymlinkRefusedError(path, directory);
    parentStats = stats.isSymbolicLink() ? lstatSync(`${directory}${sep}.`) : stats;
  }
}

/** lstat, or undefined when nothing is there. */
export async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return undefined;
    throw error;
  }
}
