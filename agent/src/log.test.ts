import fc from 'fast-check';
import { pino } from 'pino';
import { createAgentLogger, normaliseLogLevel, REDACT_PATHS, toStandardLine, type AgentLogger } from './log.js';

const TIME = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

describe('agent logger', () => {
  it('writes hclog-like standard lines', () => {
    const line = toStandardLine('{"level":"info","time":"2026-01-01T00:00:00.000Z","component":"auth","msg":"token written","path":"/home/vault/.vault-token"}');
    expect(line).toBe('2026-01-01T00:00:00.000Z [INFO]  agent.auth: token written: path=/home/vault/.vault-token\n');
  });

  it('writes standard lines for the agent’s records, errors by their message', () => {
    const lines: string[] = [];
    const log = createAgentLogger({ level: 'debug', write: (line) => lines.push(line), now: () => TIME });
    log.child({ component: 'auth' }).info({ path: '/home/vault/.vault-token' }, 'token written');
    log.error({ err: new Error('connection refused'), restart_in_ms: 1200 }, 'template rendering failed');
    log.debug('quiet');
    log.trace('hidden');
    expect(lines).toEqual([
      '2026-01-02T03:04:05.678Z [INFO]  agent.auth: token written: path=/home/vault/.vault-token\n',
      '2026-01-02T03:04:05.678Z [ERROR] agent: template rendering failed: restart_in_ms=1200 error="connection refused"\n',
      '2026-01-02T03:04:05.678Z [DEBUG] agent: quiet\n',
    ]);
  });

  it('redacts fields that would carry secrets, at every level', () => {
    const lines: string[] = [];
    const log = createAgentLogger({ level: 'trace', format: 'json', write: (line) => lines.push(line) });
    log.trace({ token: 'hvs.AAAA', nested: { jwt: 'eyJsecret', data: { password: 'p4ss' } }, path: 'kv/app' }, 'x');
    log.error({ client_token: 'hvs.BBBB', secret_id: 's-id', contents: 'rendered' }, 'y');
    const text = lines.join('');
    for (const secret of ['hvs.AAAA', 'eyJsecret', 'p4ss', 'hvs.BBBB', 's-id', 'rendered']) expect(text).not.toContain(secret);
    expect(text).toContain('kv/app');
    expect(text).toContain('[redacted]');
  });

  it('maps Vault log levels', () => {
    expect(normaliseLogLevel('WARNING')).toBe('warn');
    expect(normaliseLogLevel('err')).toBe('error');
    expect(normaliseLogLevel('nonsense')).toBeUndefined();
    const lines: string[] = [];
    createAgentLogger({ level: 'warn', write: (line) => lines.push(line) }).info('hidden');
    expect(lines).toEqual([]);
    createAgentLogger({ level: 'off', write: (line) => lines.push(line) }).error('hidden');
    expect(lines).toEqual([]);
  });
});

