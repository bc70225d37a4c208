// Writing one rendered template
// (https://github.com/hashicorp/consul-template/blob/main/renderer/renderer.go): skip when the
// bytes (and requested mode) already match, create parent directories 0755 when allowed, keep the
// existing mode and owner unless `perms` says otherwise (default 0644), optionally keep one backup,
// and replace atomically. Nothing is followed through a symlink (the secrets volume is shared with
// the app): a link at the destination is replaced by the new file, never read, chmodded or copied
// from; a linked parent directory is refused (fs/no-follow.ts); the comparison reads at most the
// new content's size.
import { constants } from 'node:fs';
import { link, mkdir, open, rename, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { dirname } from 'node:path';
import type { TemplateConfig } from '../config/agent-config.js';
import { writeFileAtomic } from '../sink/atomic-file.js';
import { assertNoLinkedParents } from '../fs/no-follow.js';

/** What a write did: nothing, a new file, or different content over an existing one. */
export type WriteOutcome = 'unchanged' | 'created' | 'replaced';

/** Returns true when the file changed on disk. */
export async function writeRenderedFile(template: TemplateConfig, content: string): Promise<boolean> {
  return (await writeRenderedFileOutcome(template, content)) !== 'unchanged';
}

export async function writeRenderedFileOutcome(template: TemplateConfig, content: string): Promise<WriteOutcome> {
  const destination = template.destination;
  const bytes = Buffer.from(content);
  await assertNoLinkedParents(destination);
  const existing = await openExistingRegularFile(destination);
  if (existing !== undefined && (await keptAsIs(existing, template, bytes))) return 'unchanged';
  if (template.createDestDirs) {
    await mkdir(dirname(destination), { recursive: true, mode: 0o755 });
    // mkdir followed whatever it found: check again what it walked through.
    await assertNoLinkedParents(destination);
  }
  const existingStats = existing?.stats;
  const mode = template.perms ?? (existingStats === undefined ? 0o644 : existingStats.mode & 0o7777);
  if (template.backup && existingStats !== undefined) await rotateBackup(destination);
  await writeFileAtomic(destination, bytes, { mode, ...ownerOf(existingStats) });
  return existing === undefined ? 'created' : 'replaced';
}

/** True when the file already holds `bytes` (its mode is then corrected to `perms` if need be). Closes the handle. */
async function keptAsIs(existing: { handle: FileHandle; stats: Stats }, template: TemplateConfig, bytes: Buffer): Promise<boolean> {
  try {
    if (!(await sameContent(existing.handle, existing.stats, bytes))) return false;
    if (template.perms !== undefined && (existing.stats.mode & 0o7777) !== template.perms) await existing.handle.chmod(template.perms);
    return true;
  } finally {
    await existing.handle.close();
  }
}

/**
 * The destination opened without following a link (O_NOFOLLOW; O_NONBLOCK so a planted FIFO
 * cannot hang the open), when it is a regular file; undefined for nothing, a link, or anything else.
 */
async function openExistingRegularFile(path: string): Promise<{ handle: FileHandle; stats: Stats } | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  const stats = await handle.stat();
  if (stats.isFile()) return { handle, stats };
  await handle.close();
  return undefined;
}

/** Compares without reading more than the new content's size (a huge file differs by its size). */
async function sameContent(handle: FileHandle, stats: Stats, bytes: Buffer): Promise<boolean> {
  if (stats.size !== bytes.length) return false;
  const buffer = Buffer.alloc(bytes.length + 1);
  let offset = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, offset, buffer.length - offset, offset);
    if (bytesRead === 0) break;
    offset += bytesRead;
    if (offset === buffer.length) return false;
  }
  return offset === bytes.length && buffer.subarray(0, offset).equals(bytes);
}

function ownerOf(stats: Stats | undefined): { owner?: { uid: number; gid: number } } {
  return stats === undefined ? {} : { owner: { uid: stats.uid, gid: stats.gid } };
}

async function rotateBackup(destination: string): Promise<void> {
  const backup = `${destination}.bak`;
  await rename(backup, `${destination}.old.bak`).catch(() => undefined);
  await unlink(backup).catch(() => undefined);
  await link(destination, backup);
}
