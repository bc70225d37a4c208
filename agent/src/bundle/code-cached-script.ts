// Runs a CommonJS bundle through vm.Script with a V8 code cache made at build time, so start-up
// skips parsing and compiling the functions the agent runs (Node 20 has no module compile cache).
// The cache holds bytecode only, no values: nothing from the build machine's environment.
// V8 itself rejects a cache made by another V8 version, with other flags or for a source of
// another length; the bundle's first line carries a digest of its content, which the cache
// repeats, so a rebuilt bundle never meets a stale cache. A missing or rejected cache only
// means compiling as usual.
// The build side (scripts/build-agent-bundle.mjs) is code-cache-builder.ts.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

export const DIGEST_PREFIX = '// bundle-digest ';
const DIGEST_HEX_LENGTH = 64;

/** The digest on a bundle file's first line. */
export function digestOf(text: string): string | undefined {
  if (!text.startsWith(DIGEST_PREFIX)) return undefined;
  const digest = text.slice(DIGEST_PREFIX.length, DIGEST_PREFIX.length + DIGEST_HEX_LENGTH);
  return /^[0-9a-f]{64}$/.test(digest) ? digest : undefined;
}

type ModuleFactory = (...wrapperArguments: [exports: unknown, require: NodeJS.Require, module: { exports: unknown }, filename: string, dirname: string]) => void;

export interface LoadedScript {
  readonly exports: unknown;
  /** Whether V8 used the code cache. */
  readonly cacheUsed: boolean;
}

/**
 * Evaluates a bundle file's `text` (read from `filename`) as a CommonJS module, with `cache` when it
 * matches. `beforeRun` runs once V8 has taken or refused the cache, before the module's code: V8
 * flags set there do not make V8 refuse the cache (it checks the flags while compiling).
 */
export function runCodeCachedScript(text: string, filename: string, cache: Buffer | undefined, beforeRun?: () => void): LoadedScript {
  const digest = digestOf(text);
  if (digest === undefined) throw new Error(`${filename} is not a bundle file (no digest line)`);
  const matching = cache !== undefined && cache.subarray(0, DIGEST_HEX_LENGTH).toString('ascii') === digest;
  const script = new Script(text, { filename, ...(matching ? { cachedData: cache.subarray(DIGEST_HEX_LENGTH) } : {}) });
  beforeRun?.();
  const module = { exports: {} as unknown };
  (script.runInThisContext() as ModuleFactory)(module.exports, createRequire(filename), module, filename, dirname(filename));
  return { exports: module.exports, cacheUsed: matching && !script.cachedDataRejected };
}
