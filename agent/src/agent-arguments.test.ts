import { parseAgentArguments } from './agent-arguments.js';

describe('agent arguments', () => {
  it('reads the flags the injector passes', () => {
    expect(parseAgentArguments(['-config=/home/vault/config.json']).arguments.configPaths).toEqual(['/home/vault/config.json']);
    const parsed = parseAgentArguments(['-config', 'a.hcl', '--config=b.hcl', '-exit-after-auth', '-log-level=debug', '-log-format', 'json']);
    expect(parsed.problems).toEqual([]);
    expect(parsed.arguments).toEqual({ configPaths: ['a.hcl', 'b.hcl'], exitAfterAuth: true, logLevel: 'debug', logFormat: 'json', help: false });
  });

  it('reports every problem', () => {
    expect(parseAgentArguments(['-colour=red', 'stray', '-log-level']).problems).toEqual([
      'unknown flag -colour',
      'unexpected argument "stray"',
      'flag -log-level needs a value',
      'at least one -config=FILE is required',
    ]);
  });
});
