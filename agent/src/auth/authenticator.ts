// The auto-auth loop (https://developer.hashicorp.com/vault/docs/agent-and-proxy/autoauth,
// https://github.com/hashicorp/vault/blob/main/command/agentproxyshared/auth/auth.go): log in,
// publish the token to the sinks and the agent, keep it alive with the lifetime watcher, and log in
// again when it nears its max TTL, when renewal fails for good, at once when someone saw it
// rejected as an invalid token, or (enable_reauth_on_new_credentials) at once when the method's
// credential file changed. jwt and ldap poll their file from the first successful login on, as
// Vault Agent's watchers do; without that setting Vault Agent drains their notices, so the file is
// still consumed and the new credential waits for the next login. Login failures back off
// 1 s → 5 min with jitter (or the method's min/max), forever unless exit_on_err. A token restored from the persistent cache is checked with
// lookup-self and used instead of a first login
// (https://developer.hashicorp.com/vault/docs/agent-and-proxy/agent/caching/persistent-caches).
import type { AuthMethodConfig } from '../config/agent-config.js';
import type { AgentLogger } from '../log.js';
import { watchLifetime } from '../lease/lifetime-watcher.js';
import { nextBackoff, startBackoff } from '../supervisor/backoff.js';
import { isAborted } from '../supervisor/sleep.js';
import type { VaultClient, VaultRequest, VaultResponse } from '../vault/vault-client.js';
import { numberField } from '../vault/vault-client.js';
import { coerceError, isRetryableVaultError } from '../vault/vault-error.js';
import type { FileSink } from '../sink/file-sink.js';
import { wrapInfoJson } from '../sink/token-wrapper.js';
import type { AuthMethod, CredentialWatch, LoginPlan, MethodVaultAccess } from './auth-method.js';
import { AuthMethodError } from './auth-method.js';

export interface AgentToken {
  readonly token: string;
  readonly leaseSeconds: number;
  readonly renewable: boolean;
  /** The sinks hold wrap info, not a usable token (method wrap_ttl). */
  readonly wrapped: boolean;
}

export interface AuthenticatorDependencies {
  readonly client: VaultClient;
  readonly method: AuthMethod;
  readonly config: AuthMethodConfig;
  readonly sinks: readonly FileSink[];
  readonly log: AgentLogger;
  readonly now: () => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<boolean>;
  readonly random: () => number;
  /** Called after the sinks hold a new token. */
  readonly onToken: (token: AgentToken) => void;
  /** auto_auth.enable_reauth_on_new_credentials: a changed credential file logs in again at once. */
  readonly reauthOnNewCredentials?: boolean;
  /** Called after each failed login (telemetry: vault.agent.auth.failure). */
  readonly onLoginFailure?: () => void;
  /**
   * A token restored from the persistent cache ("preloaded"): looked up instead of logging in.
   * Kept across transient lookup failures; dropped for a normal login once Vault rejects it.
   */
  readonly preloadedToken?: string | undefined;
}

export type AuthenticatorOutcome = { readonly kind: 'stopped' } | { readonly kind: 'failed'; readonly error: Error };

type TokenAttempt =
  | { readonly kind: 'token'; readonly token: AgentToken }
  | { readonly kind: 'retry'; readonly preloaded: string | undefined; readonly backOff: boolean }
  | { readonly kind: 'stop' }
  | { readonly kind: 'failed'; readonly error: Error };

export class Authenticator {
  readonly #deps: AuthenticatorDependencies;
  #current: AgentToken | undefined;
  #interruptWatch: AbortController | undefined;
  /** The credential watch has started (after the first successful login; it runs until the end). */
  #pollingCredentials = false;
  /** The watch saw new credentials that no login has used yet. */
  #newCredentials = false;

  constructor(deps: AuthenticatorDependencies) {
    this.#deps = deps;
  }

  get current(): AgentToken | undefined {
    return this.#current;
  }

