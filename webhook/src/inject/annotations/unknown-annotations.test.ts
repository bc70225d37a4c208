import { MAX_SUGGESTED_NAME_LENGTH, MAX_UNKNOWN_ANNOTATION_WARNINGS, unknownAnnotationWarnings } from './unknown-annotations.js';
import { ANNOTATION_FAMILIES, POD_ANNOTATIONS } from './registry.js';

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

  it('bounds the suggestion work: a 12 KB key gets a short warning and no suggestion', () => {
    // Near a family name, so the old quadratic search found (after ~14 s) a "did you mean".
    const key = `vault.hashicorp.com/agent-inject-secrets${'x'.repeat(12 * 1024)}`;
    const warnings = unknownAnnotationWarnings([key, 'vault.hashicorp.com/agent-pre-populte-only']);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('is ignored');
    expect(warnings[0]).not.toContain('did you mean');
    expect(warnings[0]).toContain(`(${key.length} characters)`);
    expect(warnings[0]?.length).toBeLessThan(300);
    expect(warnings[1]).toContain('did you mean vault.hashicorp.com/agent-pre-populate-only?');
  });

  it('still suggests for names up to the qualified-name limit', () => {
    const name = `agent-inject-secrets-${'a'.repeat(MAX_SUGGESTED_NAME_LENGTH - 21)}`;
    expect(name).toHaveLength(MAX_SUGGESTED_NAME_LENGTH);
    expect(unknownAnnotationWarnings([`vault.hashicorp.com/${name}`])[0]).toContain('did you mean');
  });

  it('warns about a family prefix with no name', () => {
    expect(unknownAnnotationWarnings(['vault.hashicorp.com/agent-inject-secret-'])).toHaveLength(1);
  });

  it('warns about the first unknown keys one by one and counts the rest in one warning', () => {
    const keys = Array.from({ length: 30_000 }, (_, i) => `vault.hashicorp.com/agent-inj-secret-s${i}`);
    const warnings = unknownAnnotationWarnings(keys);
    expect(warnings).toHaveLength(MAX_UNKNOWN_ANNOTATION_WARNINGS + 1);
    expect(warnings[0]).toBe('unknown annotation vault.hashicorp.com/agent-inj-secret-s0 is ignored (did you mean vault.hashicorp.com/agent-inject-secret-s0?)');
    expect(warnings.at(-1)).toBe(`${30_000 - MAX_UNKNOWN_ANNOTATION_WARNINGS} more unknown vault.hashicorp.com/* annotations are ignored`);
  });

  it('leaves alone exactly the known names and the family prefixes followed by at least one character', () => {
    const known = new Set<string>(Object.values(POD_ANNOTATIONS));
    const families: string[] = Object.values(ANNOTATION_FAMILIES);
    const understood = (name: string): boolean => known.has(name) || families.some((family) => name.startsWith(family) && name.length > family.length);
    const names = [
      ...known,
      ...[...known].flatMap((name) => [`${name}x`, name.slice(0, -1)]),
      ...families.flatMap((family) => [family, family.slice(0, -1), `${family}x`, `${family}\n`, `${family}-`, ` ${family}x`]),
      '',
      'vault.hashicorp.com/agent-inject',
    ];
    for (const name of names) {
      const warned = unknownAnnotationWarnings([`vault.hashicorp.com/${name}`]).length > 0;
      expect({ name, warned }).toEqual({ name, warned: !understood(name) });
    }
    expect(unknownAnnotationWarnings(['vaultxhashicorp.com/agent-injectx', 'vault.hashicorp.comxagent-inject-secret-x'])).toEqual([]);
  });
});
