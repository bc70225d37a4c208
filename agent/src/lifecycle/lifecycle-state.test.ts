import { describe, expect, it } from '@jest/globals';
import type { AgentToken } from '../auth/authenticator.js';
import type { LifecycleEffect, LifecycleEvent, LifecycleSettings, LifecycleState } from './lifecycle-state.js';
import { exitCodeOf, INIT_DONE_REASON, initialLifecycleState, transition } from './lifecycle-state.js';

const SIDECAR: LifecycleSettings = { exitAfterAuth: false, hasTemplates: true, handoff: false, handoffExitOnError: false, exitOnRetryFailure: false };
const INIT: LifecycleSettings = { ...SIDECAR, exitAfterAuth: true };

const token = (value: string, wrapped = false): AgentToken => ({ token: value, leaseSeconds: 3600, renewable: true, wrapped });
const midRandom = (): number => 0.5;

/** Runs events from the initial state; returns the final state and every effect, in order. */
function run(
  settings: LifecycleSettings,
  events: readonly LifecycleEvent[],
  restored?: { token: string; secrets: readonly string[] },
): { state: LifecycleState<string>; effects: LifecycleEffect<string>[] } {
  let state = initialLifecycleState<string>(settings, restored);
  const effects: LifecycleEffect<string>[] = [];
  for (const event of events) {
    const step = transition(settings, state, event, midRandom);
    state = step.state;
    effects.push(...step.effects);
  }
  return { state, effects };
}

const kinds = (effects: readonly LifecycleEffect<string>[]): string[] => effects.map((effect) => effect.kind);

