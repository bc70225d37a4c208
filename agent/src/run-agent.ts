// The composition root: Vault client, auto-auth with its sinks, template runner, listener, pid file
// and shutdown, wired for init mode (exit_after_auth: exit 0 once the token is written and every
// template rendered) or sidecar mode (run until SIGTERM or /agent/v1/quit). Exit codes: 0 normal,
// 1 config error or a failure that ends the agent (exit_on_err, exit_on_retry_failure).
// With cache.persist the init agent hands its token and leased secrets to the sidecar through an
// encrypted file, and the sidecar adopts them instead of logging in and fetching again.
// What happens when (ready, hand-off, runner restarts, exit code) is the lifecycle's:
// lifecycle/agent-lifecycle.ts and lifecycle/lifecycle-state.ts.
import type { AgentConfig, AutoAuthConfig, TemplateEngineName } from './config/agent-config.js';
import type { Environment, VaultConnection } from './config/vault-environment.js';
import { resolveVaultConnection } from './config/vault-environment.js';
import type { AgentLogger } from './log.js';
import type { TemplateEngine } from '../../template/src/index.js';
import { templateLimitsFrom } from './render/template-limits.js';
import { VaultClient } from './vault/vault-client.js';
import { coerceError } from './vault/vault-error.js';
import { FileSink } from './sink/file-sink.js';
import { createTokenWrapper } from './sink/token-wrapper.js';
import { Authenticator } from './auth/authenticator.js';
import { createAuthMethod } from './auth/create-auth-method.js';
import { methodConfigProblems } from './config/method-config.js';
import { AgentConfigError } from './config/validate-agent-config.js';
import type { PreparedTemplate } from './render/template-runner.js';
import { TemplateRunner } from './render/template-runner.js';
import { EnvRestartScheduler } from './render/env-restart.js';
import { prepareTemplates } from './render/prepare-templates.js';
import type { ShutdownHandle } from './supervisor/shutdown.js';
import { removePidFile, writePidFile } from './supervisor/pid-file.js';
import type { RunningListeners } from './listener/api-proxy.js';
import type { PersistedCache } from './persist/cache-contents.js';
import type { HandoffContext } from './persist/handoff.js';
import type { LifecycleHooks } from './lifecycle/agent-lifecycle.js';
import { AgentLifecycle } from './lifecycle/agent-lifecycle.js';
import { writeReadyFile } from './lifecycle/ready-file.js';
import type { ExecSupervisor } from './exec/exec-supervisor.js';
import { DEFAULTS } from './config/agent-config.js';
import type { AgentMetrics, MetricsEndpoint } from './telemetry/agent-metrics.js';
import { NO_METRICS, UNCONFIGURED_METRICS } from './telemetry/agent-metrics.js';
import { untilAborted } from './supervisor/until-aborted.js';

export interface AgentDependencies {
  readonly env: Environment;
  readonly log: AgentLogger;
  readonly shutdown: ShutdownHandle;
  readonly loadEngine: (name: TemplateEngineName) => Promise<TemplateEngine>;
  readonly now: () => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<boolean>;
  readonly random: () => number;
  /** Lifecycle hooks, e.g. onReady once every sink and every template has been written. */
  readonly hooks?: LifecycleHooks;
}

export async function runAgent(config: AgentConfig, deps: AgentDependencies): Promise<number> {
  const start = await prepareStart(config, deps);
  return typeof start === 'number' ? start : runPrepared(config, deps, start);
}

/** What start-up checked and built: everything the running agent needs from the config. */
interface PreparedStart {
  readonly connection: VaultConnection;
  readonly autoAuth: AutoAuthConfig;
  readonly client: VaultClient;
  readonly sinks: readonly FileSink[];
  readonly templates: readonly PreparedTemplate[];
  readonly authMethod: ReturnType<typeof createAuthMethod>;
  readonly handoff: HandoffContext | undefined;
  readonly restored: PersistedCache | undefined;
}

