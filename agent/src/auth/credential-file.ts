// Reading a credential file the way Vault Agent's file-based methods ingest one (ingressPass in
// command/agentproxyshared/auth/ldap/ldap.go, https://github.com/hashicorp/vault): a missing file
// (or a symlink to a missing file) is skipped quietly; anything but a regular file or a symlink is
// refused; the content is taken as it is (not trimmed); an empty file yields nothing; with removal
// on, the file is deleted after any read — the symlink itself, or its target when removal follows
// symlinks.
import { lstat, realpath, stat, unlink } from 'node:fs/promises';
import { isBoundedReadRefusal } from '../fs/read-bounded.js';
import { readCredentialText } from './auth-method.js';
import { errorMessage } from '../vault/vault-error.js';

export interface CredentialFileOptions {
  readonly removeAfterReading: boolean;
  readonly removeFollowsSymlinks: boolean;
}

/** What one read found: the content, nothing (file absent or empty), or why the file was unusable. */
export type CredentialRead =
  | { readonly kind: 'value'; readonly value: string }
  | { readonly kind: 'none'; readonly reason: string }
  | { readonly kind: 'problem'; readonly reason: string };

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT' || (error as NodeJS.ErrnoException | undefined)?.code === 'ENOTDIR';
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? errorMessage(error);
}

export async function ingestCredentialFile(path: string, options: CredentialFileOptions): Promise<CredentialRead> {
  let info;
  try {
    info = await lstat(path);
  } catch (error) {
    return isMissing(error) ? { kind: 'none', reason: 'no file' } : { kind: 'problem', reason: `cannot stat the file (${errorCode(error)})` };
  }
  let target = path;
  if (info.isSymbolicLink()) {
    try {
      target = await realpath(path);
      await stat(target);
    } catch (error) {
      return isMissing(error) ? { kind: 'none', reason: 'the symlink points at no file' } : { kind: 'problem', reason: `cannot resolve the symlink (${errorCode(error)})` };
    }
  } else if (!info.isFile()) {
    return { kind: 'problem', reason: 'not a regular file or symlink' };
  }
  let content: string;
  try {
    content = await readCredentialText(path);
  } catch (error) {
    if (isBoundedReadRefusal(error)) return { kind: 'problem', reason: error.message };
    return { kind: 'problem', reason: `cannot read the file (${errorCode(error)})` };
  }
  // Deletion fails on read-only mounts; Vault Agent only logs that, and so the next read finds the
  // same value again.
  if (options.removeAfterReading) await unlink(options.removeFollowsSymlinks ? target : path).catch(() => undefined);
  return content === '' ? { kind: 'none', reason: 'the file is empty' } : { kind: 'value', value: content };
}
