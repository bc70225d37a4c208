import fc from 'fast-check';
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

describe('webhook logger, standard format written straight from the call', () => {
  // The standard format has two paths: plain calls are formatted from their arguments, the rest
  // go through pino's JSON and formatStandardLine. Either way a call must give the very line the
  // JSON format's record gives through formatStandardLine.
  const scalar = fc.oneof(fc.string(), fc.constantFrom('', 'two words', 'a"b', 'a=b', 'tab\there', '\n', '<&>', '\u00e9', '\ud800'), fc.double(), fc.integer(), fc.boolean(), fc.constant(null));
  const value = fc.oneof(
    scalar,
    fc.constant(undefined),
    fc.array(scalar, { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 3 }), scalar, { maxKeys: 2 }),
    fc.constantFrom(new Date(0), new Error('boom'), Number.NaN, Number.POSITIVE_INFINITY, -0, 1e21, () => 1),
  );
  const key = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('err', '@module', '@message', '@level', '@timestamp', '__proto__', '0', '12', 'a b', 'k"'));
  const call = fc.record({
    level: fc.constantFrom('trace', 'debug', 'info', 'warn', 'error') ,
    module: fc.option(fc.constantFrom('handler', 'certs', 'a b'), { nil: undefined }),
    fields: fc.option(fc.array(fc.tuple(key, value), { maxLength: 6 }), { nil: undefined }),
    message: fc.option(fc.oneof(fc.string(), fc.constantFrom('with %s', '%d%%', 'a: b')), { nil: undefined }),
    extra: fc.option(fc.string(), { nil: undefined }),
  });

  it('gives the same line as pino JSON read by formatStandardLine, for any call', () => {
    const now = (): Date => new Date(Date.UTC(2026, 11, 4, 1, 2, 3, 4));
    fc.assert(
      fc.property(call, ({ level, module, fields, message, extra }) => {
        const lines: Record<'standard' | 'json', string[]> = { standard: [], json: [] };
        for (const format of ['standard', 'json'] as const) {
          const root = createLogger({ level: 'trace', format, destination: { write: (line) => lines[format].push(line) }, now });
          const logger = module === undefined ? root : namedLogger(root, module);
          const object = fields === undefined ? undefined : Object.fromEntries(fields);
          const args: unknown[] = object === undefined ? [message ?? ''] : [object, ...(message === undefined ? [] : [message])];
          if (extra !== undefined) args.push(extra);
          Reflect.apply(logger[level], logger, args);
        }
        expect(lines.standard).toEqual(lines.json.map((line) => formatStandardLine(JSON.parse(line) as Record<string, unknown>)));
      }),
      { numRuns: 3000 },
    );
  });
});