/** Start-up checks (connection, auto_auth, templates, sinks, persistent cache); an exit code when the agent cannot start. */
async function prepareStart(config: AgentConfig, deps: AgentDependencies): Promise<PreparedStart | number> {
  const { log } = deps;
  for (const warning of config.warnings) log.warn(warning);
  for (const key of config.ignored) log.warn({ setting: key }, 'setting accepted but not acted on by this agent');
  const { connection, problems } = resolveVaultConnection(config.vault, deps.env);
  if (problems.length > 0) {
    log.error({ problems }, 'invalid Vault connection settings');
    return 1;
  }
  const autoAuth = config.autoAuth;
  if (autoAuth === undefined) {
    log.error('auto_auth is required: this agent does not run without it');
    return 1;
  }
  const authMethod = authMethodFor(autoAuth, log);
  if (authMethod === undefined) return 1;

  const client = new VaultClient(connection, { maxConnectionsPerHost: config.templateConfig.maxConnectionsPerHost });
  const sinks = autoAuth.sinks.map((sink) => new FileSink(sink, createTokenWrapper(client)));
  let templates: PreparedTemplate[];
  try {
    [templates] = await Promise.all([prepareTemplates(config, deps.loadEngine, templateLimitsFrom(deps.env)), ...sinks.map((sink) => sink.checkWritable())]);
  } catch (error) {
    log.error({ err: coerceError(error) }, 'agent cannot start');
    return 1;
  }
  const handoff: HandoffContext | undefined =
    config.persist === undefined ? undefined : { persist: config.persist, method: autoAuth.method, vaultAddress: connection.address, log: log.child({ component: 'persist' }), client };
  const restore = await restoreForSidecar(config, handoff);
  if (restore.kind === 'fatal') {
    log.error({ err: restore.error }, 'persistent cache restore failed and exit_on_err is set');
    client.close();
    return 1;
  }
  await removeStaleTempFilesOf(config, autoAuth, log);
  if (config.pidFile !== undefined) await writePidFile(config.pidFile, log);
  return { connection, autoAuth, client, sinks, templates, authMethod, handoff, restored: restore.kind === 'restored' ? restore.cache : undefined };
}

/** The configured method, checked; undefined (logged) when this agent cannot run it. */
function authMethodFor(autoAuth: AutoAuthConfig, log: AgentLogger): ReturnType<typeof createAuthMethod> | undefined {
  try {
    const methodProblems = methodConfigProblems(autoAuth.method.type, autoAuth.method.config);
    if (methodProblems.length > 0) throw new AgentConfigError(methodProblems);
    return createAuthMethod(autoAuth.method);
  } catch (error) {
    // A Vault Agent method this agent does not implement: the config is valid, the agent cannot run it.
    log.error({ err: coerceError(error) }, 'agent cannot start');
    return undefined;
  }
}

/** A SIGKILLed predecessor leaves its temp files (no exit handler runs then): remove them first. */
async function removeStaleTempFilesOf(config: AgentConfig, autoAuth: AutoAuthConfig, log: AgentLogger): Promise<void> {
  const { removeStaleTempFiles } = await import('./sink/atomic-file.js');
  const stale = await removeStaleTempFiles([
    ...config.templates.map((template) => template.destination),
    ...autoAuth.sinks.map((sink) => sink.path),
  ]);
  if (stale > 0) log.info({ removed: stale }, 'removed temp files left by an interrupted write');
}

/** The caller's hooks, plus the ready file (`ready_file`) written when the lifecycle reports ready. */
function readyHooks(config: AgentConfig, deps: AgentDependencies): LifecycleHooks {
  const { readyFile } = config;
  const onReady = deps.hooks?.onReady;
  if (readyFile === undefined) return onReady === undefined ? {} : { onReady };
  return {
    onReady: () => {
      onReady?.();
      void writeReadyFile(readyFile, deps.log);
    },
  };
}

