import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCodeCache, toBundleFileText } from './code-cache-builder.js';
import { runCodeCachedScript } from './code-cached-script.js';
import { loadAgentBundle } from './launch-bundle.js';

const BUNDLE = `"use strict";
const path = require('node:path');
function sloppyThis() { return this; }
module.exports = { answer: 6 * 7, strict: sloppyThis() === undefined, file: __filename, dir: __dirname, joined: path.join('a', 'b'), same: exports === module.exports };
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'code-cache-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('code-cached bundle', () => {
  // Whether V8 accepts a cache is tested in a fresh process (test/agent/agent-bundle.test.ts): within
  // one process V8 may reuse the script it compiled while making the cache.
  it('runs as a CommonJS module: strict, with require, module, exports, __filename, __dirname', () => {
    const source = toBundleFileText(BUNDLE);
    const file = join(dir, 'bundle.cjs');
    const loaded = runCodeCachedScript(source, file, createCodeCache(source, file));
    expect(loaded.exports).toEqual({ answer: 42, strict: true, file, dir, joined: join('a', 'b'), same: true });
  });

  it('calls beforeRun once, after compiling and before the module runs', () => {
    // The module sees what beforeRun wrote (a file: jest's globals are not the script's).
    const marker = join(dir, 'before-run-marker');
    const source = toBundleFileText(`module.exports = { seen: require('node:fs').readFileSync(${JSON.stringify(marker)}, 'utf8') };\n`);
    const calls: string[] = [];
    const loaded = runCodeCachedScript(source, join(dir, 'before-run.cjs'), undefined, () => {
      calls.push('beforeRun');
      writeFileSync(marker, `calls=${calls.length}`);
    });
    expect([calls, loaded.exports]).toEqual([['beforeRun'], { seen: 'calls=1' }]);
  });

  it('ignores a cache made for other content, even of the same length, and still runs the bundle', () => {
    const file = join(dir, 'bundle.cjs');
    const cache = createCodeCache(toBundleFileText(BUNDLE), file);
    const changed = toBundleFileText(BUNDLE.replace('6 * 7', '6 * 8'));
    const loaded = runCodeCachedScript(changed, file, cache);
    expect(loaded.cacheUsed).toBe(false);
    expect((loaded.exports as { answer: number }).answer).toBe(48);
  });

  it('runs without a cache; refuses a file that is not a bundle file', () => {
    const file = join(dir, 'bundle.cjs');
    const loaded = runCodeCachedScript(toBundleFileText(BUNDLE), file, undefined);
    expect([(loaded.exports as { answer: number }).answer, loaded.cacheUsed]).toEqual([42, false]);
    expect(() => runCodeCachedScript(BUNDLE, file, undefined)).toThrow(/not a bundle file/);
    expect(() => createCodeCache(BUNDLE, file)).toThrow(/no digest line/);
  });
});

describe('loadAgentBundle', () => {
  it('is undefined when the bundle is not built', () => {
    expect(loadAgentBundle(join(dir, 'nowhere'))).toBeUndefined();
  });

  it("returns the bundle's exports, with or without its cache", () => {
    const bundleDir = mkdtempSync(join(dir, 'bundle-'));
    const source = toBundleFileText('"use strict";\nexports.runAgentCli = async (argv) => argv.length;\n');
    writeFileSync(join(bundleDir, 'agent.cjs'), source);
    expect(Object.keys(loadAgentBundle(bundleDir) ?? {})).toEqual(['runAgentCli']);
    writeFileSync(join(bundleDir, 'agent.cjs.cache'), createCodeCache(source, join(bundleDir, 'agent.cjs')));
    expect(Object.keys(loadAgentBundle(bundleDir) ?? {})).toEqual(['runAgentCli']);
  });
});
