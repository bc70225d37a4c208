// KV v1 and v2 against Vault's documented request/response shapes, driven over plain HTTP.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createManualClock, startVaultDouble, type ManualClock, type VaultDouble } from './index.js';
import { asRecord, callVault } from './vault-http.js';

const UUID = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
const START = Date.UTC(2026, 0, 1);

let clock: ManualClock;
let vault: VaultDouble;

beforeEach(async () => {
  clock = createManualClock(START);
  vault = await startVaultDouble({ clock: clock.now });
});

afterEach(async () => {
  await vault.close();
});

describe('KV v1', () => {
  beforeEach(() => {
    vault.enableKv('kv', 1);
    vault.enableKv('short', 1, { defaultLeaseTtlSeconds: 600 });
  });

  it('reads a secret with the full envelope, lease_duration = mount default 768h, no lease id', async () => {
    vault.writeKv('kv/istio/certs', { 'cert-chain.pem': 'CHAIN', 'key.pem': 'KEY' });
    const answer = await callVault(vault.address, 'GET', 'kv/istio/certs', { token: vault.rootToken });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.body).toEqual({
      request_id: UUID,
      lease_id: '',
      renewable: false,
      lease_duration: 2764800,
      data: { 'cert-chain.pem': 'CHAIN', 'key.pem': 'KEY' },
      wrap_info: null,
      warnings: null,
      auth: null,
      mount_type: 'kv',
    });
    expect(Object.keys(asRecord(answer.body))).toEqual(['request_id', 'lease_id', 'renewable', 'lease_duration', 'data', 'wrap_info', 'warnings', 'auth', 'mount_type']);
  });

  it('takes lease_duration from a ttl key (Go duration or seconds), else from the mount default', async () => {
    vault.writeKv('kv/a', { value: 1, ttl: '30m' });
    vault.writeKv('kv/b', { value: 2, ttl: 90 });
    vault.writeKv('short/c', { value: 3 });
    const durations = await Promise.all(
      ['kv/a', 'kv/b', 'short/c'].map(async (path) => asRecord((await callVault(vault.address, 'GET', path, { token: vault.rootToken })).body)['lease_duration']),
    );
    expect(durations).toEqual([1800, 90, 600]);
  });

  it('answers a missing secret with a bare 404 {"errors":[]}', async () => {
    const answer = await callVault(vault.address, 'GET', 'kv/nothing', { token: vault.rootToken });
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ errors: [] });
  });

  it('writes with PUT and POST alike (204), lists with LIST and ?list=true, deletes (204)', async () => {
    expect((await callVault(vault.address, 'PUT', 'kv/app/one', { token: vault.rootToken, body: { a: '1' } })).status).toBe(204);
    expect((await callVault(vault.address, 'POST', 'kv/app/sub/two', { token: vault.rootToken, body: { b: '2' } })).status).toBe(204);
    const listed = await callVault(vault.address, 'LIST', 'kv/app', { token: vault.rootToken });
    const listedByQuery = await callVault(vault.address, 'GET', 'kv/app/?list=true', { token: vault.rootToken });
    expect(listed.status).toBe(200);
    expect(asRecord(listed.body)['data']).toEqual({ keys: ['one', 'sub/'] });
    expect(asRecord(listedByQuery.body)['data']).toEqual({ keys: ['one', 'sub/'] });
    expect(asRecord((await callVault(vault.address, 'GET', 'kv/app/one', { token: vault.rootToken })).body)['data']).toEqual({ a: '1' });
    expect((await callVault(vault.address, 'DELETE', 'kv/app/one', { token: vault.rootToken })).status).toBe(204);
    expect((await callVault(vault.address, 'GET', 'kv/app/one', { token: vault.rootToken })).status).toBe(404);
    expect((await callVault(vault.address, 'LIST', 'kv/empty', { token: vault.rootToken })).body).toEqual({ errors: [] });
    expect(vault.count('kv1.list')).toBe(3);
    expect(vault.requests().map((request) => request.method)).toEqual(['PUT', 'POST', 'LIST', 'GET', 'GET', 'DELETE', 'GET', 'LIST']);
  });

  it('rejects a write with no fields (400) and a malformed JSON body (400)', async () => {
    const empty = await callVault(vault.address, 'PUT', 'kv/x', { token: vault.rootToken, body: {} });
    expect(empty.status).toBe(400);
    expect(empty.body).toEqual({ errors: ['missing data fields'] });
    const malformed = await callVault(vault.address, 'PUT', 'kv/x', { token: vault.rootToken, body: '{"a":' });
    expect(malformed.status).toBe(400);
    expect(asRecord(malformed.body)['errors']).toEqual([expect.stringMatching(/^failed to parse JSON input: /)]);
  });
});