/** Wires the lifecycle, runner, auto-auth and listeners; runs until shutdown; the exit code. */
async function runPrepared(config: AgentConfig, deps: AgentDependencies, start: PreparedStart): Promise<number> {
  const { log, shutdown } = deps;
  const { client, restored } = start;
  const telemetry = await createTelemetry(config, deps);
  // Process-supervisor mode; Vault Agent does not run the child with exit_after_auth.
  const exited: { lifecycle?: AgentLifecycle } = {};
  const supervisor = await createSupervisor(config, deps, (code) => { exited.lifecycle?.childExited(code); });
  const ready = readyHooks(config, deps);
  const lifecycle: AgentLifecycle = new AgentLifecycle({
    exitAfterAuth: config.exitAfterAuth,
    exitOnRetryFailure: config.templateConfig.exitOnRetryFailure,
    hasTemplates: start.templates.length > 0,
    handoff: start.handoff,
    restored,
    log,
    shutdown,
    now: deps.now,
    sleep: deps.sleep,
    random: deps.random,
    hooks: {
      onReady: () => {
        ready.onReady?.();
        supervisor?.start();
      },
    },
  });
  const envRestart = createEnvRestart(config, deps);
  exited.lifecycle = lifecycle;
  const runner = start.templates.length === 0 ? undefined : createRunner({ config, start, deps, lifecycle, envRestart, supervisor, metrics: telemetry.metrics });
  const authenticator = createAuthenticator(start, { config, deps, lifecycle }, telemetry.metrics);
  lifecycle.connect({ runner, tokens: authenticator });

  let listeners: RunningListeners | undefined;
  try {
    listeners = await startListeners({ config, client, authenticator, lifecycle, deps, telemetry });
  } catch (error) {
    log.error({ err: coerceError(error) }, 'could not start the listener');
    supervisor?.uninstall();
    client.close();
    return 1;
  }

  const authDone = authenticator.run(shutdown.signal).then((outcome) => {
    if (outcome.kind === 'failed') lifecycle.authFailed(outcome.error);
  });
  await untilAborted(shutdown.signal);

  // Ordered shutdown: the child first (it may still be using its secrets), then stop accepting
  // proxy requests, let a render pass finish, stop auth, close sockets.
  await supervisor?.stop();
  await listeners?.close();
  envRestart?.stop();
  await runner?.stop();
  await authDone;
  client.close();
  if (config.pidFile !== undefined) await removePidFile(config.pidFile);
  const exitCode = lifecycle.exitCode;
  if (exitCode !== 0 && !lifecycle.state.failed) log.error('init stopped before the token was written and every template rendered; exiting 1');
  log.info({ exit_code: exitCode }, 'agent stopped');
  return exitCode;
}

/** Restart requests for env-var directories (docs/env-vars.md): only a long-running agent (the sidecar) watches. */
function createEnvRestart(config: AgentConfig, deps: AgentDependencies): EnvRestartScheduler | undefined {
  if (config.envRestart.length === 0 || config.exitAfterAuth) return undefined;
  return new EnvRestartScheduler({ configs: config.envRestart, log: deps.log.child({ component: 'env-restart' }), now: deps.now, sleep: deps.sleep });
}

/** Auto-auth, reporting each token to the lifecycle and each login to telemetry. */
function createAuthenticator(start: PreparedStart, { deps, lifecycle }: Wiring, metrics: AgentMetrics): Authenticator {
  return new Authenticator({
    client: start.client,
    method: start.authMethod,
    config: start.autoAuth.method,
    reauthOnNewCredentials: start.autoAuth.enableReauthOnNewCredentials,
    sinks: start.sinks,
    log: deps.log.child({ component: 'auth' }),
    now: deps.now,
    sleep: deps.sleep,
    random: deps.random,
    onToken: (token) => {
      metrics.increment('auth.success');
      metrics.gauge('authenticated', 1);
      lifecycle.tokenWritten(token);
    },
    onLoginFailure: () => {
      metrics.increment('auth.failure');
      metrics.gauge('authenticated', 0);
    },
    preloadedToken: start.restored?.token.token,
  });
}

type RestoreOutcome = { readonly kind: 'none' } | { readonly kind: 'restored'; readonly cache: PersistedCache } | { readonly kind: 'fatal'; readonly error: Error };

/** Sidecar: adopt what the init agent left. Loaded only when configured (start-up time). */
async function restoreForSidecar(config: AgentConfig, handoff: HandoffContext | undefined): Promise<RestoreOutcome> {
  if (handoff === undefined || config.exitAfterAuth) return { kind: 'none' };
  const { restoreHandoff } = await import('./persist/handoff.js');
  return restoreHandoff(handoff);
}

