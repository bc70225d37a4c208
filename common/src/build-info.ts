// What build is running: `vault-injector version`, the start-up log lines and the build_info metric.
// `npm run build` writes dist/build-info.json (version from package.json, the git commit when the
// tree is a checkout); run from source, package.json is found instead and the commit is "unknown".
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BuildInfo {
  readonly version: string;
  readonly commit: string;
  readonly nodeVersion: string;
}

/** How far up from this module the build-info.json or package.json may be (dist/common/src → dist). */
const SEARCH_DEPTH = 4;

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}

let cached: BuildInfo | undefined;

/** This module's directory; inside the agent's CommonJS bundle import.meta is empty, so the script's. */
function moduleDirectory(): string {
  const url = (import.meta as { url?: unknown }).url;
  return typeof url === 'string' ? dirname(fileURLToPath(url)) : dirname(process.argv[1] ?? '.');
}

/** Reads the build's identity once; never throws (an unknown build says "unknown"). */
export function buildInfo(from: string = moduleDirectory()): BuildInfo {
  if (cached !== undefined) return cached;
  let version = 'unknown';
  let commit = 'unknown';
  let directory = from;
  for (let level = 0; level <= SEARCH_DEPTH; level += 1) {
    const built = readJson(join(directory, 'build-info.json'));
    if (built !== undefined) {
      version = text(built.version, version);
      commit = text(built.commit, commit);
      break;
    }
    const manifest = readJson(join(directory, 'package.json'));
    if (manifest?.name === 'vault-injector') {
      version = text(manifest.version, version);
      break;
    }
    directory = dirname(directory);
  }
  cached = Object.freeze({ version, commit, nodeVersion: process.version });
  return cached;
}

/** One line, as `vault-injector version` prints it. */
export function formatBuildInfo(info: BuildInfo): string {
  return `vault-injector ${info.version} (commit ${info.commit}, node ${info.nodeVersion})`;
}
