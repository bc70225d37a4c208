// Compiles image/launcher/vault-env-launcher.c once (per source content) with the same flags as
// Dockerfile.agent, into the OS temp directory, and returns the binary's path. Concurrent jest
// workers race safely: each compiles to its own temporary name and renames into place.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './repo-paths.js';

export const LAUNCHER_SOURCE = join(REPO_ROOT, 'image/launcher/vault-env-launcher.c');
/** Flags shared with Dockerfile.agent's launcher stage (a test checks they agree). */
export const LAUNCHER_CFLAGS = ['-static', '-Os', '-std=c11', '-Wall', '-Wextra', '-Werror', '-D_FORTIFY_SOURCE=2'];

const built = new Map<string, string>();

/** The launcher, compiled as in the image. */
export function launcherBinary(): string {
  return compileStatic(LAUNCHER_SOURCE, 'vault-env-launcher');
}

/** Any single-file C program, compiled static with the launcher's flags (test programs for "distroless" containers). */
export function compileStatic(sourcePath: string, name: string): string {
  const cached = built.get(sourcePath);
  if (cached !== undefined) return cached;
  const source = readFileSync(sourcePath);
  const digest = createHash('sha256').update(source).update(LAUNCHER_CFLAGS.join(' ')).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `${name}-${digest}`);
  const binary = join(dir, name);
  if (!existsSync(binary)) {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    const temporary = `${binary}.${process.pid}.tmp`;
    try {
      execFileSync('gcc', [...LAUNCHER_CFLAGS, '-o', temporary, sourcePath], { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const cause = error as NodeJS.ErrnoException & { stderr?: Buffer };
      if (cause.code === 'ENOENT') {
        throw new Error(`gcc not found: the env-var tests compile ${sourcePath} statically; run \`apt-get install gcc libc6-dev\``);
      }
      throw new Error(`compiling ${sourcePath} failed (static glibc needs libc6-dev: \`apt-get install gcc libc6-dev\`):\n${cause.stderr?.toString() ?? String(error)}`);
    }
    renameSync(temporary, binary);
  }
  built.set(sourcePath, binary);
  return binary;
}
