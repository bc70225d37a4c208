// consul-template's writeToFile side effect: writes (or appends to) a side file during rendering.
// It refuses symlinks (at the path and among its parent directories, fs/no-follow.ts), creates
// parents, applies the mode through its own descriptor, and leaves identical files alone without
// reading more than the new content's size.
import { closeSync, constants, fchmodSync, fchownSync, fstatSync, lstatSync, mkdirSync, openSync, readSync, realpathSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { TemplateSideEffects } from '../../../template/src/index.js';
import { tempPathFor } from '../sink/atomic-file.js';
import { assertNoLinkedParentsSync } from '../fs/no-follow.js';

export const fileSideEffects: TemplateSideEffects = {
  writeToFile(request) {
    const existing = lstatOrUndefined(request.path);
    if (existing?.isSymbolicLink() === true) throw new Error(`writeToFile: refusing to write through symlink ${request.path}`);
    assertNoLinkedParentsSync(request.path);
    const content = Buffer.from(request.newline && !request.content.endsWith('\n') ? `${request.content}\n` : request.content);
    const mode = request.perms === '' ? 0o644 : Number.parseInt(request.perms, 8);
    mkdirSync(dirname(request.path), { recursive: true, mode: 0o755 });
    assertNoLinkedParentsSync(request.path);
    const uid = numericId(request.user);
    const gid = numericId(request.group);
    const finish = (fd: number): void => {
      fchmodSync(fd, mode);
      if (uid !== undefined || gid !== undefined) {
        try {
          fchownSync(fd, uid ?? -1, gid ?? -1);
        } catch {
          // Without CAP_CHOWN (the injector drops it) ownership stays the agent's.
        }
      }
    };
    if (request.append) {
      // O_NOFOLLOW: a link swapped in after the lstat above fails the open instead of being followed.
      const fd = openSync(request.path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK, mode);
      try {
        if (!fstatSync(fd).isFile()) throw new Error(`writeToFile: ${request.path} is not a regular file`);
        writeAll(fd, content);
        finish(fd);
      } finally {
        closeSync(fd);
      }
      return;
    }
    if (existing?.isFile() === true && sameContent(request.path, content)) {
      const fd = openSync(request.path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      try {
        finish(fd);
      } finally {
        closeSync(fd);
      }
      return;
    }
    const temp = tempPathFor(request.path);
    const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
    try {
      writeAll(fd, content);
      finish(fd);
    } catch (error) {
      closeSync(fd);
      unlinkSync(temp);
      throw error;
    }
    closeSync(fd);
    renameSync(temp, request.path);
  },
};

function writeAll(fd: number, content: Buffer): void {
  let offset = 0;
  while (offset < content.length) offset += writeSync(fd, content, offset, content.length - offset);
}

/** Same bytes, read through no link and never more than the new content's size. */
function sameContent(path: string, content: Buffer): boolean {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return false;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.size !== content.length) return false;
    const buffer = Buffer.alloc(content.length + 1);
    let offset = 0;
    for (;;) {
      const read = readSync(fd, buffer, offset, buffer.length - offset, offset);
      if (read === 0) break;
      offset += read;
      if (offset === buffer.length) return false;
    }
    return offset === content.length && buffer.subarray(0, offset).equals(content);
  } finally {
    closeSync(fd);
  }
}

function lstatOrUndefined(path: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function numericId(value: string): number | undefined {
  return /^[0-9]+$/.test(value) ? Number(value) : undefined;
}

/**
 * writeToFile confined to a sandbox_path: the target's directory, once created and with symlinks
 * resolved, must lie inside the sandbox (resolved too). consul-template does not sandbox
 * writeToFile; a template with a sandbox_path is one whose author asked for confinement.
 */
export function sandboxedSideEffects(sandboxPath: string): TemplateSideEffects {
  return {
    writeToFile(request) {
      const target = resolve(request.path);
      const root = realpathSync(sandboxPath);
      const lexical = relative(resolve(sandboxPath), target);
      if (lexical === '..' || lexical.startsWith('../') || isAbsolute(lexical)) throw new Error(`writeToFile: '${request.path}' is outside of sandbox`);
      mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
      const resolved = relative(root, realpathSync(dirname(target)));
      if (resolved === '..' || resolved.startsWith('../') || isAbsolute(resolved)) throw new Error(`writeToFile: '${request.path}' is outside of sandbox`);
      fileSideEffects.writeToFile({ ...request, path: target });
    },
  };
}
