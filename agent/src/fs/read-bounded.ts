// Reading a file the agent does not fully trust (the persistent cache, an existing destination):
// never through a symlink (O_NOFOLLOW), only regular files, and sized with fstat before a byte is
// read, so a planted link to /dev/zero or a 100 MB garbage file costs nothing.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { open } from 'node:fs/promises';

export class FileTooLargeError extends Error {
  override readonly name = 'FileTooLargeError';
  constructor(
    readonly path: string,
    readonly sizeBytes: number,
    readonly limitBytes: number,
  ) {
    super(`${path} is ${sizeBytes} bytes, more than the ${limitBytes} allowed`);
  }
}

export class NotRegularFileError extends Error {
  override readonly name = 'NotRegularFileError';
  readonly code = 'ENOTREG';
  constructor(readonly path: string) {
    super(`${path} is not a regular file`);
  }
}

/** The size to read, once the opened file is known to be a regular file within the limit. */
function checkedSize(path: string, stats: Stats, maxBytes: number): number {
  if (!stats.isFile()) throw new NotRegularFileError(path);
  if (stats.size > maxBytes) throw new FileTooLargeError(path, stats.size, maxBytes);
  return stats.size;
}

/**
 * The file's bytes, or throws: ELOOP (a symlink, unless followSymlinks), NotRegularFileError, FileTooLargeError, or the
 * open error (ENOENT…). O_NONBLOCK keeps a FIFO planted at the path from blocking the open.
 */
export async function readFileBounded(path: string, maxBytes: number, options: { readonly followSymlinks?: boolean } = {}): Promise<Buffer> {
  // followSymlinks: for inputs an operator mounts (a Secret or ConfigMap volume's files are symlinks).
  const noFollow = options.followSymlinks === true ? 0 : constants.O_NOFOLLOW;
  const handle = await open(path, constants.O_RDONLY | noFollow | constants.O_NONBLOCK);
  try {
    const buffer = Buffer.alloc(checkedSize(path, await handle.stat(), maxBytes));
    let offset = 0;
    // Reads what fstat saw, plus one probe byte to notice a file that grew meanwhile.
    while (offset < buffer.length) {
      const { bytesRead } = await handle.read(buffer, offset, buffer.length - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    const probe = await handle.read(Buffer.alloc(1), 0, 1, offset);
    if (probe.bytesRead > 0) throw new FileTooLargeError(path, offset + 1, Math.min(maxBytes, offset));
    return buffer.subarray(0, offset);
  } finally {
    await handle.close();
  }
}

/** readFileBounded for the few places that must read synchronously (TLS material, read when a connection is first made). */
export function readFileBoundedSync(path: string, maxBytes: number, options: { readonly followSymlinks?: boolean } = {}): Buffer {
  const noFollow = options.followSymlinks === true ? 0 : constants.O_NOFOLLOW;
  const fd = openSync(path, constants.O_RDONLY | noFollow | constants.O_NONBLOCK);
  try {
    const buffer = Buffer.alloc(checkedSize(path, fstatSync(fd), maxBytes));
    let offset = 0;
    while (offset < buffer.length) {
      const bytesRead = readSync(fd, buffer, offset, buffer.length - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    if (readSync(fd, Buffer.alloc(1), 0, 1, offset) > 0) throw new FileTooLargeError(path, offset + 1, Math.min(maxBytes, offset));
    return buffer.subarray(0, offset);
  } finally {
    closeSync(fd);
  }
}

/**
 * PEM files (CA bundles, certificates, keys). A full public CA bundle is ~0.2 MB; 4 MiB leaves room
 * for any real bundle while a path pointed at /dev/zero or a huge file is refused by name.
 */
export const MAX_PEM_FILE_BYTES = 4 << 20;

/** TLS files named in annotations and config (Vault client, listener): bounded, regular files, symlinks followed (Secret volumes). */
export function readPemFileSync(path: string): Buffer {
  return readFileBoundedSync(path, MAX_PEM_FILE_BYTES, { followSymlinks: true });
}

/** readFileBounded as UTF-8 text. */
export async function readTextBounded(path: string, maxBytes: number, options: { readonly followSymlinks?: boolean } = {}): Promise<string> {
  return (await readFileBounded(path, maxBytes, options)).toString('utf8');
}

/** Whether an error is readFileBounded's refusal of the file itself (too large, not a regular file). */
export function isBoundedReadRefusal(error: unknown): error is FileTooLargeError | NotRegularFileError {
  return error instanceof FileTooLargeError || error instanceof NotRegularFileError;
}
