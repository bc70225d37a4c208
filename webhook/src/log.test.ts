import { createLogger, formatStandardLine, namedLogger } from './log.js';

describe('webhook logger, standard format', () => {
  it.each<[Record<string, unknown>, string]>([
    [{ '@level': 'info', '@timestamp': 'T', '@module': 'handler', '@message': 'Request received', uid: 'abc', n: 3, ok: true, o: { a: 1 }, s: 'two words', e: '', q: 'a"b', eq: 'a=b', nil: null },
      'T [INFO]  handler: Request received: uid=abc n=3 ok=true o={"a":1} s="two words" e="" q="a\\"b" eq="a=b" nil=null\n'],
    [{ '@level': 'warn', '@timestamp': 'T', '@message': 'no module' }, 'T [WARN]  no module\n'],
    [{ '@level': 'error', '@timestamp': 'T', '@module': 'm', '@message': 'x' }, 'T [ERROR] m: x\n'],
    [{ '@level': 'debug', '@timestamp': 'T', '@message': 'x' }, 'T [DEBUG] x\n'],
    [{ '@level': 'trace', '@timestamp': 'T', '@message': 'x' }, 'T [TRACE] x\n'],
    [{ '@timestamp': 'T', '@message': 'x' }, 'T [INFO]  x\n'],
    [{ '@level': 'info', '@timestamp': 'T', k: 'v' }, 'T [INFO]  : k=v\n'],
  ])('%j', (record, line) => {
    expect(formatStandardLine(record)).toBe(line);
  });

  it('writes lines through pino with sub-logger names', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', format: 'standard', destination: { write: (line) => lines.push(line) }, now: () => new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)) });
    namedLogger(logger, 'certs').info({ path: '/etc/tls' }, 'Loaded');
    logger.error({ err: new Error('boom') }, 'Failed');
    expect(lines[0]).toBe('2026-01-02T03:04:05.006Z [INFO]  certs: Loaded: path=/etc/tls\n');
    expect(lines[1]).toMatch(/^2026-01-02T03:04:05\.006Z \[ERROR\] Failed: err=\{"type":"Error","message":"boom","stack":.*\}\n$/);
  });

  it('writes hclog JSON keys in json format', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', format: 'json', destination: { write: (line) => lines.push(line) }, now: () => new Date(0) });
    namedLogger(logger, 'handler').warn({ uid: 'u' }, 'Hi');
    expect(lines).toEqual(['{"@level":"warn","@timestamp":"1970-01-01T00:00:00.000Z","@module":"handler","uid":"u","@message":"Hi"}\n']);
  });
});
