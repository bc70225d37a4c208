// consul-template's writeToFile side effect: writes (or appends to) a side file during rendering.
// It refuses symlinks, creates parents, applies the mode, and leaves identical files alone.
import { appendFileSync, chmodSync, chownSync, lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TemplateSideEffects } from '../../../template/src/index.js';
import { tempPathFor } from '../sink/atomic-file.js';

export const fileSideEffects: TemplateSideEffects = {
  writeToFile(request) {
    const existing = lstatOrUndefined(request.path);
    if (existing?.isSymbolicLink() === true) throw new Error(`writeToFile: refusing to write through symlink ${request.path}`);
    const content = request.newline && !request.content.endsWith('\n') ? `${request.content}\n` : request.content;
    const mode = request.perms === '' ? 0o644 : Number.parseInt(request.perms, 8);
    mkdirSync(dirname(request.path), { recursive: true, mode: 0o755 });
    if (request.append) {
      appendFileSync(request.path, content, { mode });
    } else {
      if (existing !== undefined && readFileSync(request.path, 'utf8') === content) return;
      const temp = tempPathFor(request.path);
      writeFileSync(temp, content, { mode });
      renameSync(temp, request.path);
    }
    chmodSync(request.path, mode);
    const uid = numericId(request.user);
    const gid = numericId(request.group);
    if (uid !== undefined || gid !== undefined) {
      try {
        chownSync(request.path, uid ?? -1, gid ?? -1);
      } catch {
        // Without CAP_CHOWN (the injector drops it) ownership stays the agent's.
      }
    }
  },
};

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