describe('lifecycle state machine', () => {
  it('sidecar: starts the runner on every token and is ready once, after the first token and the first full render', () => {
    const { state, effects } = run(SIDECAR, [
      { kind: 'token-written', token: token('t1') },
      { kind: 'all-rendered' },
      { kind: 'token-written', token: token('t2') },
    ]);
    expect(effects).toEqual([
      { kind: 'start-runner', token: 't1', seeds: undefined },
      { kind: 'ready' },
      { kind: 'start-runner', token: 't2', seeds: undefined },
    ]);
    expect(state.phase).toBe('ready');
    expect(exitCodeOf(state)).toBe(0);
  });

  it('init stopped early (a signal) exits 1 until the token and every template are written; the sidecar does not', () => {
    expect(exitCodeOf(run(INIT, []).state, INIT)).toBe(1);
    expect(exitCodeOf(run(INIT, [{ kind: 'token-written', token: token('t1') }]).state, INIT)).toBe(1);
    expect(exitCodeOf(run(INIT, [{ kind: 'token-written', token: token('t1') }, { kind: 'all-rendered' }]).state, INIT)).toBe(0);
    expect(exitCodeOf(run(SIDECAR, [{ kind: 'token-written', token: token('t1') }]).state, SIDECAR)).toBe(0);
  });

  it('is not ready before every template rendered, nor before a token reached the sinks', () => {
    expect(kinds(run(SIDECAR, [{ kind: 'token-written', token: token('t1') }]).effects)).toEqual(['start-runner']);
    expect(run(SIDECAR, [{ kind: 'all-rendered' }]).effects).toEqual([]);
    expect(run(SIDECAR, [{ kind: 'token-written', token: token('t1') }]).state.phase).toBe('starting');
  });

  it('init: renders with the first token only, then ready and exit with code 0', () => {
    const { state, effects } = run(INIT, [
      { kind: 'token-written', token: token('t1') },
      { kind: 'token-written', token: token('t2') },
      { kind: 'all-rendered' },
    ]);
    expect(effects).toEqual([{ kind: 'start-runner', token: 't1', seeds: undefined }, { kind: 'ready' }, { kind: 'exit', reason: INIT_DONE_REASON }]);
    expect(state.phase).toBe('exiting');
    expect(exitCodeOf(state)).toBe(0);
  });

  it('init without templates: ready and exit as soon as the token is written', () => {
    const { effects } = run({ ...INIT, hasTemplates: false }, [{ kind: 'token-written', token: token('t1') }]);
    expect(kinds(effects)).toEqual(['ready', 'exit']);
  });

  it('a wrapped token reaches the sinks but never starts the runner', () => {
    const { state, effects } = run(INIT, [{ kind: 'token-written', token: token('{"token":"w"}', true) }]);
    expect(effects).toEqual([]);
    expect(state).toMatchObject({ tokenWritten: true, runnerStarted: false, phase: 'starting' });
  });

  it('init with cache.persist: hands off before exiting; a failed hand-off warns and exits 0 without exit_on_err', () => {
    const settings = { ...INIT, handoff: true };
    const before = run(settings, [{ kind: 'token-written', token: token('t1') }, { kind: 'all-rendered' }]);
    expect(kinds(before.effects)).toEqual(['start-runner', 'ready', 'write-handoff']);
    expect(before.state.phase).toBe('handing-off');

    const written = transition(settings, before.state, { kind: 'handoff-written', failure: undefined }, midRandom);
    expect(written.effects).toEqual([{ kind: 'exit', reason: INIT_DONE_REASON }]);
    expect(exitCodeOf(written.state)).toBe(0);

    const failure = new Error('read-only file system');
    const failed = transition(settings, before.state, { kind: 'handoff-written', failure }, midRandom);
    expect(kinds(failed.effects)).toEqual(['warn', 'exit']);
    expect(exitCodeOf(failed.state)).toBe(0);
  });

  it('init with cache.persist exit_on_err: a failed hand-off ends the agent with exit code 1', () => {
    const settings = { ...INIT, handoff: true, handoffExitOnError: true };
    const failure = new Error('read-only file system');
    const { state, effects } = run(settings, [
      { kind: 'token-written', token: token('t1') },
      { kind: 'all-rendered' },
      { kind: 'handoff-written', failure },
    ]);
    expect(effects.at(-1)).toEqual({ kind: 'fail', reason: 'could not write the persistent cache and exit_on_err is set', error: failure });
    expect(exitCodeOf(state)).toBe(1);
  });

  it('restored secrets seed the runner only with the token they were fetched with, and only once', () => {
    const restored = { token: 't1', secrets: ['secret/a'] };
    const same = run(SIDECAR, [{ kind: 'token-written', token: token('t1') }, { kind: 'token-written', token: token('t1') }], restored);
    expect(same.effects).toEqual([
      { kind: 'start-runner', token: 't1', seeds: ['secret/a'] },
      { kind: 'start-runner', token: 't1', seeds: undefined },
    ]);
    const other = run(SIDECAR, [{ kind: 'token-written', token: token('t9') }], restored);
    expect(other.effects).toEqual([{ kind: 'start-runner', token: 't9', seeds: undefined }]);
    expect(other.state.restored).toBeUndefined();
  });

  it('a runner failure schedules a restart with a growing jittered backoff (1 s, 2 s, … ×0.75–1)', () => {
    const error = new Error('template failed');
    const { effects } = run(SIDECAR, [
      { kind: 'runner-failed', error },
      { kind: 'runner-failed', error },
      { kind: 'runner-failed', error },
    ]);
    expect(effects).toEqual([
      { kind: 'restart-runner-later', delayMs: 875, error },
      { kind: 'restart-runner-later', delayMs: 1750, error },
      { kind: 'restart-runner-later', delayMs: 3500, error },
    ]);
  });

  it('a due restart starts the runner with the current token, or not at all without one', () => {
    expect(run(SIDECAR, [{ kind: 'runner-restart-due', token: token('t3') }]).effects).toEqual([{ kind: 'start-runner', token: 't3', seeds: undefined }]);
    expect(run(SIDECAR, [{ kind: 'runner-restart-due', token: undefined }]).effects).toEqual([]);
  });

  it('exit_on_retry_failure: a runner failure ends the agent with exit code 1 and no ready', () => {
    const error = new Error('template failed');
    const { state, effects } = run({ ...INIT, exitOnRetryFailure: true }, [
      { kind: 'token-written', token: token('t1') },
      { kind: 'runner-failed', error },
      { kind: 'all-rendered' },
    ]);
    expect(effects).toEqual([
      { kind: 'start-runner', token: 't1', seeds: undefined },
      { kind: 'fail', reason: 'template rendering failed and exit_on_retry_failure is set', error },
    ]);
    expect(exitCodeOf(state)).toBe(1);
  });

  it('auth failure (exit_on_err) ends the agent with exit code 1', () => {
    const error = new Error('permission denied');
    const { state, effects } = run(SIDECAR, [{ kind: 'auth-failed', error }]);
    expect(effects).toEqual([{ kind: 'fail', reason: 'authentication failed and exit_on_err is set', error }]);
    expect(state.phase).toBe('exiting');
    expect(exitCodeOf(state)).toBe(1);
  });

  it('process supervisor: the child\'s exit code becomes the agent\'s, unless a failure ended the agent', () => {
    const exited = run(SIDECAR, [{ kind: 'token-written', token: token('t1') }, { kind: 'all-rendered' }, { kind: 'child-exited', code: 3 }]);
    expect(exited.state.phase).toBe('exiting');
    expect(exited.effects.at(-1)).toEqual({ kind: 'exit', reason: 'child process exited with code 3' });
    expect(exitCodeOf(exited.state)).toBe(3);
    const failed = run({ ...SIDECAR, exitOnRetryFailure: true }, [
      { kind: 'token-written', token: token('t1') },
      { kind: 'runner-failed', error: new Error('render') },
      { kind: 'child-exited', code: 0 },
    ]);
    expect(exitCodeOf(failed.state)).toBe(1);
  });
});