describe('KV v2', () => {
  beforeEach(() => {
    vault.enableKv('secret', 2);
  });

  it('reads data.data and data.metadata with lease_duration 0', async () => {
    vault.writeKv('secret/app/config', { username: 'app', password: 's3cr3t' });
    const answer = await callVault(vault.address, 'GET', 'secret/data/app/config', { token: vault.rootToken });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      request_id: UUID,
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: {
        data: { username: 'app', password: 's3cr3t' },
        metadata: { created_time: '2026-01-01T00:00:00.000Z', custom_metadata: null, deletion_time: '', destroyed: false, version: 1 },
      },
      wrap_info: null,
      warnings: null,
      auth: null,
      mount_type: 'kv',
    });
  });

  it('keeps versions: ?version=N reads an old one, a write answers the new version metadata', async () => {
    vault.writeKv('secret/app', { v: 'one' });
    clock.advanceSeconds(60);
    const written = await callVault(vault.address, 'POST', 'secret/data/app', { token: vault.rootToken, body: { data: { v: 'two' } } });
    expect(written.status).toBe(200);
    expect(asRecord(written.body)['data']).toEqual({ created_time: '2026-01-01T00:01:00.000Z', custom_metadata: null, deletion_time: '', destroyed: false, version: 2 });
    const latest = asRecord(asRecord((await callVault(vault.address, 'GET', 'secret/data/app', { token: vault.rootToken })).body)['data']);
    const first = asRecord(asRecord((await callVault(vault.address, 'GET', 'secret/data/app?version=1', { token: vault.rootToken })).body)['data']);
    expect(latest['data']).toEqual({ v: 'two' });
    expect(first['data']).toEqual({ v: 'one' });
    expect(asRecord(first['metadata'])['version']).toBe(1);
    expect((await callVault(vault.address, 'GET', 'secret/data/app?version=7', { token: vault.rootToken })).body).toEqual({ errors: [] });
  });

  it('answers a deleted version with 404 that still carries data:null and the deletion_time', async () => {
    vault.writeKv('secret/gone', { v: 1 });
    clock.advanceSeconds(5);
    vault.deleteKvVersion('secret/gone');
    const answer = await callVault(vault.address, 'GET', 'secret/data/gone', { token: vault.rootToken });
    expect(answer.status).toBe(404);
    expect(asRecord(answer.body)['data']).toEqual({
      data: null,
      metadata: { created_time: '2026-01-01T00:00:00.000Z', custom_metadata: null, deletion_time: '2026-01-01T00:00:05.000Z', destroyed: false, version: 1 },
    });
    expect(asRecord(answer.body)['errors']).toBeUndefined();
  });

  it('handles delete/undelete/destroy endpoints and DELETE on data/', async () => {
    vault.writeKv('secret/x', { v: 1 });
    vault.writeKv('secret/x', { v: 2 });
    expect((await callVault(vault.address, 'POST', 'secret/delete/x', { token: vault.rootToken, body: { versions: [1] } })).status).toBe(204);
    expect((await callVault(vault.address, 'GET', 'secret/data/x?version=1', { token: vault.rootToken })).status).toBe(404);
    expect((await callVault(vault.address, 'POST', 'secret/undelete/x', { token: vault.rootToken, body: { versions: [1] } })).status).toBe(204);
    expect((await callVault(vault.address, 'GET', 'secret/data/x?version=1', { token: vault.rootToken })).status).toBe(200);
    expect((await callVault(vault.address, 'DELETE', 'secret/data/x', { token: vault.rootToken })).status).toBe(204);
    expect((await callVault(vault.address, 'GET', 'secret/data/x', { token: vault.rootToken })).status).toBe(404);
    expect((await callVault(vault.address, 'PUT', 'secret/destroy/x', { token: vault.rootToken, body: { versions: [1] } })).status).toBe(204);
    const destroyed = await callVault(vault.address, 'GET', 'secret/data/x?version=1', { token: vault.rootToken });
    expect(asRecord(asRecord(asRecord(destroyed.body)['data'])['metadata'])['destroyed']).toBe(true);
    const metadata = asRecord(asRecord((await callVault(vault.address, 'GET', 'secret/metadata/x', { token: vault.rootToken })).body)['data']);
    expect(metadata['current_version']).toBe(2);
    expect(Object.keys(asRecord(metadata['versions']))).toEqual(['1', '2']);
  });

  it('rejects a write without a data object and a check-and-set mismatch (400)', async () => {
    const noData = await callVault(vault.address, 'PUT', 'secret/data/y', { token: vault.rootToken, body: { v: 1 } });
    expect(noData.body).toEqual({ errors: ['no data provided'] });
    const cas = await callVault(vault.address, 'PUT', 'secret/data/y', { token: vault.rootToken, body: { data: { v: 1 }, options: { cas: 3 } } });
    expect(cas.status).toBe(400);
    expect(cas.body).toEqual({ errors: ['check-and-set parameter did not match the current version'] });
  });

  it('lists metadata keys (folders end with /), empty list is a bare 404', async () => {
    vault.writeKv('secret/team/a', { v: 1 });
    vault.writeKv('secret/team/b/c', { v: 1 });
    const listed = await callVault(vault.address, 'LIST', 'secret/metadata/team', { token: vault.rootToken });
    expect(asRecord(listed.body)['data']).toEqual({ keys: ['a', 'b/'] });
    const byQuery = await callVault(vault.address, 'GET', 'secret/metadata/team/?list=true', { token: vault.rootToken });
    expect(asRecord(byQuery.body)['data']).toEqual({ keys: ['a', 'b/'] });
    const empty = await callVault(vault.address, 'LIST', 'secret/metadata/none', { token: vault.rootToken });
    expect(empty.status).toBe(404);
    expect(empty.body).toEqual({ errors: [] });
  });

  it('answers a v1-style path on a v2 mount with 404 and the "Invalid path" warning', async () => {
    vault.writeKv('secret/app', { v: 1 });
    const answer = await callVault(vault.address, 'GET', 'secret/app', { token: vault.rootToken });
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({
      request_id: UUID,
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: null,
      wrap_info: null,
      warnings: [
        "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv get' for this operation.",
      ],
      auth: null,
      mount_type: 'kv',
    });
  });
});

