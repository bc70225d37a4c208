import { unknownAnnotationWarnings } from './unknown-annotations.js';
import { POD_ANNOTATION_DOCS, FAMILY_DOCS } from './annotation-reference.js';
import { ANNOTATION_FAMILIES, POD_ANNOTATIONS } from './keys.js';

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

describe('annotation reference', () => {
  it('documents every annotation and family the parser reads', () => {
    expect(POD_ANNOTATION_DOCS.map((doc) => doc.name).sort()).toEqual(Object.values(POD_ANNOTATIONS).sort());
    expect(FAMILY_DOCS.map((doc) => doc.name.replace(/(NAME|KEY)$/, '')).sort()).toEqual(Object.values(ANNOTATION_FAMILIES).sort());
  });
});
