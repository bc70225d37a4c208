// The composition root: Vault client, auto-auth with its sinks, template runner, listener, pid file
// and shutdown, wired for init mode (exit_after_auth: exit 0 once the token is written and every
// template rendered) or sidecar mode (run until SIGTERM or /agent/v1/quit). Exit codes: 0 normal,
// 1 config error or a failure that ends the agent (exit_on_err, exit_on_retry_failure).
// With cache.persist the init agent hands its token and leased secrets to the sidecar through an
// encrypted file, and the sidecar adopts them instead of logging in and fetching again.
import { readFile, unlink, writeFile } from 'node:fs/promises';
import type { AgentConfig, TemplateEngineName } from './config/agent-config.js';
import type { Environment } from './config/vault-environment.js';
import { resolveVaultConnection } from './config/vault-environment.js';
import type { AgentLogger } from './log.js';
import type { TemplateEngine } from '../../template/src/index.js';
import { VaultClient } from './vault/vault-client.js';
import { coerceError } from './vault/vault-error.js';
import { FileSink } from './sink/file-sink.js';
import { createTokenWrapper } from './sink/token-wrapper.js';
import type { AgentToken } from './auth/authenticator.js';
import { Authenticator } from './auth/authenticator.js';
import { createAuthMethod } from './auth/create-auth-method.js';
import type { PreparedTemplate } from './render/template-runner.js';
import { TemplateRunner } from './render/template-runner.js';
import { nextBackoff, startBackoff } from './supervisor/backoff.js';
import type { ShutdownHandle } from './supervisor/shutdown.js';
import type { RunningListeners } from './listener/api-proxy.js';
import type { PersistedCache } from './persist/cache-contents.js';
import type { HandoffContext } from './persist/handoff.js';
import { createReadyGate } from './lifecycle/ready-file.js';

export interface AgentDependencies {
  readonly env: Environment;
  readonly log: AgentLogger;
  readonly shutdown: ShutdownHandle;
  readonly loadEngine: (name: TemplateEngineName) => Promise<TemplateEngine>;
  readonly now: () => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<boolean>;
  readonly random: () => number;
}

