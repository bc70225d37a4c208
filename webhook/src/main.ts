// `vault-injector agent-inject [flags]`: the webhook process. Reads Settings, starts the
// certificate source, serves HTTPS once a certificate exists, applies rotations with
// setSecureContext, and shuts down in two stages on SIGTERM/SIGINT.
import type { Server as HttpsServer, ServerOptions } from 'node:https';
import type { FastifyInstance } from 'fastify';
import { parseSettings, settingsUsage } from './settings/parse-settings.js';
import type { Environment } from './settings/parse-settings.js';
import type { Settings } from './settings/settings.js';
import { nodeTlsOptions } from './settings/tls-options.js';
import { asyncStdout, createLogger, namedLogger } from './log.js';
import type { Logger } from './log.js';
import { buildInfo } from '../../common/src/build-info.js';
import { createMetrics } from './metrics.js';
import type { WebhookMetrics } from './metrics.js';
import { buildApp } from './app.js';
import type { CertificateBundle, CertificateSource } from './tls/certificate-source.js';
import type { LeaderElector } from './cluster/leader-elector.js';
import { createLocalCertificateSource, planCertificates } from './tls/certificate-plan.js';
import type { LocalCertificates } from './tls/certificate-plan.js';
import { trapShutdownSignals, withDeadline } from './shutdown.js';
import type { ShutdownSignal } from './shutdown.js';

export interface ProcessIo {
  readonly env: Environment;
  readonly stdout: { write(text: string): unknown };
  /** Where log lines go; defaults to stdout. */
  readonly log?: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly signals: { once(signal: ShutdownSignal, listener: () => void): unknown; off(signal: ShutdownSignal, listener: () => void): unknown };
  readonly exit: (code: number) => never;
}

/**
 * Starts the certificate source. With -tls-auto the Kubernetes side (caBundle updater, and with
 * -use-leader-elector the Lease election and the Secret-shared CA) is loaded lazily, so a webhook
 * without -tls-auto never loads @kubernetes/client-node.
 */
async function startCertificateSource(settings: Settings, logger: Logger, signal: AbortSignal): Promise<{ source: CertificateSource; elector?: LeaderElector }> {
  const plan = planCertificates(settings);
  if (plan.cluster === undefined) return { source: await startLocalSource(plan.local, logger, signal) };
  const local = plan.local === undefined ? undefined : await startLocalSource(plan.local, logger, signal);
  const { startClusterTls } = await import('./cluster/cluster-tls.js');
  const cluster = await startClusterTls({ settings, hosts: plan.cluster.hosts, logger: namedLogger(logger, 'cluster'), signal, ...(local !== undefined ? { localSource: local } : {}) });
  return { source: cluster.source, ...(cluster.elector !== undefined ? { elector: cluster.elector } : {}) };
}

async function startLocalSource(local: LocalCertificates, logger: Logger, signal: AbortSignal): Promise<CertificateSource> {
  const source = createLocalCertificateSource(local, logger);
  await source.start(signal);
  return source;
}

/** Splits -listen into what net.Server.listen wants; "" host means every interface. */
function listenAddress(listen: string): { host: string; port: number } {
  const separator = listen.lastIndexOf(':');
  const host = listen.slice(0, separator).replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(listen.slice(separator + 1)) };
}

function secureContextOptions(settings: Settings, bundle: CertificateBundle): ServerOptions {
  const tls = nodeTlsOptions(settings.tls.minVersion, settings.tls.cipherSuites);
  const options: ServerOptions = { key: bundle.keyPem, cert: bundle.certPem, minVersion: tls.minVersion };
  if (tls.ciphers !== undefined) options.ciphers = tls.ciphers;
  return options;
}

function firstBundle(source: CertificateSource, stop: Promise<unknown>): Promise<CertificateBundle | undefined> {
  const current = source.current();
  if (current !== undefined) return Promise.resolve(current);
  return new Promise((resolve) => {
    const unsubscribe = source.onChange((bundle) => {
      unsubscribe();
      resolve(bundle);
    });
    void stop.then(() => {
      unsubscribe();
      resolve(undefined);
    });
  });
}

function startupSummary(settings: Settings): Record<string, unknown> {
  const build = buildInfo();
  return {
    version: build.version,
    commit: build.commit,
    listen: settings.listen,
    vaultAddress: settings.vaultAddress,
    vaultImage: settings.vaultImage,
    vaultAuthType: settings.vaultAuthType,
    vaultAuthPath: settings.vaultAuthPath,
    defaultTemplate: settings.defaultTemplate,
    tlsSource: settings.tls.certFile === '' ? 'generated' : 'files',
    tlsMinVersion: settings.tls.minVersion,
    telemetryPath: settings.telemetryPath,
    namespace: settings.namespace,
  };
}

