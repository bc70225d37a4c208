// Loads dist/agent-bundle/agent.cjs with its code cache (agent.cjs.cache) and hands back its
// exports: the launcher (dist/agent-bundle/main.cjs, what the image's `vault` shim runs) and
// `vault-injector agent|token` both come through here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

/** The bundle in `directory`, or undefined when it is not built. */
export function loadAgentBundle(directory: string): AgentBundle | undefined {
  const file = join(directory, AGENT_BUNDLE_FILE);
  const source = readOptional(file);
  if (source === undefined) return undefined;
  return runCodeCachedScript(source.toString('utf8'), file, readOptional(join(directory, AGENT_BUNDLE_CACHE_FILE))).exports as AgentBundle;
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
