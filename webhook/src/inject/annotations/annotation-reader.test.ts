import { IssueList } from '../issues.js';
import { AnnotationReader } from './annotation-reader.js';

const P = 'vault.hashicorp.com/';

function reader(annotations: Record<string, string | null>, issues = new IssueList()): AnnotationReader {
  return new AnnotationReader(annotations, issues);
}

describe('AnnotationReader family members', () => {
  const annotations = {
    [`${P}agent-inject-template-file-x`]: 'file.tmpl',
    [`${P}agent-inject-template-x`]: 'inline',
    'other.example/agent-inject-template-y': 'not ours',
    [`${P}agent-inject-template-`]: 'no name',
    [`${P}agent-inject-template-z`]: null,
  };

  it('reads a member as raw() reads its full short name, also where family prefixes overlap', () => {
    const read = reader(annotations);
    const lookups: [string, string][] = [
      ['agent-inject-template-', 'file-x'],
      ['agent-inject-template-file-', 'x'],
      ['agent-inject-template-', 'x'],
      ['agent-inject-template-', ''],
      ['agent-inject-template-', 'z'],
      ['agent-inject-template-', 'y'],
      ['agent-inject-template-file-', 'file-x'],
    ];
    for (const [prefix, suffix] of lookups) expect([prefix, suffix, read.member(prefix, suffix)]).toEqual([prefix, suffix, read.raw(`${prefix}${suffix}`)]);
    expect(read.member('agent-inject-template-', 'z')).toBe('');
  });

  it('lists a family in pod order and counts it', () => {
    const read = reader(annotations);
    expect(read.family('agent-inject-template-')).toEqual([
      { suffix: 'file-x', value: 'file.tmpl' },
      { suffix: 'x', value: 'inline' },
      { suffix: '', value: 'no name' },
      { suffix: 'z', value: '' },
    ]);
    expect(read.familySize('agent-inject-template-file-')).toBe(1);
    expect(read.familySize('agent-env-')).toBe(0);
  });

  it('names the full annotation when a member is not a bool, and falls back', () => {
    const issues = new IssueList();
    const read = reader({ [`${P}error-on-missing-key-db`]: 'yes', [`${P}error-on-missing-key-ok`]: 'true' }, issues);
    expect(read.memberBool('error-on-missing-key-', 'db', false)).toBe(false);
    expect(read.memberBool('error-on-missing-key-', 'ok', false)).toBe(true);
    expect(read.memberBool('error-on-missing-key-', 'absent', true)).toBe(true);
    expect(issues.items).toEqual([expect.objectContaining({ stage: 'parse', annotation: 'error-on-missing-key-db', value: 'yes' })]);
  });
});
