// Runs a CommonJS bundle through vm.Script with a V8 code cache made at build time, so start-up
// skips parsing and compiling the functions the agent runs (Node 20 has no module compile cache).
// The cache holds bytecode only, no values: nothing from the build machine's environment.
// V8 itself rejects a cache made by another V8 version, with other flags or for a source of
// another length; the bundle's first line carries a digest of its content, which the cache
// repeats, so a rebuilt bundle never meets a stale cache. A missing or rejected cache only
// means compiling as usual.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';
import { setFlagsFromString } from 'node:v8';

const DIGEST_PREFIX = '// bundle-digest ';
const DIGEST_HEX_LENGTH = 64;

/**
 * The bundle file's text for a CommonJS module `source`: a digest line, then the module wrapped in
 * CommonJS's function (on the module's first line, so stack traces keep their line numbers).
 * Wrapping at build time spares a copy of the whole source in every agent's heap.
 */
export function toBundleFileText(source: string): string {
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  return `${DIGEST_PREFIX}${createHash('sha256').update(wrapped).digest('hex')}\n${wrapped}`;
}

function digestOf(text: string): string | undefined {
  if (!text.startsWith(DIGEST_PREFIX)) return undefined;
  const digest = text.slice(DIGEST_PREFIX.length, DIGEST_PREFIX.length + DIGEST_HEX_LENGTH);
  return /^[0-9a-f]{64}$/.test(digest) ? digest : undefined;
}

type ModuleFactory = (...wrapperArguments: [exports: unknown, require: NodeJS.Require, module: { exports: unknown }, filename: string, dirname: string]) => void;

/**
 * Code cache for a bundle file's text: its digest (ASCII) then V8's data. Every function is
 * compiled eagerly (--no-lazy while compiling) so the cache covers the functions a run needs, not
 * just the top level; lazy compilation is switched back on before the data is made, because V8
 * only accepts a cache whose flags match the consuming process (test/agent/agent-bundle.test.ts
 * checks that a fresh process accepts it). vm's compileFunction cannot do this: its cache is made
 * while compiling, flags and all.
 */
export function createCodeCache(text: string, filename: string): Buffer {
  const digest = digestOf(text);
  if (digest === undefined) throw new Error(`${filename} has no digest line`);
  setFlagsFromString('--no-lazy');
  let script: Script;
  try {
    script = new Script(text, { filename });
  } finally {
    setFlagsFromString('--lazy');
  }
  return Buffer.concat([Buffer.from(digest, 'ascii'), script.createCachedData()]);
}

export interface LoadedScript {
  readonly exports: unknown;
  /** Whether V8 used the code cache. */
  readonly cacheUsed: boolean;
}

/** Evaluates a bundle file's `text` (read from `filename`) as a CommonJS module, with `cache` when it matches. */
export function runCodeCachedScript(text: string, filename: string, cache: Buffer | undefined): LoadedScript {
  const digest = digestOf(text);
  if (digest === undefined) throw new Error(`${filename} is not a bundle file (no digest line)`);
  const matching = cache !== undefined && cache.subarray(0, DIGEST_HEX_LENGTH).toString('ascii') === digest;
  const script = new Script(text, { filename, ...(matching ? { cachedData: cache.subarray(DIGEST_HEX_LENGTH) } : {}) });
  const module = { exports: {} as unknown };
  (script.runInThisContext() as ModuleFactory)(module.exports, createRequire(filename), module, filename, dirname(filename));
  return { exports: module.exports, cacheUsed: matching && !script.cachedDataRejected };
}
