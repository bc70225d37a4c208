// consul-template's `file` dependency on the agent side: reads a local file for templates, bounded
// in size, with symlinks resolved and checked against the template's sandbox_path (as
// consul-template's resolveSandboxedPath does). Between polls only stat() runs; the content is read
// again when size, mtime, ctime or inode change.
// https://github.com/hashicorp/consul-template/blob/main/dependency/file.go
import { realpath, open, stat } from 'node:fs/promises';
import { relative, isAbsolute } from 'node:path';
import type { FileContent, TemplateDependency } from '../../../template/src/index.js';

/** Templates get files up to this size; a larger one is an error naming it. */
export const MAX_TEMPLATE_FILE_BYTES = 4 << 20;

/** consul-template polls a file dependency every 2 s. */
export const FILE_POLL_MS = 2000;

interface Seen {
  readonly key: string;
  readonly value: FileContent;
}

export class LocalFiles {
  readonly #seen = new Map<string, Seen>();
  readonly #maxBytes: number;

  constructor(maxBytes = MAX_TEMPLATE_FILE_BYTES) {
    this.#maxBytes = maxBytes;
  }

  /**
   * The file's content (or a sandbox refusal, which templates see as an error). Throws when the file
   * cannot be read (missing, unreadable, too large): the tracker retries as for any fetch.
   */
  async read(dependency: TemplateDependency & { kind: 'file' }): Promise<FileContent> {
    const target = await realpath(dependency.path);
    if (dependency.sandbox !== undefined) {
      const root = await realpath(dependency.sandbox).catch((error: unknown) => {
        throw new Error(`failed to resolve sandbox path: ${(error as Error).message}`);
      });
      const rel = relative(root, target);
      if (rel === '..' || rel.startsWith('../') || isAbsolute(rel)) return { error: `'${dependency.path}' is outside of sandbox` };
    }
    const info = await stat(target);
    if (!info.isFile()) throw new Error(`file(${dependency.path}): not a regular file`);
    if (info.size > this.#maxBytes) throw new Error(`file(${dependency.path}): ${info.size} bytes is more than the ${this.#maxBytes} a template may read`);
    const key = `${target}:${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`;
    const seen = this.#seen.get(dependency.id);
    if (seen?.key === key) return seen.value;
    const handle = await open(target, 'r');
    try {
      const buffer = Buffer.alloc(Math.min(info.size, this.#maxBytes) + 1);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      if (bytesRead > this.#maxBytes) throw new Error(`file(${dependency.path}): grew past the ${this.#maxBytes} bytes a template may read`);
      const value = { content: buffer.subarray(0, bytesRead).toString('utf8') };
      this.#seen.set(dependency.id, { key, value });
      return value;
    } finally {
      await handle.close();
    }
  }

  forget(id: string): void {
    this.#seen.delete(id);
  }
}
