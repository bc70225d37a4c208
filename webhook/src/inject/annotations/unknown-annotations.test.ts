import { unknownAnnotationWarnings } from './unknown-annotations.js';

describe('unknownAnnotationWarnings', () => {
  it('ignores known annotations, families and foreign prefixes', () => {
    expect(
      unknownAnnotationWarnings([
        'vault.hashicorp.com/agent-inject',
        'vault.hashicorp.com/agent-inject-secret-db',
        'vault.hashicorp.com/auth-config-role',
        'example.com/agent-injekt',
      ]),
    ).toEqual([]);
  });

  it('warns about typos with a suggestion', () => {
    expect(unknownAnnotationWarnings(['vault.hashicorp.com/agent-pre-populte-only'])).toEqual([
      'unknown annotation vault.hashicorp.com/agent-pre-populte-only is ignored (did you mean vault.hashicorp.com/agent-pre-populate-only?)',
    ]);
    expect(unknownAnnotationWarnings(['vault.hashicorp.com/agent-inject-secrets-db'])[0]).toContain('did you mean vault.hashicorp.com/agent-inject-secret-db?');
  });

  it('warns about a family prefix with no name', () => {
    expect(unknownAnnotationWarnings(['vault.hashicorp.com/agent-inject-secret-'])).toHaveLength(1);
  });
});
