// Starts the BUILT webhook (`node dist/cli/main.js agent-inject …`) on 127.0.0.1 with a free
// port and test certificates, waits until it is ready, and talks to it over real HTTPS with a
// client that trusts only the test CA. One process per flag set; reuse it across many requests.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCa, generateLeaf } from '../../webhook/src/tls/x509.js';
import type { KeyedCertificate } from '../../webhook/src/tls/x509.js';

import { REPO_ROOT } from './repo-paths.js';
import { exitWithOutput } from './child-exit.js';
export { REPO_ROOT };
export const CLI_PATH = join(REPO_ROOT, 'dist', 'cli', 'main.js');
export const TEST_HOSTS = ['localhost', '127.0.0.1'] as const;

/** Flag values as the sample cases write them; keys `env:NAME` set environment variables. */
export type FlagMap = Readonly<Record<string, string | number | boolean>>;

export interface WebhookProcessOptions {
  /** Flags by name without dashes (`env:NAME` keys become environment variables). */
  readonly flags?: FlagMap;
  /** Arguments appended verbatim after the flags from `flags`. */
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** "files" (default): a test CA and leaf passed with -tls-cert-file/-tls-key-file; "generated": the process makes its own. */
  readonly certificates?: 'files' | 'generated';
  /** Key type of the test leaf (files mode). */
  readonly keyType?: 'ecdsa-p256' | 'rsa-2048';
  /** Add `-vault-address=https://vault.test:8200` unless flags or env set an address (default true). */
  readonly defaultVaultAddress?: boolean;
  readonly startTimeoutMs?: number;
}

export interface HttpResult {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Negotiated TLS protocol and cipher (OpenSSL names) of the connection that carried it. */
  readonly tls: { readonly protocol: string | null; readonly cipher: string; readonly serialNumber: string };
}

export interface RequestOptions {
  readonly method?: string;
  readonly path: string;
  readonly body?: string | Buffer;
  /** Content-Type header; null sends none. Default application/json when a body is given. */
  readonly contentType?: string | null;
  readonly headers?: Readonly<Record<string, string>>;
  /** A fresh TLS connection instead of the shared keep-alive pool. */
  readonly newConnection?: boolean;
  /** TLS version bounds / cipher list for this request (implies a new connection). */
  readonly tls?: { readonly minVersion?: 'TLSv1.2' | 'TLSv1.3'; readonly maxVersion?: 'TLSv1.2' | 'TLSv1.3'; readonly ciphers?: string };
}

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Turns a sample-case flag map into command-line arguments and environment variables. */
export function flagsToArgs(flags: FlagMap): { args: string[]; env: Record<string, string> } {
  const args: string[] = [];
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(flags)) {
    if (name.startsWith('env:')) env[name.slice(4)] = String(value);
    else args.push(`-${name}=${String(value)}`);
  }
  return { args, env };
}

/** A CA and a leaf for 127.0.0.1/localhost, written to a temp dir as tls.crt/tls.key/ca.crt. */
export async function writeTestCertificates(dir: string, keyType: 'ecdsa-p256' | 'rsa-2048' = 'ecdsa-p256', ca?: KeyedCertificate): Promise<{ ca: KeyedCertificate; leaf: KeyedCertificate; certFile: string; keyFile: string }> {
  const now = new Date();
  const authority = ca ?? (await generateCa({ now }));
  const leaf = await generateLeaf(authority, { now, hosts: [...TEST_HOSTS], keyType });
  const certFile = join(dir, 'tls.crt');
  const keyFile = join(dir, 'tls.key');
  // Write-then-rename, as kubelet's atomic writer does, so a poll never sees a torn file.
  writeFileSync(join(dir, 'ca.crt'), authority.certPem);
  writeFileSync(`${certFile}.tmp`, leaf.certPem);
  writeFileSync(`${keyFile}.tmp`, leaf.keyPem);
  renameSync(`${certFile}.tmp`, certFile);
  renameSync(`${keyFile}.tmp`, keyFile);
  return { ca: authority, leaf, certFile, keyFile };
}

function hasVaultAddress(args: readonly string[], env: Readonly<Record<string, string>>): boolean {
  return args.some((arg) => /^--?vault-address(=|$)/.test(arg)) || (env['AGENT_INJECT_VAULT_ADDR'] ?? '') !== '';
}

function assertBuilt(): void {
  if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run \`npm run build\` before these tests`);
}

export class WebhookProcess {
  readonly #child: ChildProcess;
  readonly #agent: Agent;
  readonly #dir: string;
  #stdout = '';
  #stderr = '';
  readonly exited: Promise<ExitStatus>;
  port = 0;
  /** PEM of the CA the client trusts (files mode), or undefined (generated mode: verification off). */
  ca: string | undefined;
  certificateFiles: { certFile: string; keyFile: string; ca: KeyedCertificate } | undefined;

