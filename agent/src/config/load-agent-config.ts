// -config files (repeatable; a directory means its *.hcl and *.json files) → one AgentConfig.
// Several files merge the way Vault Agent merges them: block lists concatenate, settings override.
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentConfig } from './agent-config.js';
import { isObject } from './config-reader.js';
import { parseConfigText } from './parse-config-text.js';
import { validateAgentConfig } from './validate-agent-config.js';

const CONCATENATED_KEYS = new Set(['template', 'listener']);

export async function loadAgentConfig(paths: readonly string[]): Promise<AgentConfig> {
  const files = (await Promise.all(paths.map(expandConfigPath))).flat();
  const decoded = await Promise.all(
    files.map(async (file) => parseConfigText(await readFile(file, 'utf8'), file)),
  );
  return validateAgentConfig(mergeDecodedConfigs(decoded));
}

async function expandConfigPath(path: string): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [path];
  const names = (await readdir(path)).filter((name) => name.endsWith('.hcl') || name.endsWith('.json')).sort();
  return names.map((name) => join(path, name));
}

function mergeDecodedConfigs(configs: readonly unknown[]): unknown {
  if (configs.length === 1) return configs[0];
  const merged: Record<string, unknown> = {};
  for (const config of configs) {
    if (!isObject(config)) return config; // validation reports the non-object
    for (const [key, value] of Object.entries(config)) {
      const previous = Object.hasOwn(merged, key) ? merged[key] : undefined;
      // defineProperty: a "__proto__" key stays a key (then reported as unknown), not the object's prototype.
      const mergedValue = CONCATENATED_KEYS.has(key) && previous !== undefined ? [previous, value].flat() : value;
      Object.defineProperty(merged, key, { value: mergedValue, enumerable: true, writable: true, configurable: true });
    }
  }
  return merged;
}
