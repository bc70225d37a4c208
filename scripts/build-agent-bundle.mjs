// Bundles the agent (agent/src/bundle/agent-cli.ts and everything init and sidecar load) into
// dist/agent-bundle/agent.cjs with esbuild, plus the launcher main.cjs and a V8 code cache, so the
// agent starts without resolving and compiling ~90 ES modules (issue 5: init-mode start-up).
// Runs after tsc (`npm run build`): the bundle file's text comes from the compiled
// dist/agent/src/bundle/code-cache-builder.js, its code cache from a training run of the bundle
// (dist/agent/src/bundle/code-cache-trainer.js; code-cached-script.js consumes the cache).
// Packages that load only on some configs stay outside the bundle, loaded when needed: handlebars
// (engine = "handlebars"), js-hcl-parser (HCL configs, run in a child process), yaml, bcryptjs
// (sprig_bcrypt / sprig_htpasswd), re2js (Go's regexp syntax for regexMatch / regexReplaceAll), prom-client (a telemetry stanza) and the AWS SDK packages the aws
// auth method signs with (agent/src/auth/aws-iam-request.ts). Each is
// also written as one file into dist/agent-bundle/vendor/, so the agent image carries no
// node_modules: its `vault` shim puts vendor/ on NODE_PATH (https://nodejs.org/api/modules.html#loading-from-the-global-folders),
// which Node consults after the node_modules folders (a development checkout keeps using node_modules).
// VERSION holds package.json's version for `vault version` (the image has no package.json).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

// Loaded only by the aws auth method, at its first login.
const AWS_PACKAGES = ['@smithy/signature-v4', '@smithy/hash-node', '@aws-sdk/credential-provider-node'];
const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = `${root}dist/agent-bundle`;
const { toBundleFileText } = await import(`${root}dist/agent/src/bundle/code-cache-builder.js`);
const { AGENT_BUNDLE_FILE, AGENT_BUNDLE_CACHE_FILE } = await import(`${root}dist/agent/src/bundle/launch-bundle.js`);

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  write: false,
  logLevel: 'warning',
  // import() becomes a lazy require(): nothing needs the ESM loader, and vm.Script (which runs the
  // bundle with its code cache) has no dynamic-import callback.
  supported: { 'dynamic-import': false },
  // createRequire(import.meta.url) resolves from the bundle's own location (dist/agent-bundle/ → node_modules).
  // The banner repeats "use strict" because it must stay the first statement (every source is an ES module).
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: '"use strict";\nvar __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
};

// pino's file and worker-thread destinations, which the agent never uses: it hands pino its own
// stream (agent/src/log.ts) and configures no transport. Left in, they load thread-stream,
// SonicBoom, worker_threads and assert (~25 of Node's built-in modules `node -e ''` never loads)
// into every agent start (docs/performance.md, "Loading less code"). Each stub throws a clear
// error if something ever does reach it, and keeps what pino reads at load time: `instanceof
// SonicBoom` stays false for the agent's stream, and `isMainThread` is true (the agent bundle runs
// on the main thread only: dist/agent-bundle/main.cjs or `vault-injector agent|token`).
// Sources: https://github.com/pinojs/pino/blob/main/lib/tools.js (normalizeArgs, buildSafeSonicBoom),
// https://github.com/pinojs/pino/blob/main/lib/transport.js.
const PINO_STUBS = {
  transport: "module.exports = function transport() { throw new Error('pino transports are not part of the agent bundle (scripts/build-agent-bundle.mjs)'); };\n",
  sonicBoom: "module.exports = class SonicBoom { constructor() { throw new Error('pino file destinations (SonicBoom) are not part of the agent bundle (scripts/build-agent-bundle.mjs)'); } };\n",
  workerThreads: 'module.exports = { isMainThread: true };\n',
};
const withoutPinoDestinations = {
  name: 'without-pino-destinations',
  setup(build) {
    build.onResolve({ filter: /^(?:node:)?worker_threads$/ }, (args) =>
      /[\\/]node_modules[\\/]pino[\\/]lib[\\/]tools\.js$/.test(args.importer) ? { path: 'worker_threads', namespace: 'pino-stub' } : undefined);
    build.onLoad({ filter: /[\\/]node_modules[\\/]pino[\\/]lib[\\/]transport\.js$/ }, () => ({ contents: PINO_STUBS.transport, loader: 'js' }));
    build.onLoad({ filter: /[\\/]node_modules[\\/]sonic-boom[\\/]index\.js$/ }, () => ({ contents: PINO_STUBS.sonicBoom, loader: 'js' }));
    build.onLoad({ filter: /.*/, namespace: 'pino-stub' }, () => ({ contents: PINO_STUBS.workerThreads, loader: 'js' }));
  },
};

