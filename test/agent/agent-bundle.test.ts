// The built agent bundle (dist/agent-bundle, `npm run build`): its launcher runs `agent` and
// `token` like the CLI, it loads no `worker_threads`/`assert` (pino's transports are stubbed out),
// its code cache is accepted by a fresh node process (and refused when it
// does not match), and the CLI's `agent`/`token` run from it. Rendering through it end to end is in
// the agent e2e tests (they run dist/cli/main.js agent) and test/images/production-install.test.ts.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/repo-paths.js';

const BUNDLE_DIR = join(REPO_ROOT, 'dist', 'agent-bundle');
const CODE_CACHED_SCRIPT = join(REPO_ROOT, 'dist', 'agent', 'src', 'bundle', 'code-cached-script.js');

let scratch: string;
beforeAll(() => {
  if (!existsSync(join(BUNDLE_DIR, 'main.cjs'))) throw new Error('dist/agent-bundle is missing: run `npm run build` first (npm test does)');
  scratch = mkdtempSync(join(tmpdir(), 'agent-bundle-'));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function node(args: readonly string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Loads `bundle` with `cache` in a fresh node process (default V8 flags, as in the pod); prints cacheUsed. */
function cacheUsedInFreshProcess(bundle: string, cache: string): boolean {
  const script = `
    import { readFileSync } from 'node:fs';
    import { runCodeCachedScript } from ${JSON.stringify(CODE_CACHED_SCRIPT)};
    const loaded = runCodeCachedScript(readFileSync(${JSON.stringify(bundle)}, 'utf8'), ${JSON.stringify(bundle)}, readFileSync(${JSON.stringify(cache)}));
    process.stdout.write(JSON.stringify({ cacheUsed: loaded.cacheUsed, exports: Object.keys(loaded.exports).sort() }));
  `;
  const result = node(['--input-type=module', '-e', script]);
  expect(result.stderr).toBe('');
  const output = JSON.parse(result.stdout) as { cacheUsed: boolean; exports: string[] };
  expect(output.exports).toEqual(['AGENT_CLI_USAGE', 'runAgentCli', 'runAgentCommand', 'runTokenCommand']);
  return output.cacheUsed;
}

test('a fresh node process accepts the code cache built with the bundle', () => {
  expect(cacheUsedInFreshProcess(join(BUNDLE_DIR, 'agent.cjs'), join(BUNDLE_DIR, 'agent.cjs.cache'))).toBe(true);
});

test('a cache that does not match the bundle is not used: another digest, or garbage after the right digest', () => {
  const bundle = join(scratch, 'agent.cjs');
  const source = readFileSync(join(BUNDLE_DIR, 'agent.cjs'), 'utf8');
  // Same length, another digest: the digest line does not match the cache.
  writeFileSync(bundle, source.replace(/^(\/\/ bundle-digest )([0-9a-f])/, (_, prefix: string, digit: string) => `${prefix}${digit === '0' ? '1' : '0'}`));
  copyFileSync(join(BUNDLE_DIR, 'agent.cjs.cache'), join(scratch, 'other.cache'));
  expect(cacheUsedInFreshProcess(bundle, join(scratch, 'other.cache'))).toBe(false);
  // The right digest, then bytes V8 refuses.
  writeFileSync(bundle, source);
  writeFileSync(join(scratch, 'garbage.cache'), Buffer.concat([readFileSync(join(BUNDLE_DIR, 'agent.cjs.cache')).subarray(0, 64), Buffer.alloc(4096, 7)]));
  expect(cacheUsedInFreshProcess(bundle, join(scratch, 'garbage.cache'))).toBe(false);
});

test('the launcher runs agent and token with their own usage and exit codes', () => {
  const main = join(BUNDLE_DIR, 'main.cjs');
  const help = node([main, 'agent', '-h']);
  expect([help.status, help.stdout]).toEqual([0, expect.stringMatching(/^Usage: vault-injector agent -config=FILE/)]);
  const missing = node([main, 'agent', `-config=${join(scratch, 'missing.json')}`]);
  expect([missing.status, missing.stderr]).toEqual([1, expect.stringContaining(`Error loading configuration`)]);
  const token = node([main, 'token', 'revoke'], { HOME: scratch });
  expect([token.status, token.stderr]).toEqual([1, expect.stringContaining('only "token revoke -self" is supported')]);
  const none = node([main]);
  expect([none.status, none.stderr]).toEqual([1, expect.stringContaining('No command given')]);
  const unknown = node([main, 'agent-inject']);
  expect([unknown.status, unknown.stderr]).toEqual([1, expect.stringContaining('Unknown command: agent-inject')]);
});

test('the launcher answers agent and token exactly as the compiled module tree does', () => {
  const main = join(BUNDLE_DIR, 'main.cjs');
  const moduleTree = (args: readonly string[]) => {
    const [command, ...rest] = args;
    const [file, name] = command === 'agent' ? ['main.js', 'runAgentCommand'] : ['token-command.js', 'runTokenCommand'];
    const script = `import(${JSON.stringify(join(REPO_ROOT, 'dist', 'agent', 'src', file))}).then((m) => m.${name}(${JSON.stringify(rest)})).then((code) => { process.exitCode = code; });`;
    return node(['-e', script], { HOME: scratch });
  };
  for (const args of [['agent', '-h'], ['agent', '-bogus'], ['agent', `-config=${join(scratch, 'nope.hcl')}`], ['token', 'revoke', '-bogus', '-self'], ['token', 'revoke', '-self']]) {
    expect([args, node([main, ...args], { HOME: scratch })]).toEqual([args, moduleTree(args)]);
  }
});

test("an agent run from the bundle loads neither worker_threads nor assert: pino's transports and SonicBoom are stubbed out", () => {
  // runAgentCli evaluates the agent's modules, pino included, before it reads the (missing) config.
  const script = `
    import { readFileSync } from 'node:fs';
    import { runCodeCachedScript } from ${JSON.stringify(CODE_CACHED_SCRIPT)};
    const bundle = ${JSON.stringify(join(BUNDLE_DIR, 'agent.cjs'))};
    const { exports } = runCodeCachedScript(readFileSync(bundle, 'utf8'), bundle, undefined);
    const code = await exports.runAgentCli(['agent', '-config=' + ${JSON.stringify(join(scratch, 'missing.json'))}]);
    const loaded = process.moduleLoadList.filter((name) => /^NativeModule (worker_threads|assert|internal\\/worker)$/.test(name));
    process.stdout.write(JSON.stringify({ code, loaded }));
  `;
  const result = node(['--input-type=module', '-e', script]);
  expect(result.stderr).toContain('Error loading configuration');
  expect(JSON.parse(result.stdout)).toEqual({ code: 1, loaded: [] });
  const source = readFileSync(join(BUNDLE_DIR, 'agent.cjs'), 'utf8');
  expect(source).not.toMatch(/require\("(node:)?(worker_threads|assert)"\)/);
  expect(source).not.toContain('// node_modules/thread-stream/');
});