  /**
   * Someone got 403 "invalid token" with `token`: log in again now. Ignored for a token that is no
   * longer current (its replacement is already there) or while a login is in progress.
   */
  requestReauth(token: string): void {
    if (this.#current?.token !== token || this.#interruptWatch === undefined) return;
    this.#deps.log.warn('token was rejected as invalid; authenticating again');
    this.#interruptWatch.abort();
  }

  async run(signal: AbortSignal): Promise<AuthenticatorOutcome> {
    const { log, config } = this.#deps;
    let backoff = this.#initialBackoff();
    const pause = async (): Promise<boolean> => {
      const step = nextBackoff(backoff, this.#deps.random);
      backoff = step.state;
      log.info({ backoff_ms: Math.round(step.delayMs) }, 'backing off before the next login');
      return this.#deps.sleep(step.delayMs, signal);
    };
    log.info({ method: config.type, mount_path: config.mountPath }, 'starting auth handler');
    let preloaded = this.#deps.preloadedToken;
    while (!signal.aborted) {
      const attempt = await this.#obtainToken(preloaded, signal);
      if (attempt.kind === 'stop') break;
      if (attempt.kind === 'failed') return { kind: 'failed', error: attempt.error };
      if (attempt.kind === 'retry') {
        preloaded = attempt.preloaded;
        if (attempt.backOff && !(await pause())) break;
        continue;
      }
      preloaded = undefined;
      backoff = this.#initialBackoff();
      if (!(await this.#holdToken(attempt.token, signal, pause))) break;
    }
    return { kind: 'stopped' };
  }

  #initialBackoff(): ReturnType<typeof startBackoff> {
    const { config } = this.#deps;
    return startBackoff(config.minBackoffMs ?? 1000, config.maxBackoffMs ?? 300_000);
  }

  /** One login (or adoption of the restored token), and what to do when it fails. */
  async #obtainToken(preloaded: string | undefined, signal: AbortSignal): Promise<TokenAttempt> {
    try {
      const token = preloaded === undefined ? await this.#login(signal) : await this.#adoptPreloaded(preloaded, signal);
      return { kind: 'token', token };
    } catch (error) {
      if (isAborted(signal)) return { kind: 'stop' };
      if (preloaded !== undefined) {
        // Kept: back off and look it up again. Dropped: log in at once.
        const kept = this.#preloadedWorthRetrying(error);
        return { kind: 'retry', preloaded: kept ? preloaded : undefined, backOff: kept };
      }
      const failure = coerceError(error);
      this.#deps.log.error({ err: failure }, 'authentication failed');
      this.#deps.onLoginFailure?.();
      if (this.#deps.config.exitOnError) return { kind: 'failed', error: failure };
      return { kind: 'retry', preloaded: undefined, backOff: true };
    }
  }

  /** Publishes the token and keeps it alive; false when the loop should stop. */
  async #holdToken(token: AgentToken, signal: AbortSignal, pause: () => Promise<boolean>): Promise<boolean> {
    if (!(await this.#publish(token, signal))) return false;
    const outcome = await this.#watch(token, signal);
    if (outcome === 'stopped') return false;
    if (outcome === 'error') return pause();
    // 'done'. A token that lives 0 s would otherwise be replaced in a hot loop.
    if (token.leaseSeconds === 0) return this.#deps.sleep(1000, signal);
    return true;
  }

  async #adoptPreloaded(token: string, signal: AbortSignal): Promise<AgentToken> {
    const adopted = await this.#lookupSelf(token, this.#methodVault(signal));
    this.#deps.log.info({ ttl_s: adopted.leaseSeconds }, 'using the token restored from the persistent cache');
    return adopted;
  }

  /** A restored token is kept through transient failures (Vault down, sealed) and dropped once Vault rejects it. */
  #preloadedWorthRetrying(error: unknown): boolean {
    const failure = coerceError(error);
    if (isRetryableVaultError(error)) {
      this.#deps.log.warn({ err: failure }, 'could not look up the restored token; trying again');
      return true;
    }
    this.#deps.log.warn({ err: failure }, 'the restored token is not valid any more; logging in');
    return false;
  }

  /** Vault requests in the auth method's namespace. */
  #methodVault(signal: AbortSignal): MethodVaultAccess {
    const { client, config } = this.#deps;
    const namespace = config.namespace;
    return {
      address: client.address,
      request: (request) => client.request({ ...request, signal, ...(namespace === undefined ? {} : { namespace }) }),
    };
  }

  /** GET auth/token/lookup-self: the token's id, remaining TTL and renewability (root tokens are held, not renewed). */
  async #lookupSelf(token: string, vault: MethodVaultAccess): Promise<AgentToken> {
    const response = await vault.request({ method: 'GET', path: 'auth/token/lookup-self', token, retries: 0 });
    const data = (response.body as { data?: Record<string, unknown> } | undefined)?.data ?? {};
    const id = typeof data.id === 'string' && data.id !== '' ? data.id : token;
    const policies = Array.isArray(data.policies) ? data.policies : [];
    const ttl = numberField(data.ttl) ?? 0;
    const renewable = data.renewable === true;
    const root = ttl === 0 && !renewable && policies.length === 1 && policies[0] === 'root';
    return { token: id, leaseSeconds: root ? -1 : ttl, renewable, wrapped: false };
  }