async function bundleText(options) {
  const result = await build({ ...common, ...options });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error('esbuild produced no output');
  // esbuild escapes non-ASCII in strings and regular expressions but keeps it in the comments it
  // preserves; one such character makes V8 hold the whole bundle as a two-byte string (twice the
  // memory). \uXXXX means the same in strings and regular expressions and nothing in a comment.
  return output.text.replace(/[^\x00-\x7f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const agent = await bundleText({
  entryPoints: [`${root}agent/src/bundle/agent-cli.ts`],
  external: ['handlebars', 'js-hcl-parser', 'yaml', 'bcryptjs', 're2js', 'prom-client', ...AWS_PACKAGES],
  plugins: [withoutPinoDestinations],
});
// The stubs took: nothing left loads thread-stream, worker_threads or assert.
if (/^\/\/ node_modules\/thread-stream\//m.test(agent) || /require\("(?:node:)?(?:worker_threads|assert)"\)/.test(agent)) {
  throw new Error('the agent bundle still contains pino\'s transport machinery (thread-stream, worker_threads or assert)');
}
if (/\bimport\(/.test(agent.replace(/\/\/.*$/gm, ''))) throw new Error('the agent bundle still contains import(): it could not run under vm.Script');
const agentFile = `${outDir}/${AGENT_BUNDLE_FILE}`;
const agentSource = toBundleFileText(agent);
writeFileSync(agentFile, agentSource);
// The code cache comes from a representative init run in a child process with no V8 flags
// (agent/src/bundle/code-cache-trainer.ts says why).
const training = spawnSync(process.execPath, [`${root}dist/agent/src/bundle/code-cache-trainer.js`, agentFile, `${outDir}/${AGENT_BUNDLE_CACHE_FILE}`], {
  stdio: ['ignore', 'ignore', 'pipe'],
  encoding: 'utf8',
  env: { PATH: process.env.PATH ?? '' },
  timeout: 120_000,
});
if (training.status !== 0) throw new Error(`the code cache training run failed (${training.error?.message ?? `exit ${training.status}`}):\n${training.stderr}`);

const launcher = await bundleText({
  stdin: {
    contents: "require('./agent/src/bundle/launch-bundle.ts').launchAgentBundle(__dirname, process.argv.slice(2));\n",
    resolveDir: root,
    sourcefile: 'agent-bundle-main.cjs',
    loader: 'js',
  },
});
writeFileSync(`${outDir}/main.cjs`, launcher);

const requireFromRoot = createRequire(`${root}package.json`);
mkdirSync(`${outDir}/vendor`);
// dist/package.json says "type": "module"; these .js files are CommonJS (Node resolves the names
// handlebars, yaml, js-hcl-parser to NAME.js on NODE_PATH, never to NAME.cjs).
writeFileSync(`${outDir}/vendor/package.json`, '{ "type": "commonjs" }\n');
for (const name of ['handlebars', 'yaml', 'bcryptjs', 're2js', 'prom-client', ...AWS_PACKAGES]) {
  const text = await bundleText({ entryPoints: [requireFromRoot.resolve(name)], minifyWhitespace: true, logLevel: 'error' });
  mkdirSync(dirname(`${outDir}/vendor/${name}.js`), { recursive: true });
  writeFileSync(`${outDir}/vendor/${name}.js`, text);
}
// One self-contained file already (GopherJS output, no require()): copied as published.
copyFileSync(requireFromRoot.resolve('js-hcl-parser'), `${outDir}/vendor/js-hcl-parser.js`);
writeFileSync(`${outDir}/VERSION`, `${JSON.parse(readFileSync(`${root}package.json`, 'utf8')).version}\n`);
