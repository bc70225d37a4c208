// Writing one rendered template (spec §2.11): skip when the bytes (and requested mode) already
// match, create parent directories 0755 when allowed, keep the existing mode and owner unless
// `perms` says otherwise (default 0644), optionally keep one backup, and replace atomically.
import { chmod, link, mkdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { dirname } from 'node:path';
import type { TemplateConfig } from '../config/agent-config.js';
import { writeFileAtomic } from '../sink/atomic-file.js';

/** Returns true when the file changed on disk. */
export async function writeRenderedFile(template: TemplateConfig, content: string): Promise<boolean> {
  const destination = template.destination;
  const existingStats = await stat(destination).catch(() => undefined);
  const existing = existingStats?.isFile() === true ? await readFile(destination).catch(() => undefined) : undefined;
  const bytes = Buffer.from(content);
  if (existing !== undefined && existing.equals(bytes)) {
    if (template.perms !== undefined && existingStats !== undefined && (existingStats.mode & 0o7777) !== template.perms) {
      await chmod(destination, template.perms);
    }
    return false;
  }
  if (template.createDestDirs) await mkdir(dirname(destination), { recursive: true, mode: 0o755 });
  const mode = template.perms ?? (existingStats === undefined ? 0o644 : existingStats.mode & 0o7777);
  if (template.backup && existing !== undefined) await rotateBackup(destination);
  await writeFileAtomic(destination, bytes, { mode, ...ownerOf(existingStats) });
  return true;
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
