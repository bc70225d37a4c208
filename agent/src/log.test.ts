import { createAgentLogger, normaliseLogLevel, toStandardLine } from './log.js';

describe('agent logger', () => {
  it('writes hclog-like standard lines', () => {
    const line = toStandardLine('{"level":"info","time":"2026-01-01T00:00:00.000Z","component":"auth","msg":"token written","path":"/home/vault/.vault-token"}');
    expect(line).toBe('2026-01-01T00:00:00.000Z [INFO]  agent.auth: token written: path=/home/vault/.vault-token\n');
  });

  it.each<[string, string]>([
    ['{"level":"warn","time":"T","msg":"m","s":"two words","e":"","n":1,"b":false,"o":{"a":[1]},"z":null}', 'T [WARN]  agent: m: s="two words" e="" n=1 b=false o={"a":[1]} z=null\n'],
    ['{"level":"error","time":"T","component":"sink","msg":"failed","err":{"type":"Error","message":"disk full"},"path":"/x"}', 'T [ERROR] agent.sink: failed: path=/x error="disk full"\n'],
    ['{"level":"error","time":"T","msg":"failed","error":"first","err":{"message":"second"},"k":1}', 'T [ERROR] agent: failed: error=second k=1\n'],
    ['{"level":"error","time":"T","msg":"failed","err":{"code":1}}', 'T [ERROR] agent: failed: error=undefined\n'],
    ['{"level":"fatal","time":"T","msg":"x"}', 'T [ERROR] agent: x\n'],
    ['{"level":"debug","time":"T","msg":"x"}', 'T [DEBUG] agent: x\n'],
    ['{"level":"trace","time":"T","msg":"x"}', 'T [TRACE] agent: x\n'],
    ['{"level":"other","time":"T","k":"v"}', 'T [INFO]  agent: : k=v\n'],
    ['{"level":"info","time":5,"component":{"a":1},"msg":7}', '5 [INFO]  agent.{"a":1}: 7\n'],
    ['not json', 'not json'],
  ])('formats %s', (json, line) => {
    expect(toStandardLine(json)).toBe(line);
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
