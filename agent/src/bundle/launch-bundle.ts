// Loads dist/agent-bundle/agent.cjs with its code cache (agent.cjs.cache) and hands back its
// exports: the launcher (dist/agent-bundle/main.cjs, what the image's `vault` shim runs) and
// `vault-injector agent|token` both come through here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runCodeCachedScript } from './code-cached-script.js';

export const AGENT_BUNDLE_FILE = 'agent.cjs';
export const AGENT_BUNDLE_CACHE_FILE = 'agent.cjs.cache';

export interface AgentBundle {
  readonly runAgentCli: (argv: readonly string[]) => Promise<number>;
  readonly runAgentCommand: (args: readonly string[]) => Promise<number>;
  readonly runTokenCommand: (args: readonly string[]) => Promise<number>;
}

function readOptional(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Keeps V8's young generation at its initial size (1 MiB per semi-space) instead of letting it
 * double while the bundle's modules load: an idle sidecar otherwise holds ~3 MiB of young space
 * until V8's memory reducer shrinks it, tens of seconds later (docs/performance.md, "Experiments →
 * Agent": −0.9 MiB RssAnon 3 s after rendering, init CPU unchanged). Set at run time, after V8
 * checked the code cache: V8 reads the flag whenever it grows the space (measured: a 2 instead of
 * a 4 MiB new space), while as a command-line flag it would make V8 refuse the cache. Flag:
 * https://github.com/v8/v8/blob/main/src/flags/flag-definitions.h (semi_space_growth_factor).
 */
const AFTER_COMPILE_V8_FLAGS = ['--semi-space-growth-factor=1'];

/** The bundle in `directory`, or undefined when it is not built. */
export function loadAgentBundle(directory: string): AgentBundle | undefined {
  const file = join(directory, AGENT_BUNDLE_FILE);
  const source = readOptional(file);
  if (source === undefined) return undefined;
  const applyFlags = () => {
    for (const flag of AFTER_COMPILE_V8_FLAGS) setFlagsFromString(flag);
  };
  return runCodeCachedScript(source.toString('utf8'), file, readOptional(join(directory, AGENT_BUNDLE_CACHE_FILE)), applyFlags).exports as AgentBundle;
}

/** main.cjs: `node main.cjs agent …` / `node main.cjs token …`. */
export function launchAgentBundle(directory: string, argv: readonly string[]): void {
  const bundle = loadAgentBundle(directory);
  if (bundle === undefined) {
    process.stderr.write(`${join(directory, AGENT_BUNDLE_FILE)} is missing: run \`npm run build\`\n`);
    process.exitCode = 1;
    return;
  }
  bundle.runAgentCli(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
