import { createAgentLogger, normaliseLogLevel, resolveLogSettings, toHclogJsonLine, toStandardLine } from './log.js';

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

// A line as hclog's JSON format writes it for Vault Agent (keys and layout from go-hclog's
// intlogger.go logJSON/jsonMapEntry: @level, @message, @module, @timestamp with microseconds,
// then fields, all keys sorted; errors as their message). Same shape as the hclog JSON lines
// quoted in https://github.com/hashicorp/vault-k8s/issues/47.
const VAULT_AGENT_LINE = '{"@level":"info","@message":"starting sink server","@module":"agent.sink.server","@timestamp":"2026-01-02T03:04:05.678000Z"}';

describe('agent JSON logs in hclog\'s format', () => {
  it('match a Vault Agent line key for key', () => {
    const ours = JSON.parse(toHclogJsonLine('{"level":"info","time":"2026-01-02T03:04:05.678Z","component":"sink.server","msg":"starting sink server"}')) as Record<string, unknown>;
    expect(ours).toEqual(JSON.parse(VAULT_AGENT_LINE));
    expect(toHclogJsonLine('{"level":"info","time":"2026-01-02T03:04:05.678Z","component":"sink.server","msg":"starting sink server"}')).toBe(`${VAULT_AGENT_LINE}\n`);
  });

  it('sorts every key as Go sorts a map, writes errors as their message without the stack, maps fatal to error', () => {
    const line = toHclogJsonLine('{"level":"fatal","time":"2026-01-02T03:04:05.000Z","msg":"failed","path":"/x","err":{"type":"Error","message":"disk full","stack":"Error: disk full\\n    at f (a.js:1:1)"},"attempt":2}');
    expect(line).toBe('{"@level":"error","@message":"failed","@module":"agent","@timestamp":"2026-01-02T03:04:05.000000Z","attempt":2,"error":"disk full","path":"/x"}\n');
  });

  it('escapes <, > and & as Go\'s encoding/json does by default', () => {
    expect(toHclogJsonLine('{"level":"warn","time":"T","msg":"a<b>&c"}')).toContain('"@message":"a\\u003cb\\u003e\\u0026c"');
  });

  it('the logger writes these lines, redacted, at the chosen level', () => {
    const lines: string[] = [];
    const log = createAgentLogger({ level: 'debug', format: ' JSON ', write: (line) => lines.push(line) });
    log.child({ component: 'auth' }).debug({ path: 'auth/kubernetes/login', token: 'hvs.SECRET' }, 'authenticating');
    log.trace('hidden');
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(Object.keys(record)).toEqual(['@level', '@message', '@module', '@timestamp', 'path', 'token']);
    expect(record).toMatchObject({ '@level': 'debug', '@message': 'authenticating', '@module': 'agent.auth', token: '[redacted]' });
    expect(record['@timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });
});

describe('log settings: flag, then VAULT_LOG_*, then config; unknown values refused naming the input', () => {
  const levels = (flag?: string, env?: string, config?: string): { input: string; value: string | undefined }[] => [
    { input: '-log-level', value: flag },
    { input: 'VAULT_LOG_LEVEL', value: env },
    { input: 'log_level (config)', value: config },
  ];
  const formats = (flag?: string, env?: string, config?: string): { input: string; value: string | undefined }[] => [
    { input: '-log-format', value: flag },
    { input: 'VAULT_LOG_FORMAT', value: env },
    { input: 'log_format (config)', value: config },
  ];

  it.each([
    ['trace', 'trace'], ['DEBUG', 'debug'], [' info ', 'info'], ['notice', 'info'], ['', 'info'], ['warn', 'warn'], ['Warning', 'warn'], ['err', 'error'], ['error', 'error'], ['off', 'silent'],
  ])('level %j is %s', (given, level) => {
    expect(resolveLogSettings(levels(given), formats())).toEqual({ level, format: 'standard', problems: [] });
  });

  it.each([['json', 'json'], ['JSON', 'json'], ['standard', 'standard'], ['', 'standard']])('format %j is %s', (given, format) => {
    expect(resolveLogSettings(levels(), formats(undefined, given)).format).toBe(format);
  });

  it('the first source set wins, and only it is checked', () => {
    expect(resolveLogSettings(levels(undefined, 'debug', 'loud'), formats(undefined, undefined, 'json'))).toEqual({ level: 'debug', format: 'json', problems: [] });
  });

  it.each([
    [levels('loud'), formats(), '-log-level: "loud" is not a log level; use trace, debug, info, warn or error (unknown log level: loud)'],
    [levels(undefined, 'fatal'), formats(), 'VAULT_LOG_LEVEL: "fatal" is not a log level; use trace, debug, info, warn or error (unknown log level: fatal)'],
    [levels(undefined, undefined, 'verbose'), formats(), 'log_level (config): "verbose" is not a log level; use trace, debug, info, warn or error (unknown log level: verbose)'],
    [levels(), formats('text'), '-log-format: "text" is not a log format; use standard or json (unknown log format: text)'],
    [levels(), formats(undefined, 'logfmt'), 'VAULT_LOG_FORMAT: "logfmt" is not a log format; use standard or json (unknown log format: logfmt)'],
  ])('refuses %#', (levelSources, formatSources, problem) => {
    expect(resolveLogSettings(levelSources, formatSources).problems).toEqual([problem]);
  });
});
