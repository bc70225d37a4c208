// `vault-injector agent …` (and `vault agent …` through the image's shim): flags → config → agent.
import { createRequire } from 'node:module';
import type * as V8Module from 'node:v8';
import { parseAgentArguments, AGENT_USAGE } from './agent-arguments.js';

/**
 * Heap settings for the long-running sidecar: a 1 MiB young generation and V8's size-over-speed
 * mode. Measured (bench/agent.bench.ts) to cut the idle private memory by ~15 % with 10 templates
 * and by ~3× with 1,000 renewed leases. Init mode skips them: they slow a short run's start-up
 * (more scavenges while modules load) and its memory is gone a moment later.
 * VAULT_AGENT_V8_FLAGS replaces them (empty string: none).
 */
const DEFAULT_V8_FLAGS = '--max-semi-space-size=1 --optimize-for-size';

function applyV8Flags(env: NodeJS.ProcessEnv): void {
  const flags = env.VAULT_AGENT_V8_FLAGS ?? DEFAULT_V8_FLAGS;
  const { setFlagsFromString } = createRequire(import.meta.url)('node:v8') as typeof V8Module;
  for (const flag of flags.split(/\s+/).filter(Boolean)) setFlagsFromString(flag);
}

export async function runAgentCommand(args: readonly string[]): Promise<number> {
  const { arguments: parsed, problems } = parseAgentArguments(args);
  if (parsed.help) {
    process.stdout.write(AGENT_USAGE);
    return 0;
  }
  if (problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}\n\n${AGENT_USAGE}`);
    return 1;
  }
  const [{ loadAgentConfig }, { createAgentLogger }, { removePendingTempFiles }] = await Promise.all([
    import('./config/load-agent-config.js'),
    import('./log.js'),
    import('./sink/atomic-file.js'),
  ]);
  // A process that dies mid-write must not leave temp files beside the secrets.
  process.on('exit', removePendingTempFiles);
  let config;
  try {
    config = await loadAgentConfig(parsed.configPaths);
  } catch (error) {
    process.stderr.write(`Error loading configuration: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  if (parsed.exitAfterAuth) config = { ...config, exitAfterAuth: true };
  if (!config.exitAfterAuth) applyV8Flags(process.env);
  const env = process.env;
  const log = createAgentLogger({
    level: parsed.logLevel ?? env.VAULT_LOG_LEVEL ?? config.logLevel,
    format: parsed.logFormat ?? env.VAULT_LOG_FORMAT ?? config.logFormat,
  });
  const engines = [...new Set(config.templates.map((template) => template.engine))];
  const [{ runAgent }, { installShutdownHandlers }, { sleep }, { loadEngine }] = await Promise.all([
    import('./run-agent.js'),
    import('./supervisor/shutdown.js'),
    import('./supervisor/sleep.js'),
    import('./render/load-engine.js'),
    // Start loading the template engines alongside the rest (loadTemplateEngine caches them).
    ...engines.map(async (name) => (await import('./render/load-engine.js')).loadEngine(name).catch(() => undefined)),
  ]);
  const shutdown = installShutdownHandlers(log, (code) => process.exit(code));
  try {
    const code = await runAgent(config, { env, log, shutdown, loadEngine, now: Date.now, sleep, random: Math.random });
    // Anything still holding the event loop open (a hung command, a socket) must not keep us alive.
    setTimeout(() => process.exit(code), 2000).unref();
    return code;
  } finally {
    shutdown.uninstall();
  }
}