describe('sys/internal/ui/mounts (KV version detection)', () => {
  it('reports type, options.version and the mount path for v1 and v2 mounts', async () => {
    vault.enableKv('secret', 2);
    vault.enableKv('legacy', 1, { defaultLeaseTtlSeconds: 3600 });
    const v2 = await callVault(vault.address, 'GET', 'sys/internal/ui/mounts/secret/app/config', { token: vault.rootToken });
    expect(v2.status).toBe(200);
    expect(asRecord(v2.body)['data']).toEqual({
      accessor: expect.stringMatching(/^kv_[0-9a-f]{8}$/),
      config: { default_lease_ttl: 2764800, force_no_cache: false, max_lease_ttl: 2764800 },
      description: '',
      external_entropy_access: false,
      local: false,
      options: { version: '2' },
      path: 'secret/',
      plugin_version: '',
      running_plugin_version: expect.any(String),
      running_sha256: '',
      seal_wrap: false,
      type: 'kv',
      uuid: UUID,
    });
    const v1 = asRecord(asRecord((await callVault(vault.address, 'GET', 'sys/internal/ui/mounts/legacy/x', { token: vault.rootToken })).body)['data']);
    expect([v1['type'], v1['options'], v1['path'], asRecord(v1['config'])['default_lease_ttl']]).toEqual(['kv', { version: '1' }, 'legacy/', 3600]);
  });

  it('answers 403 with the preflight message for an unmounted path or without a token', async () => {
    const unmounted = await callVault(vault.address, 'GET', 'sys/internal/ui/mounts/nowhere/x', { token: vault.rootToken });
    expect(unmounted.status).toBe(403);
    expect(unmounted.body).toEqual({ errors: [`preflight capability check returned 403, please ensure client's policies grant access to path "nowhere/x/"`] });
    vault.enableKv('secret', 2);
    expect((await callVault(vault.address, 'GET', 'sys/internal/ui/mounts/secret/x')).status).toBe(403);
  });
});
