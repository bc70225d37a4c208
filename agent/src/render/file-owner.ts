// A template's `user`/`group` (consul-template's renderer chowns the file it wrote): names are
// resolved from /etc/passwd and /etc/group when the agent starts, so a typo stops the agent with a
// clear error before anything is rendered; the chown itself needs root or CAP_CHOWN unless the
// file already has the requested owner, and a refusal names the file, the owner and the reason.
import { lchown, lstat, readFile } from 'node:fs/promises';

export interface FileOwner {
  /** -1 leaves the user (or group) as it is, as chown(2) does. */
  readonly uid: number;
  readonly gid: number;
  /** "user app (1000), group 1000", for messages. */
  readonly description: string;
}

export interface AccountFiles {
  readonly passwd: string;
  readonly group: string;
}

const SYSTEM_FILES: AccountFiles = { passwd: '/etc/passwd', group: '/etc/group' };

export async function resolveFileOwner(
  user: string | undefined,
  group: string | undefined,
  files: AccountFiles = SYSTEM_FILES,
): Promise<FileOwner | undefined> {
  if (user === undefined && group === undefined) return undefined;
  const uid = user === undefined ? -1 : await resolveId(user, files.passwd, 'user');
  const gid = group === undefined ? -1 : await resolveId(group, files.group, 'group');
  const part = (kind: string, name: string | undefined, id: number): string[] =>
    name === undefined ? [] : [/^[0-9]+$/.test(name) ? `${kind} ${id}` : `${kind} ${name} (${id})`];
  return { uid, gid, description: [...part('user', user, uid), ...part('group', group, gid)].join(', ') };
}

async function resolveId(name: string, file: string, kind: 'user' | 'group'): Promise<number> {
  if (/^[0-9]+$/.test(name)) return Number(name);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot resolve ${kind} ${JSON.stringify(name)}: ${file} is not readable (${(error as NodeJS.ErrnoException).code ?? 'error'}); give a numeric id instead`);
  }
  // name:password:id:… in both files.
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === name && fields[2] !== undefined && /^[0-9]+$/.test(fields[2])) return Number(fields[2]);
  }
  throw new Error(`${kind} ${JSON.stringify(name)} not found in ${file}`);
}

/** Gives `path` to `owner` (never following a symlink); a no-op when it already belongs to it. */
export async function applyFileOwner(path: string, owner: FileOwner): Promise<void> {
  const stats = await lstat(path);
  const uid = owner.uid === -1 ? stats.uid : owner.uid;
  const gid = owner.gid === -1 ? stats.gid : owner.gid;
  if (stats.uid === uid && stats.gid === gid) return;
  try {
    await lchown(path, uid, gid);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EPERM' || code === 'EACCES') {
      throw new Error(
        `cannot give ${path} to ${owner.description}: not permitted (the agent runs as uid ${process.getuid?.() ?? '?'}; changing a file's owner needs root or CAP_CHOWN)`,
      );
    }
    throw error;
  }
}