interface Wiring {
  readonly config: AgentConfig;
  readonly deps: AgentDependencies;
  readonly lifecycle: AgentLifecycle;
}

/** The exec child's supervisor, loaded only in process-supervisor mode. */
async function createSupervisor(config: AgentConfig, deps: AgentDependencies, onExit: (code: number) => void): Promise<ExecSupervisor | undefined> {
  if (config.exec === undefined) return undefined;
  if (config.exitAfterAuth) {
    deps.log.warn('exec is not run with exit_after_auth (as Vault Agent does)');
    return undefined;
  }
  const { ExecSupervisor: Supervisor } = await import('./exec/exec-supervisor.js');
  return new Supervisor({
    config: config.exec,
    log: deps.log.child({ component: 'exec' }),
    baseEnvironment: deps.env,
    stopGraceMs: DEFAULTS.execStopGraceMs,
    sleep: deps.sleep,
    onExit,
  });
}

interface Telemetry {
  readonly metrics: AgentMetrics;
  readonly endpoint: MetricsEndpoint;
}

/** prom-client is loaded only with a telemetry stanza: the idle agent without one keeps none of it. */
async function createTelemetry(config: AgentConfig, deps: AgentDependencies): Promise<Telemetry> {
  if (config.telemetry === undefined) return { metrics: NO_METRICS, endpoint: UNCONFIGURED_METRICS };
  const [{ PrometheusMetrics }, { hostname }] = await Promise.all([import('./telemetry/prometheus-metrics.js'), import('node:os')]);
  const metrics = new PrometheusMetrics(config.telemetry, hostname(), deps.now);
  metrics.gauge('authenticated', 0);
  return { metrics, endpoint: metrics };
}

function createRunner(
  { config, start, deps, lifecycle, envRestart, supervisor, metrics }: Wiring & {
    readonly start: PreparedStart;
    readonly envRestart: EnvRestartScheduler | undefined;
    readonly supervisor: ExecSupervisor | undefined;
    readonly metrics: AgentMetrics;
  },
): TemplateRunner {
  const { autoAuth } = start;
  return new TemplateRunner({
    templates: start.templates,
    runtime: config.templateConfig,
    client: start.client,
    namespace: start.connection.namespace,
    retry: {
      baseMs: autoAuth.method.minBackoffMs ?? 250,
      maxMs: autoAuth.method.maxBackoffMs ?? 60_000,
      attempts: config.vault.retry.numRetries,
    },
    log: deps.log.child({ component: 'template' }),
    env: (name) => deps.env[name],
    now: deps.now,
    sleep: deps.sleep,
    random: deps.random,
    onAllRendered: () => { lifecycle.allRendered(); },
    onFailure: (error) => { lifecycle.runnerFailed(error); },
    onInvalidToken: (token) => { lifecycle.tokenRejected(token); },
    ...(envRestart === undefined ? {} : { onReplaced: (destination: string) => { envRestart.noteReplaced(destination); } }),
    ...(supervisor === undefined ? {} : { onEnvironment: (values: ReadonlyMap<string, string>) => { supervisor.environment(values); } }),
    ...(metrics === NO_METRICS ? {} : { metrics }),
  });
}

/** The API proxy and quit endpoint, loaded only when a listener is configured. */
async function startListeners(
  { config, client, authenticator, lifecycle, deps, telemetry }: Wiring & { readonly client: VaultClient; readonly authenticator: Authenticator; readonly telemetry: Telemetry },
): Promise<RunningListeners | undefined> {
  if (config.listeners.length === 0) return undefined;
  const { startListeners: start } = await import('./listener/api-proxy.js');
  return start(config.listeners, {
    client,
    useAutoAuthToken: config.useAutoAuthToken,
    currentToken: () => {
      const token = authenticator.current;
      return token === undefined || token.wrapped ? undefined : token.token;
    },
    log: deps.log.child({ component: 'listener' }),
    onQuit: () => { deps.shutdown.shutdown('quit endpoint'); },
    onInvalidToken: (token) => { lifecycle.tokenRejected(token); },
    metrics: telemetry.metrics,
    metricsEndpoint: telemetry.endpoint,
  });
}
