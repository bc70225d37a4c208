import { describe, expect, it } from '@jest/globals';
import type { AgentToken } from '../auth/authenticator.js';
import { createAgentLogger } from '../log.js';
import type { SecretRecord } from '../render/dependency-tracker.js';
import type { ShutdownHandle } from '../supervisor/shutdown.js';
import type { AgentLifecycleOptions, RunnerControl, TokenSource } from './agent-lifecycle.js';
import { AgentLifecycle } from './agent-lifecycle.js';

const token = (value: string): AgentToken => ({ token: value, leaseSeconds: 3600, renewable: true, wrapped: false });

/** A runner and a token source that record what the lifecycle asked of them. */
class Recorder implements RunnerControl, TokenSource {
  readonly starts: string[] = [];
  readonly reauths: string[] = [];
  current: AgentToken | undefined;
  token: string | undefined;
  start(value: string, seeds?: readonly SecretRecord[]): void {
    this.starts.push(seeds === undefined ? value : `${value}+${seeds.length} seeds`);
    this.token = value;
  }
  secretRecords(): readonly SecretRecord[] {
    return [];
  }
  requestReauth(value: string): void {
    this.reauths.push(value);
  }
}

function setUp(overrides: Partial<AgentLifecycleOptions> = {}) {
  const controller = new AbortController();
  const reasons: string[] = [];
  const shutdown: ShutdownHandle = {
    signal: controller.signal,
    shutdown: (reason) => { reasons.push(reason); controller.abort(); },
    uninstall: () => undefined,
  };
  const logs: string[] = [];
  const sleeps: number[] = [];
  let ready = 0;
  const lifecycle = new AgentLifecycle({
    exitAfterAuth: false,
    exitOnRetryFailure: false,
    hasTemplates: true,
    handoff: undefined,
    restored: undefined,
    log: createAgentLogger({ level: 'trace', format: 'json', write: (line) => logs.push(line) }),
    shutdown,
    now: () => 1_000,
    sleep: (ms, signal) => {
      sleeps.push(ms);
      return Promise.resolve(!signal.aborted);
    },
    random: () => 0,
    hooks: { onReady: () => { ready += 1; } },
    ...overrides,
  });
  const ports = new Recorder();
  lifecycle.connect({ runner: ports, tokens: ports });
  return { lifecycle, ports, reasons, logs, sleeps, readyCount: () => ready };
}

const flush = async (): Promise<void> => { await new Promise<void>((resolve) => setImmediate(resolve)); };

describe('AgentLifecycle', () => {
  it('calls onReady once, after the token and every template were first written; the sidecar keeps running', () => {
    const { lifecycle, ports, reasons, readyCount } = setUp();
    lifecycle.tokenWritten(token('t1'));
    expect(readyCount()).toBe(0);
    lifecycle.allRendered();
    lifecycle.tokenWritten(token('t2'));
    lifecycle.allRendered();
    expect(readyCount()).toBe(1);
    expect(ports.starts).toEqual(['t1', 't2']);
    expect(reasons).toEqual([]);
    expect(lifecycle.state.phase).toBe('ready');
  });

  it('init: ready, then an orderly shutdown with exit code 0', () => {
    const { lifecycle, reasons, readyCount } = setUp({ exitAfterAuth: true });
    lifecycle.tokenWritten(token('t1'));
    lifecycle.allRendered();
    expect(readyCount()).toBe(1);
    expect(reasons).toEqual(['exit_after_auth: token written and templates rendered']);
    expect(lifecycle.exitCode).toBe(0);
  });

  it('restarts a failed runner after the backoff with the token current by then', async () => {
    const { lifecycle, ports, sleeps, logs } = setUp();
    lifecycle.tokenWritten(token('t1'));
    ports.current = token('t2');
    lifecycle.runnerFailed(new Error('template x: boom'));
    await flush();
    expect(sleeps).toEqual([1000]);
    expect(ports.starts).toEqual(['t1', 't2']);
    expect(logs.some((line) => line.includes('restarting the template runner'))).toBe(true);
    expect(lifecycle.exitCode).toBe(0);
  });

  it('does not restart the runner once shutdown cut the backoff short', async () => {
    const { lifecycle, ports } = setUp();
    ports.current = token('t1');
    lifecycle.authFailed(new Error('permission denied'));
    lifecycle.runnerFailed(new Error('template x: boom'));
    await flush();
    expect(ports.starts).toEqual([]);
  });

  it('exit_on_retry_failure: a runner failure logs, shuts down and gives exit code 1', () => {
    const { lifecycle, reasons, logs, readyCount } = setUp({ exitOnRetryFailure: true, exitAfterAuth: true });
    lifecycle.tokenWritten(token('t1'));
    lifecycle.runnerFailed(new Error('template x: boom'));
    expect(reasons).toEqual(['template rendering failed and exit_on_retry_failure is set']);
    expect(logs.some((line) => line.includes('"@level":"error"') && line.includes('exit_on_retry_failure'))).toBe(true);
    expect(lifecycle.exitCode).toBe(1);
    expect(readyCount()).toBe(0);
  });

  it('seeds the runner with restored secrets when the restored token is the first one written', () => {
    const record = { id: 'secret/a' } as unknown as SecretRecord;
    const restored = { token: { token: 't1', leaseSeconds: 60, renewable: true, obtainedAtMs: 0 }, secrets: [record] } as unknown as AgentLifecycleOptions['restored'];
    const { lifecycle, ports } = setUp({ restored });
    lifecycle.tokenWritten(token('t1'));
    expect(ports.starts).toEqual(['t1+1 seeds']);
  });

  it('forwards a rejected token to auto-auth', () => {
    const { lifecycle, ports } = setUp();
    lifecycle.tokenRejected('t1');
    expect(ports.reauths).toEqual(['t1']);
  });
});
