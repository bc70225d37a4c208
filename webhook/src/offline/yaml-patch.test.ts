import { parseDocument } from 'yaml';
import type { Operation } from 'fast-json-patch';
import fastJsonPatch from 'fast-json-patch';
import { applyPatchToYaml, YamlPatchError } from './yaml-patch.js';

const SOURCE = `# head
pod:
  metadata:
    annotations: {a/b: "1"} # keep
  spec:
    containers:
      - name: app
        image: x # image
`;

function both(operations: Operation[]) {
  const document = parseDocument(SOURCE);
  applyPatchToYaml(document, ['pod'], operations);
  const expected = fastJsonPatch.applyPatch(structuredClone((parseDocument(SOURCE).toJS() as { pod: object }).pod), operations, true, false).newDocument;
  return { text: document.toString(), actual: (document.toJS() as { pod: object }).pod, expected };
}

describe('applyPatchToYaml', () => {
  test('add, replace and remove land where fast-json-patch puts them, comments kept', () => {
    const { text, actual, expected } = both([
      { op: 'add', path: '/spec/containers/-', value: { name: 'side' } },
      { op: 'add', path: '/spec/containers/0', value: { name: 'first' } },
      { op: 'add', path: '/spec/volumes', value: [{ name: 'v' }] },
      { op: 'add', path: '/metadata/annotations/x~1y', value: 'z' },
      { op: 'replace', path: '/spec/containers/1/image', value: 'y' },
      { op: 'remove', path: '/metadata/annotations/a~1b' },
    ]);
    expect(actual).toEqual(expected);
    expect(text).toMatch(/^# head\n/);
    expect(text).toContain('# keep');
  });

  test('an add to an existing key replaces it, as RFC 6902 says', () => {
    const { actual, expected } = both([{ op: 'add', path: '/spec/containers', value: [] }]);
    expect(actual).toEqual(expected);
  });

  test('bad paths and unsupported ops are errors, not silent changes', () => {
    const document = parseDocument(SOURCE);
    expect(() => {
      applyPatchToYaml(document, ['pod'], [{ op: 'add', path: '/spec/containers/5', value: 1 }]);
    }).toThrow(YamlPatchError);
    expect(() => {
      applyPatchToYaml(document, ['pod'], [{ op: 'replace', path: '/spec/nothing', value: 1 }]);
    }).toThrow(YamlPatchError);
    expect(() => {
      applyPatchToYaml(document, ['pod'], [{ op: 'move', from: '/spec', path: '/x' }]);
    }).toThrow(/unsupported patch operation "move"/);
    expect(() => {
      applyPatchToYaml(document, ['pod'], [{ op: 'add', path: 'spec', value: 1 }]);
    }).toThrow(/does not start with/);
  });
});
