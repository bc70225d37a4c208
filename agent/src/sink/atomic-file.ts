// Atomic file replacement: a randomly named temp file in the destination directory, written,
// fsynced, given its mode, then renamed over the target, so readers see the old or the new file,
// never a partial one. Temp files still open are tracked so a dying process can remove them.
import { lstat, open, readdir, rename, unlink } from 'node:fs/promises';
import { unlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { assertNoLinkedParents } from '../fs/no-follow.js';

const pendingTempFiles = new Set<string>();

/** `.NAME.tmp.XXXXXXXX` beside NAME: recognisable, so a later start can remove what a SIGKILL left. */
export function tempPathFor(destination: string): string {
  return join(dirname(destination), `.${basename(destination)}.tmp.${randomBytes(4).toString('hex')}`);
}

/**
 * Removes temp files that a killed agent (SIGKILL: no exit handler runs) left beside these
 * destinations: regular files named exactly as tempPathFor names them. Returns how many.
 */
export async function removeStaleTempFiles(destinations: readonly string[]): Promise<number> {
  const byDirectory = new Map<string, Set<string>>();
  for (const destination of destinations) {
    const names = byDirectory.get(dirname(destination)) ?? new Set<string>();
    names.add(basename(destination));
    byDirectory.set(dirname(destination), names);
  }
  let removed = 0;
  for (const [directory, names] of byDirectory) {
    const entries = await readdir(directory).catch(() => [] as string[]);
    for (const entry of entries) {
      const match = /^\.(.+)\.tmp\.[0-9a-f]{8}$/.exec(entry);
      if (match === null || !names.has(match[1] ?? '')) continue;
      const path = join(directory, entry);
      const stats = await lstat(path).catch(() => undefined);
      if (stats?.isFile() !== true) continue;
      if (await unlink(path).then(() => true, () => false)) removed += 1;
    }
  }
  return removed;
}

export interface AtomicWriteOptions {
  readonly mode: number;
  /** Copy ownership to the temp file before the rename (best effort). */
  readonly owner?: { readonly uid: number; readonly gid: number };
}

export async function writeFileAtomic(destination: string, content: string | Uint8Array, options: AtomicWriteOptions): Promise<void> {
  // The temp file is created O_EXCL (never through a link) and renamed over the destination, which
  // replaces a link there rather than writing through it; a linked parent directory is refused.
  await assertNoLinkedParents(destination);
  const temp = tempPathFor(destination);
  pendingTempFiles.add(temp);
  try {
    const handle = await open(temp, 'wx', options.mode);
    try {
      await handle.writeFile(content);
      // The process umask may have narrowed the mode given to open().
      await handle.chmod(options.mode);
      if (options.owner !== undefined) await handle.chown(options.owner.uid, options.owner.gid).catch(() => undefined);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, destination);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  } finally {
    pendingTempFiles.delete(temp);
  }
}

/** Removes temp files of writes still in flight; safe to call from a process 'exit' handler. */
export function removePendingTempFiles(): void {
  for (const temp of pendingTempFiles) {
    try {
      unlinkSync(temp);
    } catch {
      // Already renamed or never created.
    }
  }
  pendingTempFiles.clear();
}
