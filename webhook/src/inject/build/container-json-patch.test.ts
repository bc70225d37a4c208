import type { Operation } from 'fast-json-patch';
import { patchContainer } from './container-json-patch.js';

const base = { name: 'vault-agent', image: 'vault:1' };
const replace = (path: string, value: unknown): Operation[] => [{ op: 'add', path, value }];

describe('patchContainer: the patched container decoded as Go decodes a corev1.Container', () => {
  it.each<[Operation[], string]>([
    [replace('/image', 5), 'json: cannot unmarshal number into Go struct field Container.image of type string'],
    [replace('/command', 'sh'), 'json: cannot unmarshal string into Go struct field Container.command of type []string'],
    [replace('/args', ['a', 2]), 'json: cannot unmarshal number into Go struct field Container.args of type string'],
    [replace('/env', {}), 'json: cannot unmarshal object into Go struct field Container.env of type []v1.EnvVar'],
    // Go names the offending element and the element type.
    [replace('/env', [{ name: 'A' }, 'B']), 'json: cannot unmarshal string into Go struct field Container.env of type v1.EnvVar'],
    [replace('/resources', []), 'json: cannot unmarshal array into Go struct field Container.resources of type v1.ResourceRequirements'],
    [replace('/restartPolicy', true), 'json: cannot unmarshal bool into Go struct field Container.restartPolicy of type v1.ContainerRestartPolicy'],
    [replace('/tty', 'yes'), 'json: cannot unmarshal string into Go struct field Container.tty of type bool'],
    [[{ op: 'replace', path: '', value: [] }], 'json: cannot unmarshal array into Go value of type v1.Container'],
  ])('%j → %s', (operations, error) => {
    const result = patchContainer(base, operations);
    expect(result.ok ? undefined : result.error).toBe(error);
  });

  it('drops unknown and null fields and keeps the rest', () => {
    const result = patchContainer(base, [
      { op: 'add', path: '/unknown', value: 1 },
      { op: 'add', path: '/workingDir', value: null },
      { op: 'add', path: '/env', value: [null, { name: 'A', value: 'b', extra: 1 }] },
      { op: 'add', path: '/securityContext', value: { runAsUser: 'anything' } },
    ]);
    expect(result).toEqual({ ok: true, container: { ...base, env: [null, { name: 'A', value: 'b', extra: 1 }], securityContext: { runAsUser: 'anything' } } });
  });

  it('reports patch failures in evanphx/json-patch words', () => {
    const result = patchContainer(base, [{ op: 'replace', path: '/missing', value: 1 }]);
    expect(result).toEqual({ ok: false, error: 'failed to apply JSON patch: replace operation does not apply: doc is missing key: /missing: missing value' });
  });
});