async function listen(app: FastifyInstance, settings: Settings): Promise<string> {
  const { host, port } = listenAddress(settings.listen);
  if (host !== '') return app.listen({ host, port });
  try {
    // ":8080" in Go listens on every interface, IPv4 and IPv6; fastify's default is loopback.
    return await app.listen({ host: '::', port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EAFNOSUPPORT' && (error as NodeJS.ErrnoException).code !== 'EADDRNOTAVAIL') throw error;
    return app.listen({ host: '0.0.0.0', port });
  }
}

function displayAddress(settings: Settings, app: FastifyInstance): string {
  const { host, port } = listenAddress(settings.listen);
  if (port !== 0) return settings.listen;
  const address = app.server.address();
  const actual = typeof address === 'object' && address !== null ? address.port : port;
  return `${host.includes(':') ? `[${host}]` : host}:${actual}`;
}

interface Running {
  readonly app: FastifyInstance;
  readonly source: CertificateSource;
  readonly sourceController: AbortController;
}

interface ProcessContext {
  readonly settings: Settings;
  readonly logger: Logger;
  readonly metrics: WebhookMetrics;
  readonly io: ProcessIo;
}

async function serve(context: ProcessContext, stop: Promise<unknown>): Promise<Running | number> {
  const { settings, logger, metrics, io } = context;
  const sourceController = new AbortController();
  const { source, elector } = await startCertificateSource(settings, logger, sourceController.signal);
  logger.debug('waiting for the first certificate');
  const bundle = await firstBundle(source, stop);
  if (bundle === undefined) {
    sourceController.abort();
    return 0;
  }
  let shuttingDown = false;
  void stop.then(() => {
    shuttingDown = true;
  });
  const app = buildApp({
    settings,
    logger: namedLogger(logger, 'handler'),
    metrics,
    isReady: () => !shuttingDown && source.current() !== undefined,
    https: secureContextOptions(settings, bundle),
  });
  metrics.certificateExpiry.set(bundle.notAfter.getTime() / 1000);
  source.onChange((next) => {
    try {
      (app.server as unknown as HttpsServer).setSecureContext(secureContextOptions(settings, next));
      metrics.certificateExpiry.set(next.notAfter.getTime() / 1000);
      logger.info({ event: 'certificate-served', notAfter: next.notAfter.toISOString() }, 'Serving updated certificate');
    } catch (error) {
      logger.error({ err: error }, 'Could not apply the new certificate, keeping the current one');
    }
  });
  if (settings.telemetryPath !== '') io.stdout.write(`Registering telemetry path on ${JSON.stringify(settings.telemetryPath)}\n`);
  try {
    await listen(app, settings);
  } catch (error) {
    io.stderr.write(`Error listening: ${error instanceof Error ? error.message : String(error)}\n`);
    sourceController.abort();
    return 1;
  }
  io.stdout.write(`Listening on ${JSON.stringify(displayAddress(settings, app))}...\n`);
  if (settings.reconcileMissed !== 'off') {
    // Loaded only with the flag: it lists and watches pods through @kubernetes/client-node.
    const { startMissedPodReconciler } = await import('./cluster/missed-pods-start.js');
    void startMissedPodReconciler({
      settings,
      mode: settings.reconcileMissed,
      logger: namedLogger(logger, 'missed-pods'),
      gauge: metrics.missedPods,
      isHealthy: () => !shuttingDown && source.current() !== undefined,
      signal: sourceController.signal,
      ...(elector !== undefined ? { elector } : {}),
    });
  }
  return { app, source, sourceController };
}

async function stopGracefully(running: Running, logger: Logger, deadlineMs: number): Promise<number> {
  running.sourceController.abort();
  const closing = running.app.close();
  const inTime = await withDeadline(closing, deadlineMs);
  if (inTime) {
    logger.info('Shutdown complete');
    return 0;
  }
  logger.error({ deadlineMs }, 'Shutdown deadline passed, closing open connections');
  (running.app.server as unknown as HttpsServer).closeAllConnections();
  await closing;
  return 1;
}

/** Runs the webhook with explicit process I/O (tests pass their own). */
export async function runWebhook(args: readonly string[], io: ProcessIo): Promise<number> {
  const parsed = parseSettings(args, io.env);
  if (parsed.kind === 'help') {
    io.stdout.write(settingsUsage());
    return 0;
  }
  if (parsed.kind === 'problems') {
    for (const problem of parsed.problems) io.stderr.write(`${problem}\n`);
    return 1;
  }
  const settings = parsed.settings;
  const logger = createLogger({ level: settings.logLevel, format: settings.logFormat, destination: io.log ?? io.stdout });
  const metrics = createMetrics({ processMetrics: settings.telemetryPath !== '' });
  const trap = trapShutdownSignals(io.signals, (signal) => {
    logger.error({ signal }, 'Second signal, exiting now');
    io.exit(1);
  });
  const stop = trap.signalled.then((signal) => {
    logger.info({ signal }, 'Caught signal, shutting down');
  });
  try {
    logger.info(startupSummary(settings), 'Starting handler..');
    const running = await serve({ settings, logger, metrics, io }, stop);
    if (typeof running === 'number') return running;
    await stop;
    return await stopGracefully(running, logger, settings.shutdownTimeoutMs);
  } finally {
    trap.dispose();
  }
}

export function runWebhookCommand(args: readonly string[]): Promise<number> {
  return runWebhook(args, {
    env: process.env,
    stdout: process.stdout,
    log: asyncStdout(),
    stderr: process.stderr,
    signals: process,
    exit: (code) => process.exit(code),
  });
}