  async #login(signal: AbortSignal): Promise<AgentToken> {
    const { method, config } = this.#deps;
    const vault = this.#methodVault(signal);
    const plan = await method.planLogin(vault);
    if (plan.kind === 'lookup-self') return this.#lookupSelf(plan.token, vault);
    const response = await this.#sendLogin(plan, vault, signal);
    const body = (response.body ?? {}) as {
      auth?: { client_token?: unknown; lease_duration?: unknown; renewable?: unknown } | null;
      wrap_info?: Record<string, unknown> | null;
    };
    if (config.wrapTtl !== undefined) {
      const wrapInfo = body.wrap_info;
      if (wrapInfo === null || wrapInfo === undefined || typeof wrapInfo.token !== 'string') {
        throw new AuthMethodError('login with wrap_ttl returned no wrap_info');
      }
      return { token: wrapInfoJson(wrapInfo), leaseSeconds: -1, renewable: false, wrapped: true };
    }
    const auth = body.auth;
    if (auth === null || auth === undefined || typeof auth.client_token !== 'string' || auth.client_token === '') {
      throw new AuthMethodError('login response contained no client token');
    }
    return {
      token: auth.client_token,
      leaseSeconds: numberField(auth.lease_duration) ?? 0,
      renewable: auth.renewable === true,
      wrapped: false,
    };
  }

  async #sendLogin(plan: Extract<LoginPlan, { kind: 'login' }>, vault: MethodVaultAccess, signal: AbortSignal): Promise<VaultResponse> {
    const { config } = this.#deps;
    const request: VaultRequest = {
      method: 'PUT',
      path: plan.path,
      body: plan.body,
      retries: 0,
      ...(config.wrapTtl === undefined ? {} : { wrapTtl: config.wrapTtl }),
    };
    if (plan.tls === undefined) return vault.request(request);
    // cert auth with its own client certificate: a connection of its own for this one request.
    const tlsClient = this.#deps.client.withClientTls(plan.tls);
    try {
      return await tlsClient.request({ ...request, signal, ...(config.namespace === undefined ? {} : { namespace: config.namespace }) });
    } finally {
      tlsClient.close();
    }
  }

  /** Writes every sink (retrying each every 1–3 s until it succeeds), then tells the agent. */
  async #publish(token: AgentToken, signal: AbortSignal): Promise<boolean> {
    const { sinks, log } = this.#deps;
    const results = await Promise.all(
      sinks.map(async (sink) => {
        while (!signal.aborted) {
          try {
            await sink.write(token.token, { alreadyWrapped: token.wrapped });
            log.info({ path: sink.path }, 'token written');
            return true;
          } catch (error) {
            log.error({ path: sink.path, err: coerceError(error) }, 'error writing token to sink; retrying');
            if (!(await this.#deps.sleep(1000 + 2000 * this.#deps.random(), signal))) return false;
          }
        }
        return false;
      }),
    );
    if (results.includes(false)) return false;
    this.#current = token;
    this.#deps.onToken(token);
    const watch = this.#deps.method.credentialWatch;
    if (watch !== undefined && !this.#pollingCredentials) {
      this.#pollingCredentials = true;
      void this.#pollCredentials(watch, signal);
    }
    return true;
  }

  /** Reads the credential file every period; a change ends the current token's watch so the loop logs in again. */
  async #pollCredentials(watch: CredentialWatch, signal: AbortSignal): Promise<void> {
    while (await this.#deps.sleep(watch.periodMs, signal)) {
      let changed: boolean;
      try {
        changed = await watch.poll();
      } catch (error) {
        this.#deps.log.error({ err: coerceError(error) }, 'error reading the auth method\'s credential file');
        continue;
      }
      if (!changed) continue;
      this.#deps.log.debug('auth method read new credentials');
      if (this.#deps.reauthOnNewCredentials !== true) continue;
      this.#newCredentials = true;
      this.#interruptWatch?.abort();
    }
  }

  /** Whether new credentials ended (or preempt) a token's watch; consumes the notice. */
  #takeNewCredentials(): boolean {
    if (!this.#newCredentials) return false;
    this.#newCredentials = false;
    this.#deps.log.info('auth method found new credentials, re-authenticating');
    return true;
  }

  async #watch(token: AgentToken, signal: AbortSignal): Promise<'done' | 'error' | 'stopped'> {
    // Seen while this token's login was under way: Vault Agent's handler takes the pending notice
    // as soon as it waits again, and logs in once more.
    if (this.#takeNewCredentials()) return 'done';
    const interrupt = new AbortController();
    this.#interruptWatch = interrupt;
    const combined = AbortSignal.any([signal, interrupt.signal]);
    try {
      // Wrapped tokens and root tokens from token_file cannot be renewed: hold them until told otherwise.
      if (token.leaseSeconds < 0) {
        await new Promise<void>((resolve) => { combined.addEventListener('abort', () => { resolve(); }, { once: true }); });
        if (signal.aborted) return 'stopped';
        this.#takeNewCredentials();
        return 'done';
      }
      const { client, config, log } = this.#deps;
      const outcome = await watchLifetime(
        {
          initialLeaseSeconds: token.leaseSeconds,
          renewable: token.renewable,
          mode: 'token',
          now: this.#deps.now,
          sleep: this.#deps.sleep,
          random: this.#deps.random,
          renew: async (renewSignal) => {
            const response = await client.request({
              method: 'PUT',
              path: 'auth/token/renew-self',
              body: { increment: 0 },
              token: token.token,
              signal: renewSignal,
              ...(config.namespace === undefined ? {} : { namespace: config.namespace }),
            });
            const auth = (response.body as { auth?: { lease_duration?: unknown; renewable?: unknown } | null } | undefined)?.auth;
            if (auth === undefined || auth === null) throw new AuthMethodError('renew-self returned no auth block');
            return { leaseSeconds: numberField(auth.lease_duration) ?? 0, renewable: auth.renewable === true };
          },
          onRenewed: (result) => { log.info({ ttl_s: result.leaseSeconds }, 'renewed auth token'); },
        },
        combined,
      );
      if (outcome.kind === 'stopped') {
        if (signal.aborted) return 'stopped';
        this.#takeNewCredentials();
        return 'done';
      }
      if (outcome.kind === 'invalid') {
        log.warn('auth token is no longer valid; authenticating again');
        return 'done';
      }
      if (outcome.kind === 'error') return 'error';
      log.info('auth token nears the end of its lifetime; authenticating again');
      return 'done';
    } finally {
      this.#interruptWatch = undefined;
    }
  }
}