// The logger replaced pino (start-up time); every line must stay what pino, configured as the agent
// configured it, writes for the same call.
describe('agent logger output is byte for byte pino’s', () => {
  const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

  function pinoLogger(level: string, write: (line: string) => void): AgentLogger {
    return pino(
      {
        level,
        base: null,
        redact: { paths: REDACT_PATHS, censor: '[redacted]' },
        timestamp: () => `,"time":"${new Date(TIME).toISOString()}"`,
        formatters: { level: (label) => ({ level: label }) },
      },
      { write },
    );
  }

  class VaultishError extends Error {
    override readonly name = 'VaultishError';
    constructor(
      message: string,
      readonly status: number,
      readonly errors: readonly string[],
      options?: ErrorOptions,
    ) {
      super(message, options);
    }
  }

  const key = fc.oneof(
    fc.constantFrom(...REDACT_PATHS.filter((path) => !path.startsWith('*')), 'err', 'msg', 'level', 'component', 'path', 'destination', 'raw', 'type', 'stack', 'errors'),
    fc.string({ maxLength: 6 }),
  );
  const scalar = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.constant(() => 1),
    fc.date({ noInvalidDate: true }),
  );
  const nested = fc.dictionary(fc.oneof(fc.constantFrom('token', 'jwt', 'data', 'password', 'client_token', 'path'), fc.string({ maxLength: 4 })), scalar, { maxKeys: 4, noNullPrototype: true });
  const error = fc
    .record({ message: fc.string({ maxLength: 12 }), status: fc.integer(), errors: fc.array(fc.string({ maxLength: 8 }), { maxLength: 2 }), withCause: fc.boolean(), plain: fc.boolean(), extra: nested })
    .map(({ message, status, errors, withCause, plain, extra }) => {
      if (plain) return { message, ...extra };
      const cause = withCause ? new Error(`cause of ${message}`) : undefined;
      const err = new VaultishError(message, status, errors, cause === undefined ? undefined : { cause });
      return Object.assign(err, extra);
    });
  const value = fc.oneof(scalar, scalar, fc.array(scalar, { maxLength: 3 }), nested, error);
  const fields = fc.dictionary(key, value, { maxKeys: 6, noNullPrototype: true });
  const call = fc.record({
    level: fc.constantFrom(...LEVELS),
    fields: fc.option(fields, { nil: undefined }),
    message: fc.option(fc.string({ maxLength: 16 }), { nil: undefined }),
    bindings: fc.option(fc.dictionary(key, value, { maxKeys: 3, noNullPrototype: true }), { nil: undefined }),
  });

  interface Call {
    readonly level: (typeof LEVELS)[number];
    readonly fields: Record<string, unknown> | undefined;
    readonly message: string | undefined;
    readonly bindings: Record<string, unknown> | undefined;
  }

  function run(logger: AgentLogger, calls: readonly Call[]): void {
    for (const { level, fields: recordFields, message, bindings } of calls) {
      const target = bindings === undefined ? logger : logger.child(bindings);
      if (recordFields === undefined) target[level](message ?? '');
      else target[level](recordFields, message);
    }
  }

  it('for generated records, bindings, errors and levels', () => {
    fc.assert(
      fc.property(fc.constantFrom('trace', 'info', 'error', 'silent'), fc.array(call, { maxLength: 5 }), (threshold, calls) => {
        const ours: string[] = [];
        const theirs: string[] = [];
        run(createAgentLogger({ level: threshold === 'silent' ? 'off' : threshold, format: 'json', write: (line) => ours.push(line), now: () => TIME }), calls);
        run(pinoLogger(threshold, (line) => theirs.push(line)), calls);
        expect(ours).toEqual(theirs);
      }),
      { numRuns: 400 },
    );
  });

  it('for the records the agent writes, including nested secrets, causes and cycles', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const root = new Error('outer', { cause: new Error('inner', { cause: 'not an error' }) });
    const aggregate = new AggregateError([new Error('one'), new VaultishError('two', 403, ['permission denied'])], 'several');
    const loginError = new VaultishError('PUT /v1/auth/kubernetes/login: Vault answered 403', 403, ['permission denied']);
    const calls = (logger: AgentLogger): void => {
      const auth = logger.child({ component: 'auth' });
      auth.info({ method: 'kubernetes', mount_path: 'auth/kubernetes' }, 'starting auth handler');
      auth.error({ path: '/home/vault/.vault-token', err: loginError }, 'error writing token to sink; retrying');
      logger.child({ component: 'template' }).warn({ dependency: 'kv.read(secret/data/x)', err: root, retry_in_ms: 250, attempt: 1 }, 'fetching a template dependency failed; retrying');
      logger.error({ problems: ['vault.address: unknown scheme', 'vault.ca_cert: missing'] }, 'invalid Vault connection settings');
      logger.error({ err: aggregate });
      logger.info({ response: { data: { password: 'p' }, client_token: 'hvs.x', token: 'hvs.y', jwt: 'eyJ' }, headers: { 'x-vault-token': 'hvs.z' } }, 'nested');
      logger.debug({ cyclic, big: 10n }, 'values JSON cannot write');
      logger.info({ ttl_s: Infinity, ratio: NaN, when: new Date(TIME), fn: () => 1, skipped: undefined }, 'odd values');
      logger.warn('auth token is no longer valid; authenticating again');
    };
    const ours: string[] = [];
    const theirs: string[] = [];
    calls(createAgentLogger({ level: 'trace', format: 'json', write: (line) => ours.push(line), now: () => TIME }));
    calls(pinoLogger('trace', (line) => theirs.push(line)));
    expect(ours).toEqual(theirs);
    expect(ours).toHaveLength(9);
    expect(ours.join('')).not.toMatch(/hvs\.|"p"|eyJ/);
  });
});