export async function runAgent(config: AgentConfig, deps: AgentDependencies): Promise<number> {
  const { log, shutdown } = deps;
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

  let authMethod: ReturnType<typeof createAuthMethod>;
  try {
    authMethod = createAuthMethod(autoAuth.method);
  } catch (error) {
    // A Vault Agent method this agent does not implement: the config is valid, the agent cannot run it.
    log.error({ err: coerceError(error) }, 'agent cannot start');
    return 1;
  }

  const client = new VaultClient(connection, { maxConnectionsPerHost: config.templateConfig.maxConnectionsPerHost });
  const tokenWrapper = createTokenWrapper(client);
  const sinks = autoAuth.sinks.map((sink) => new FileSink(sink, tokenWrapper));
  let templates: PreparedTemplate[];
  try {
    [templates] = await Promise.all([prepareTemplates(config, deps.loadEngine), ...sinks.map((sink) => sink.checkWritable())]);
  } catch (error) {
    log.error({ err: coerceError(error) }, 'agent cannot start');
    return 1;
  }
  const handoff: HandoffContext | undefined =
    config.persist === undefined ? undefined : { persist: config.persist, method: autoAuth.method, vaultAddress: connection.address, log: log.child({ component: 'persist' }) };
  // Sidecar: adopt what the init agent left. Loaded only when configured (start-up time).
  let restored: PersistedCache | undefined;
  if (handoff !== undefined && !config.exitAfterAuth) {
    const { restoreHandoff } = await import('./persist/handoff.js');
    const outcome = await restoreHandoff(handoff);
    if (outcome.kind === 'fatal') {
      log.error({ err: outcome.error }, 'persistent cache restore failed and exit_on_err is set');
      client.close();
      return 1;
    }
    if (outcome.kind === 'restored') restored = outcome.cache;
  }
  if (config.pidFile !== undefined) await writeFile(config.pidFile, String(process.pid), { mode: 0o600 }).catch((error: unknown) => {
    log.warn({ err: coerceError(error), path: config.pidFile }, 'could not write the pid file');
  });

  let exitCode = 0;
  const fail = (reason: string, error: Error): void => {
    log.error({ err: error }, reason);
    exitCode = 1;
    shutdown.shutdown(reason);
  };
  const ready = createReadyGate(config.readyFile, templates.length > 0, log);
  const state = { tokenWritten: false, allRendered: templates.length === 0, runnerStarted: false, finishing: false, tokenObtainedAtMs: 0 };
  const finishIfInitDone = (): void => {
    if (!config.exitAfterAuth || !state.tokenWritten || !state.allRendered || state.finishing) return;
    state.finishing = true;
    const done = (): void => { shutdown.shutdown('exit_after_auth: token written and templates rendered'); };
    if (handoff === undefined) done();
    else void writeHandoffForSidecar(handoff).then(done);
  };
  // Init: the sidecar gets the token and the secrets the templates were rendered from (fetched with that token).
  const writeHandoffForSidecar = async (context: HandoffContext): Promise<void> => {
    const token = authenticator.current;
    if (token === undefined || token.wrapped) return;
    const { writeHandoff } = await import('./persist/handoff.js');
    const failure = await writeHandoff(context, {
      token: { token: token.token, leaseSeconds: token.leaseSeconds, renewable: token.renewable, obtainedAtMs: state.tokenObtainedAtMs },
      secrets: runner !== undefined && runner.token === token.token ? runner.secretRecords() : [],
      nowMs: deps.now(),
    });
    if (failure === undefined) return;
    if (context.persist.exitOnError) fail('could not write the persistent cache and exit_on_err is set', failure);
    else log.warn({ err: failure }, 'could not write the persistent cache; the sidecar will log in itself');
  };

  let runnerBackoff = startBackoff(1000, 300_000);
  const runner =
    templates.length === 0
      ? undefined
      : new TemplateRunner({
          templates,
          runtime: config.templateConfig,
          client,
          namespace: connection.namespace,
          retry: {
            baseMs: autoAuth.method.minBackoffMs ?? 250,
            maxMs: autoAuth.method.maxBackoffMs ?? 60_000,
            attempts: config.vault.retry.numRetries,
          },
          log: log.child({ component: 'template' }),
          env: (name) => deps.env[name],
          now: deps.now,
          sleep: deps.sleep,
          random: deps.random,
          onAllRendered: () => {
            state.allRendered = true;
            log.info('all templates rendered');
            void ready.templatesRendered();
            finishIfInitDone();
          },
          onFailure: (error) => {
            if (config.templateConfig.exitOnRetryFailure) {
              fail('template rendering failed and exit_on_retry_failure is set', error);
              return;
            }
            const step = nextBackoff(runnerBackoff, deps.random);
            runnerBackoff = step.state;
            log.error({ err: error, restart_in_ms: Math.round(step.delayMs) }, 'template rendering failed; restarting the template runner');
            void deps.sleep(step.delayMs, shutdown.signal).then((slept) => {
              const token = authenticator.current;
              if (slept && token !== undefined) runner?.start(token.token);
            });
          },
          onInvalidToken: (token) => { authenticator.requestReauth(token); },
        });

  // Declared after the runner, whose callbacks only run once both exist.
  const authenticator: Authenticator = new Authenticator({
    client,
    method: authMethod,
    config: autoAuth.method,
    sinks,
    log: log.child({ component: 'auth' }),
    now: deps.now,
    sleep: deps.sleep,
    random: deps.random,
    onToken: (token: AgentToken) => {
      state.tokenWritten = true;
      state.tokenObtainedAtMs = deps.now();
      void ready.tokenWritten();
      // The restored secrets belong to the restored token: used once, with it, else dropped.
      const seeds = restored !== undefined && restored.token.token === token.token ? restored.secrets : undefined;
      restored = undefined;
      // Init mode renders once with the first token; the sidecar rebuilds the runner per token.
      if (runner !== undefined && !token.wrapped && (!config.exitAfterAuth || !state.runnerStarted)) {
        state.runnerStarted = true;
        runner.start(token.token, seeds);
      }
      finishIfInitDone();
    },
    preloadedToken: restored?.token.token,
  });

  let listeners: RunningListeners | undefined;
  if (config.listeners.length > 0) {
    const { startListeners } = await import('./listener/api-proxy.js');
    try {
      listeners = await startListeners(config.listeners, {
        client,
        useAutoAuthToken: config.useAutoAuthToken,
        currentToken: () => {
          const token = authenticator.current;
          return token === undefined || token.wrapped ? undefined : token.token;
        },
        log: log.child({ component: 'listener' }),
        onQuit: () => { shutdown.shutdown('quit endpoint'); },
        onInvalidToken: (token) => { authenticator.requestReauth(token); },
      });
    } catch (error) {
      log.error({ err: coerceError(error) }, 'could not start the listener');
      client.close();
      return 1;
    }
  }

  const authDone = authenticator.run(shutdown.signal).then((outcome) => {
    if (outcome.kind === 'failed') fail('authentication failed and exit_on_err is set', outcome.error);
  });
  await new Promise<void>((resolve) => {
    if (shutdown.signal.aborted) resolve();
    else shutdown.signal.addEventListener('abort', () => { resolve(); }, { once: true });
  });

  // Ordered shutdown: stop accepting proxy requests, let a render pass finish, stop auth, close sockets.
  await listeners?.close();
  await runner?.stop();
  await authDone;
  client.close();
  if (config.pidFile !== undefined) await removePidFile(config.pidFile);
  log.info({ exit_code: exitCode }, 'agent stopped');
  return exitCode;
}

async function prepareTemplates(
  config: AgentConfig,
  loadEngine: (name: TemplateEngineName) => Promise<TemplateEngine>,
): Promise<PreparedTemplate[]> {
  const engines = new Map<TemplateEngineName, Promise<TemplateEngine>>();
  const problems: string[] = [];
  const prepared = await Promise.all(
    config.templates.map(async (template) => {
      let engine = engines.get(template.engine);
      if (engine === undefined) {
        engine = loadEngine(template.engine);
        engines.set(template.engine, engine);
      }
      const source = template.contents ?? (await readFile(template.source ?? '', 'utf8'));
      try {
        const compiled = (await engine).compile(source, {
          name: '',
          leftDelimiter: template.leftDelimiter,
          rightDelimiter: template.rightDelimiter,
          errorOnMissingKey: template.errorOnMissingKey,
          functionDenylist: template.functionDenylist,
        });
        return { config: template, compiled };
      } catch (error) {
        problems.push(`template ${template.destination}: ${coerceError(error).message}`);
        return undefined;
      }
    }),
  );
  if (problems.length > 0) throw new Error(problems.join('; '));
  return prepared.filter((template): template is PreparedTemplate => template !== undefined);
}

async function removePidFile(path: string): Promise<void> {
  // Only remove our own pid file.
  const content = await readFile(path, 'utf8').catch(() => '');
  if (content.trim() === String(process.pid)) await unlink(path).catch(() => undefined);
}
