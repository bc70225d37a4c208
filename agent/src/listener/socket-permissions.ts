// A unix listener's socket_mode/socket_user/socket_group: once the socket is bound, it is given to
// the user and group (a name or a numeric id) and then chmod'ed to the mode, as Vault Agent's
// listenerutil.UnixSocketListener does; a failure stops the listener, as there ("failed to set
// file system permissions on the socket file"):
// https://github.com/hashicorp/vault/blob/main/internalshared/listenerutil/listener.go
import { chmod } from 'node:fs/promises';
import type { SocketPermissions } from '../config/agent-config.js';
import type { AccountFiles } from '../render/file-owner.js';
import { applyFileOwner, resolveFileOwner } from '../render/file-owner.js';

export async function applySocketPermissions(path: string, socket: SocketPermissions, files?: AccountFiles): Promise<void> {
  try {
    const owner = await resolveFileOwner(socket.user, socket.group, files);
    if (owner !== undefined) await applyFileOwner(path, owner);
    // After the chown: chown(2) may clear set-id bits.
    await chmod(path, socket.mode);
  } catch (error) {
    throw new Error(`failed to set file system permissions on the socket file ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
