// Where the agent benches put the agent's files (config, token sink, pid file, rendered secrets).
// In a pod every one of them lives on a tmpfs: vault-k8s mounts /home/vault and the secret volume
// as emptyDir volumes with `medium: Memory` (../shared/spec/vault-k8s-spec.md, "Volumes";
// https://kubernetes.io/docs/concepts/storage/volumes/#emptydir). The agent fsyncs each atomic
// write (agent/src/sink/atomic-file.ts), which on a tmpfs returns at once but on a disk-backed
// os.tmpdir() is a real flush, so a bench rendering into os.tmpdir() on ext4 times the disk, not
// the agent. This picks a tmpfs when the machine has one (/dev/shm on Linux) and says which it used.
import { mkdtempSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** statfs f_type of a tmpfs (Linux's TMPFS_MAGIC, include/uapi/linux/magic.h). */
const TMPFS_MAGIC = 0x01021994;
const CANDIDATES = ['/dev/shm'];

function isTmpfs(path: string): boolean {
  try {
    return statfsSync(path).type === TMPFS_MAGIC;
  } catch {
    return false;
  }
}

/** A fresh directory on a tmpfs when one is available, else under os.tmpdir(); `note` says which, for the bench's output. */
export function benchScratchDir(prefix: string): { readonly dir: string; readonly note: string } {
  const tmpfs = [tmpdir(), ...CANDIDATES].find(isTmpfs);
  if (tmpfs !== undefined) {
    const dir = mkdtempSync(join(tmpfs, prefix));
    return { dir, note: `agent files in ${dir} (tmpfs, as a pod's emptyDir medium: Memory)` };
  }
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, note: `agent files in ${dir}: no tmpfs found (${CANDIDATES.join(', ')}), so each fsync'd write reaches the disk, unlike in a pod` };
}
