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
  const [{ loadAgentConfig }, { createAgentLogger, resolveLogSettings }, { removePendingTempFiles }, { buildInfo }] = await Promise.all([
    import('./config/load-agent-config.js'),
    import('./log.js'),
    import('./sink/atomic-file.js'),
    import('../../common/src/build-info.js'),
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
  // Flag, then variable, then config, as Vault Agent; a bad value is refused naming where it came from.
  const logSettings = resolveLogSettings(
    // An empty variable counts as unset, as os.Getenv's "" does in Vault.
    [{ input: '-log-level', value: parsed.logLevel }, { input: 'VAULT_LOG_LEVEL', value: env.VAULT_LOG_LEVEL || undefined }, { input: 'log_level (config)', value: config.logLevel }],
    [{ input: '-log-format', value: parsed.logFormat }, { input: 'VAULT_LOG_FORMAT', value: env.VAULT_LOG_FORMAT || undefined }, { input: 'log_format (config)', value: config.logFormat }],
  );
  if (logSettings.problems.length > 0) {
    process.stderr.write(`${logSettings.problems.join('\n')}\n`);
    return 1;
  }
  const log = createAgentLogger({ level: logSettings.level, format: logSettings.format });
  const build = buildInfo();
  log.info({ version: build.version, commit: build.commit, node_version: build.nodeVersion }, 'vault-injector agent starting');
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
