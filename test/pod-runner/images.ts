// What an image contributes to a container in the pod runner: programs overlaid on /usr/bin (so
// `/bin/vault` exists, as in the image), environment (Dockerfile ENV) and the default user.
import { chmodSync, mkdtempSync, copyFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../agent/helpers/pod-sandbox.js';

export interface ImageModel {
  /** Directory whose files appear in /usr/bin (= /bin) inside the container. */
  readonly binDir?: string;
  readonly env: Readonly<Record<string, string>>;
  readonly uid: number;
  readonly gid: number;
}

const AGENT_IMAGE_ENV = {
  HOME: '/home/vault',
  VAULT_INJECTOR_NODE: process.execPath,
  VAULT_INJECTOR_CLI: join(REPO_ROOT, 'dist/cli/main.js'),
  VAULT_INJECTOR_AGENT_BUNDLE: join(REPO_ROOT, 'dist/agent-bundle/main.cjs'),
};

/** This project's agent image (Dockerfile.agent): the `vault` shim (image/vault) → the agent; USER 100:1000. */
export function agentImage(): ImageModel {
  const binDir = mkdtempSync(join(tmpdir(), 'image-agent-'));
  chmodSync(binDir, 0o755);
  copyFileSync(join(REPO_ROOT, 'image/vault'), join(binDir, 'vault'));
  chmodSync(join(binDir, 'vault'), 0o755);
  return { binDir, env: AGENT_IMAGE_ENV, uid: 100, gid: 1000 };
}

/**
 * An agent image that never writes a ready file, standing in for the official hashicorp/vault
 * image: its `vault agent` drops the vault-injector `ready_file` key from every -config JSON
 * before running the agent, so nothing but the rendered files can tell that it is ready.
 */
export function agentImageWithoutReadyFile(): ImageModel {
  const image = agentImage();
  const binDir = image.binDir ?? '';
  const realShim = join(binDir, 'vault-shim');
  copyFileSync(join(binDir, 'vault'), realShim);
  chmodSync(realShim, 0o755);
  const strip = join(binDir, 'strip-ready-file.cjs');
  writeFileSync(
    strip,
    "const fs = require('fs');\n" +
      'for (const arg of process.argv.slice(2)) {\n' +
      '  const match = /^-config=(.*\\.json)$/.exec(arg);\n' +
      "  if (match) { const c = JSON.parse(fs.readFileSync(match[1], 'utf8')); delete c.ready_file; fs.writeFileSync(match[1], JSON.stringify(c)); }\n" +
      '}\n',
  );
  writeFileSync(
    join(binDir, 'vault'),
    ['#!/bin/sh', 'set -eu', `if [ "$1" = agent ]; then "$VAULT_INJECTOR_NODE" ${strip} "$@"; fi`, `exec ${realShim} "$@"`, ''].join('\n'),
    { mode: 0o755 },
  );
  return image;
}

/** An application image: the host's programs (sh, test, cat, sleep), root unless the pod says otherwise. */
export const APP_IMAGE: ImageModel = { env: { HOME: '/root' }, uid: 0, gid: 0 };
