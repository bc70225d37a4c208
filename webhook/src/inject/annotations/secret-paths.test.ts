// secretPathIssues decides the common case (a plain file name in a clean directory) without
// normalising; these tests hold it to the full posix check on the spellings where the two could part.
import { posix } from 'node:path';
import type { SecretSpec } from '../spec.js';
import { secretPathIssues } from './secret-paths.js';

function secret(rawName: string, mountPath: string, file = ''): SecretSpec {
  const name = rawName.toLowerCase();
  return {
    rawName,
    name,
    vaultPath: `kv/${rawName}`,
    contents: undefined,
    usesDefaultTemplate: true,
    source: undefined,
    destination: file === '' ? `${mountPath}/${name}` : posix.join(mountPath, file),
    mountPath,
    leftDelimiter: '{{',
    rightDelimiter: '}}',
    command: '',
    perms: '',
    errorOnMissingKey: false,
    engine: 'go',
  };
}

/** The destination check done the long way for every secret: normalise both paths and compare. */
function outsideByNormalising(spec: SecretSpec): boolean {
  const volume = posix.normalize(spec.mountPath).replace(/(.)\/$/, '$1');
  const relative = posix.relative(volume, posix.normalize(spec.destination));
  return relative === '' || relative.startsWith('..') || posix.isAbsolute(relative);
}

const DIRECTORIES = ['/vault/secrets', '/vault/secrets/', '/vault//secrets', '/vault/./secrets', '/vault/../secrets', '/', '/etc', '/a/...', '/a/.b', 'relative/dir'];
const NAMES = ['db', 'DB.json', '.', '..', '..db', '...', '.hidden', 'a..b', 'a/b', 'a/../..', '-x'];

describe('secretPathIssues destinations', () => {
  it('reports a destination outside its volume exactly when normalising both paths says so', () => {
    for (const directory of DIRECTORIES) {
      for (const name of NAMES) {
        const spec = secret(name, directory);
        const outside = secretPathIssues([spec], '/vault/secrets', () => false).some((issue) => issue.message.includes('is outside the secret volume'));
        expect({ directory, name, outside }).toEqual({ directory, name, outside: outsideByNormalising(spec) });
      }
    }
  });

  it('names the normalised destination when two secrets collide, and none when they differ', () => {
    const collide = secretPathIssues([secret('db', '/vault//secrets'), secret('DB', '/vault/secrets')], '/vault/secrets', () => false);
    expect(collide.map((issue) => issue.message)).toEqual(['secret "DB" writes /vault/secrets/db, as secret "db" does (names must differ beyond case)']);
    expect(collide[0]?.annotation).toBe('agent-inject-secret-DB');
    expect(secretPathIssues([secret('a', '/vault/secrets'), secret('b', '/vault/secrets'), secret('c', '/etc', 'a')], '/vault/secrets', () => false)).toEqual([]);
  });

  it('checks a file name against its volume and names the file annotation', () => {
    const [issue] = secretPathIssues([secret('db', '/vault/secrets', '../db')], '/vault/secrets', () => false);
    expect(issue).toMatchObject({ annotation: 'agent-inject-file-db', value: '/vault/db', message: 'destination "/vault/db" is outside the secret volume /vault/secrets' });
  });
});
