// Build side of code-cached-script.ts: the bundle file's text and its V8 code cache, made by
// scripts/build-agent-bundle.mjs. Kept apart so the agent's launcher loads neither node:crypto's
// hashing nor node:v8.
import { createHash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';
import { DIGEST_PREFIX, digestOf } from './code-cached-script.js';

/**
 * The bundle file's text for a CommonJS module `source`: a digest line, then the module wrapped in
 * CommonJS's function (on the module's first line, so stack traces keep their line numbers).
 * Wrapping at build time spares a copy of the whole source in every agent's heap.
 */
export function toBundleFileText(source: string): string {
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  return `${DIGEST_PREFIX}${createHash('sha256').update(wrapped).digest('hex')}\n${wrapped}`;
}

/**
 * An eager code cache for a bundle file's text: its digest (ASCII) then V8's data. The build now
 * makes the agent's cache from a training run instead (code-cache-trainer.ts: only the functions a
 * run compiles, half the size); this one serves the unit tests of the cache format. Every function is
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

