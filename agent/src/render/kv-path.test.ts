import { shimKvV2Path, splitQuery } from './kv-path.js';

describe('KV v2 path shim', () => {
  it('inserts data/ for reads and writes unless a sub-API is named', () => {
    expect(shimKvV2Path('secret/app/config', 'secret/', 'read')).toBe('secret/data/app/config');
    expect(shimKvV2Path('secret/data/app/config', 'secret/', 'read')).toBe('secret/data/app/config');
    expect(shimKvV2Path('secret/metadata/app', 'secret/', 'read')).toBe('secret/metadata/app');
    expect(shimKvV2Path('secret/subkeys/app', 'secret/', 'read')).toBe('secret/subkeys/app');
    expect(shimKvV2Path('secret/app', 'secret/', 'write')).toBe('secret/data/app');
  });

  it('inserts metadata/ for lists', () => {
    expect(shimKvV2Path('secret/app/', 'secret/', 'list')).toBe('secret/metadata/app/');
    expect(shimKvV2Path('secret/metadata/app', 'secret/', 'list')).toBe('secret/metadata/app');
  });

  it('handles nested mounts and namespace-prefixed mount paths without doubling', () => {
    expect(shimKvV2Path('team/kv/app', 'team/kv/', 'read')).toBe('team/kv/data/app');
    expect(shimKvV2Path('kv/app', 'ns1/kv/', 'read', 'ns1/')).toBe('kv/data/app');
    expect(shimKvV2Path('other/app', 'secret/', 'read')).toBe('other/app');
  });

  it('splits a query string off read paths', () => {
    expect(splitQuery('secret/app?version=2')).toEqual({ path: 'secret/app', query: 'version=2' });
    expect(splitQuery('secret/app')).toEqual({ path: 'secret/app', query: '' });
  });
});
