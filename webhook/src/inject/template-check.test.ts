import { templateSyntaxWarnings } from './template-check.js';
import type { SecretSpec } from './spec.js';

function secret(overrides: Partial<SecretSpec>): SecretSpec {
  return {
    rawName: 'db',
    name: 'db',
    vaultPath: 'database/creds/app',
    contents: '{{ with secret "database/creds/app" }}{{ .Data.username }}{{ end }}',
    usesDefaultTemplate: false,
    source: undefined,
    destination: '/vault/secrets/db',
    mountPath: '/vault/secrets',
    leftDelimiter: '{{',
    rightDelimiter: '}}',
    command: '',
    perms: '',
    errorOnMissingKey: false,
    engine: 'go',
    ...overrides,
  };
}

describe('templateSyntaxWarnings', () => {
  it('accepts valid templates, including custom delimiters, template files and Handlebars', () => {
    expect(
      templateSyntaxWarnings([
        secret({}),
        secret({ contents: '[[ with secret "kv/a" ]][[ .Data.a ]][[ end ]]', leftDelimiter: '[[', rightDelimiter: ']]' }),
        secret({ contents: undefined, source: '/vault/custom/t.tmpl' }),
        secret({ contents: '{{#with (secret "kv/a")}}{{Data.a}}{{/with}}', engine: 'handlebars' }),
      ]),
    ).toEqual([]);
  });

  it('names the annotation, line and column of a syntax error, and unknown functions', () => {
    const warnings = templateSyntaxWarnings([
      secret({ rawName: 'Broken', contents: 'line one\n{{ with secret "x" }}{{ .Data.password }' }),
      secret({ rawName: 'fn', contents: '{{ upper "x" }}' }),
    ]);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^the template in vault\.hashicorp\.com\/agent-inject-template-Broken does not parse, .*template: :2:/);
    expect(warnings[1]).toContain('function "upper" not defined');
  });

  it('points at agent-inject-secret-NAME when the default template breaks (a quote in the path)', () => {
    const broken = 'secret/data/a"b';
    const [warning] = templateSyntaxWarnings([
      secret({ rawName: 'q', vaultPath: broken, usesDefaultTemplate: true, contents: `{{ with secret "${broken}" }}{{ range $k, $v := .Data }}{{ $k }}: {{ $v }}\n{{ end }}{{ end }}` }),
    ]);
    expect(warning).toMatch(/^the default template built from vault\.hashicorp\.com\/agent-inject-secret-q does not parse/);
  });
});