  constructor(child: ChildProcess, dir: string, ca: KeyedCertificate | undefined) {
    this.#child = child;
    this.#dir = dir;
    this.ca = ca?.certPem;
    this.#agent = new Agent({ keepAlive: true, maxSockets: 64, ...(ca === undefined ? { rejectUnauthorized: false } : { ca: ca.certPem }) });
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stdout += chunk;
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderr += chunk;
    });
    this.exited = exitWithOutput(child);
  }

  get pid(): number {
    return this.#child.pid ?? -1;
  }

  get stdout(): string {
    return this.#stdout;
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** Everything the process printed so far. */
  logs(): string {
    return this.#stdout + this.#stderr;
  }

  /** Waits until the output matches `pattern` (or the process exits, or the timeout passes). */
  async waitForOutput(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    const state = { exited: false };
    void this.exited.then(() => {
      state.exited = true;
    });
    for (;;) {
      const match = pattern.exec(this.logs());
      if (match !== null) return match;
      if (state.exited || Date.now() > deadline) {
        throw new Error(`webhook output never matched ${String(pattern)}${state.exited ? ' (process exited)' : ''}:\n${this.logs()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  request(options: RequestOptions): Promise<HttpResult> {
    const body = options.body;
    const headers: Record<string, string> = { ...options.headers };
    const contentType = options.contentType === undefined ? (body === undefined ? null : 'application/json') : options.contentType;
    if (contentType !== null) headers['content-type'] = contentType;
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const fresh = options.newConnection === true || options.tls !== undefined;
    const tlsOptions = this.ca === undefined ? { rejectUnauthorized: false } : { ca: this.ca };
    return new Promise((resolve, reject) => {
      const request = httpsRequest(
        {
          host: '127.0.0.1',
          port: this.port,
          method: options.method ?? (body === undefined ? 'GET' : 'POST'),
          path: options.path,
          headers,
          ...(fresh ? { agent: false, ...tlsOptions, ...options.tls } : { agent: this.#agent }),
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          const socket = response.socket;
          const tls =
            socket instanceof TLSSocket
              ? { protocol: socket.getProtocol(), cipher: socket.getCipher().name, serialNumber: socket.getPeerCertificate().serialNumber }
              : { protocol: null, cipher: '', serialNumber: '' };
          response.on('end', () => {
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8'), tls });
          });
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  /** POSTs a JSON value (serialised here) to /mutate and parses the reply when it is JSON. */
  async postReview(review: unknown): Promise<HttpResult & { json: unknown }> {
    const result = await this.request({ path: '/mutate', body: JSON.stringify(review) });
    let json: unknown;
    try {
      json = JSON.parse(result.body) as unknown;
    } catch {
      json = undefined;
    }
    return { ...result, json };
  }

  /** Replaces the served certificate files with a fresh leaf from the same CA (files mode). */
  async rotateCertificate(): Promise<KeyedCertificate> {
    if (this.certificateFiles === undefined) throw new Error('rotateCertificate needs files mode');
    const { leaf } = await writeTestCertificates(this.#dir, 'ecdsa-p256', this.certificateFiles.ca);
    return leaf;
  }

  signal(signal: NodeJS.Signals): void {
    this.#child.kill(signal);
  }

  /** SIGTERM, wait for exit (SIGKILL after `timeoutMs`), clean up. */
  async stop(timeoutMs = 15_000): Promise<ExitStatus> {
    this.#agent.destroy();
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
      rmSync(this.#dir, { recursive: true, force: true });
    }
  }
}

/** Starts the webhook and resolves once /health/ready answers 204. */
export async function startWebhook(options: WebhookProcessOptions = {}): Promise<WebhookProcess> {
  assertBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'webhook-process-'));
  const fromFlags = flagsToArgs(options.flags ?? {});
  const env = { ...fromFlags.env, ...options.env };
  const args = ['agent-inject', '-listen=127.0.0.1:0', ...fromFlags.args, ...(options.args ?? [])];
  if ((options.defaultVaultAddress ?? true) && !hasVaultAddress(args, env)) args.push('-vault-address=https://vault.test:8200');
  let files: Awaited<ReturnType<typeof writeTestCertificates>> | undefined;
  if ((options.certificates ?? 'files') === 'files') {
    files = await writeTestCertificates(dir, options.keyType);
    args.push(`-tls-cert-file=${files.certFile}`, `-tls-key-file=${files.keyFile}`);
  }
  // Flags after the first non-flag argument are ignored (Go flag rules), so ours go first. Only
  // PATH and the given variables reach the process: AGENT_INJECT_* from a developer's shell must not.
  const child = spawn(process.execPath, [CLI_PATH, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const webhook = new WebhookProcess(child, dir, files?.ca);
  if (files !== undefined) webhook.certificateFiles = { certFile: files.certFile, keyFile: files.keyFile, ca: files.ca };
  try {
    const listening = await webhook.waitForOutput(/Listening on "[^"]*:(\d+)"/, options.startTimeoutMs ?? 20_000);
    webhook.port = Number(listening[1]);
    const health = await webhook.request({ path: '/health/ready' });
    if (health.status !== 204) throw new Error(`webhook not ready: ${health.status} ${health.body}`);
  } catch (error) {
    await webhook.stop();
    throw error;
  }
  return webhook;
}

/** Runs the webhook expecting it to exit by itself (startup failures); kills it after the timeout. */
export async function runWebhookToExit(args: readonly string[], env: Readonly<Record<string, string>> = {}, timeoutMs = 15_000): Promise<ExitStatus & { stdout: string; stderr: string }> {
  assertBuilt();
  const child = spawn(process.execPath, [CLI_PATH, 'agent-inject', ...args], { cwd: REPO_ROOT, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const status: ExitStatus = await exitWithOutput(child);
  clearTimeout(timer);
  return { ...status, stdout, stderr };
}
