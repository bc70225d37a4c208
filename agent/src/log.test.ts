import { createAgentLogger, normaliseLogLevel, toStandardLine } from './log.js';

describe('agent logger', () => {
  it('writes hclog-like standard lines', () => {
    const line = toStandardLine('{"level":"info","time":"2026-01-01T00:00:00.000Z","component":"auth","msg":"token written","path":"/home/vault/.vault-token"}');
    expect(line).toBe('2026-01-01T00:00:00.000Z [INFO]  agent.auth: token written: path=/home/vault/.vault-token\n');
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
  });
});
