// The persistent cache hand-off end to end (vault-k8s #125, peers.md G2): the real agent runs as
// the init container and then as the sidecar of one pod (separate /home/vault, shared
// /vault/secrets and tmpfs /vault/agent-cache), with the configs the injector emits when
// agent-cache-enable is set. The pod must log in once and get one database credential and one
// certificate, whichever container renders them.
import { chmodSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAgentInPod, POD_PATHS, POD_UID } from './helpers/pod-sandbox.js';
import type { PodSandbox } from './helpers/pod-sandbox.js';
import { SERVICE_ACCOUNT_JWT, createScenario, freePort, injectorConfig, leakedSecrets } from './helpers/agent-scenario.js';
import type { Scenario } from './helpers/agent-scenario.js';
import type { VaultDouble } from '../vault-double/index.js';
import { CACHE_FILE_NAME } from '../../agent/src/persist/persistent-cache.js';
import { openCache, retrievalTokenOf } from '../../agent/src/persist/cache-cipher.js';
import { callVault } from '../vault-double/vault-http.js';
import { createHash, hkdfSync } from 'node:crypto';

let scenario: Scenario | undefined;

afterEach(async () => {
  if (scenario !== undefined) {
    const output = scenario.agents.map((agent) => agent.output()).join('\n');
    const secrets = new Set([
      ...scenario.secrets,
      ...scenario.vault.tokens().map((token) => token.token),
      ...scenario.vault.credentials().flatMap((credential) => (credential.kind === 'pki' ? [credential.privateKeyPem.split('\n')[1] ?? ''] : [credential.password])),
    ]);
    await scenario.close();
    scenario = undefined;
    expect(leakedSecrets(output, secrets)).toEqual([]);
  }
});

const ISSUE = '"pki/issue/web" "common_name=web.example.com" "ttl=1h"';

/** A pod with a database role, a PKI role and a KV secret, and the injector's persist configs. */
async function podWithDynamicSecrets(persist: Record<string, unknown> = {}): Promise<{ vault: VaultDouble; sandbox: PodSandbox; config: (init: boolean) => Record<string, unknown> }> {
  scenario = await createScenario();
  const { vault, sandbox } = scenario;
  vault.enableDatabase('database');
  vault.addDatabaseRole('database', 'app', { defaultTtlSeconds: 60, maxTtlSeconds: 600 });
  await vault.enablePki('pki');
  await vault.addPkiRole('pki', 'web', { ttlSeconds: 3600 });
  vault.enableKv('secret', 2);
  vault.writeKv('secret/app', { greeting: 'hello' });
  vault.addPolicy('app', [
    { path: 'database/creds/app', capabilities: ['read'] },
    { path: 'pki/issue/web', capabilities: ['update', 'create'] },
    { path: 'secret/data/app', capabilities: ['read'] },
  ]);
  const port = await freePort();
  const config = (init: boolean) =>
    injectorConfig(vault, init, {
      listener: [{ type: 'tcp', address: `127.0.0.1:${port}`, tls_disable: true }],
      cache: { use_auto_auth_token: 'true', persist: { type: 'kubernetes', path: POD_PATHS.agentCache, ...persist } },
      template: [
        { destination: '/vault/secrets/db', contents: '{{ with secret "database/creds/app" }}{{ .Data.username }}:{{ .Data.password }}{{ end }}', left_delimiter: '{{', right_delimiter: '}}' },
        { destination: '/vault/secrets/tls.crt', contents: `{{ with secret ${ISSUE} }}{{ .Data.certificate }}{{ end }}`, left_delimiter: '{{', right_delimiter: '}}' },
        { destination: '/vault/secrets/app', contents: '{{ with secret "secret/app" }}{{ .Data.data.greeting }}{{ end }}', left_delimiter: '{{', right_delimiter: '}}' },
      ],
    });
  return { vault, sandbox, config };
}

function rendered(sandbox: PodSandbox): Record<string, string> {
  return Object.fromEntries(['db', 'tls.crt', 'app'].map((name) => [name, readFileSync(join(sandbox.secretsDir, name), 'utf8')]));
}

function sinkToken(container: PodSandbox): string | undefined {
  const path = join(container.homeDir, '.vault-token');
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

async function runInit(sandbox: PodSandbox, config: Record<string, unknown>): Promise<void> {
  const init = startAgentInPod({ sandbox, config });
  scenario!.agents.push(init);
  const code = await init.exited;
  if (code !== 0) throw new Error(`init exited ${code}\n${init.output()}`);
}

describe('persistent cache hand-off (init → sidecar, real processes, Vault double)', () => {
  it('the sidecar adopts the init token and secrets: one login, one database credential, one certificate, the lease kept renewed', async () => {
    const { vault, sandbox, config } = await podWithDynamicSecrets();
    await runInit(sandbox, config(true));
    const cacheFile = join(sandbox.agentCacheDir, CACHE_FILE_NAME);
    expect(statSync(cacheFile).mode & 0o777).toBe(0o600);
    expect(statSync(cacheFile).uid).toBe(POD_UID);
    const initToken = scenario!.sinkToken();
    const initFiles = rendered(sandbox);
    const [credential] = vault.credentials().filter((issued) => issued.kind === 'database');
    expect(initFiles.db).toBe(credential?.kind === 'database' ? `${credential.username}:${credential.password}` : '');
    // The file on the shared volume holds none of it in the clear.
    const sealed = readFileSync(cacheFile);
    for (const secret of [initToken, credential?.kind === 'database' ? credential.password : 'x']) expect(sealed.includes(Buffer.from(secret))).toBe(false);

    const sidecarStart = vault.requests().length;
    const sidecarPod = sandbox.container('sidecar');
    const sidecar = startAgentInPod({ sandbox: sidecarPod, config: config(false) });
    scenario!.agents.push(sidecar);
    await vault.waitFor(() => sidecar.output().includes('all templates rendered'), 15_000, 'the sidecar render');
    const renewal = await vault.waitForRequest((request) => request.seq > sidecarStart && request.endpoint === 'sys.leases.renew' && request.status === 200, 10_000);
    expect(renewal).toBeDefined();

    expect(vault.count('kubernetes.login')).toBe(1);
    expect(vault.count('database.creds')).toBe(1);
    expect(vault.count('pki.issue')).toBe(1);
    expect(vault.credentials().filter((issued) => issued.kind === 'database')).toHaveLength(1);
    expect(vault.credentials().filter((issued) => issued.kind === 'pki')).toHaveLength(1);
    const sidecarRequests = vault.requests().slice(sidecarStart);
    expect(sidecarRequests.filter((request) => request.endpoint === 'token.lookup-self')).toHaveLength(1);
    // The KV secret carries no lease: the sidecar reads it again, as Vault Agent does.
    expect(sidecarRequests.some((request) => request.endpoint === 'kv2.read')).toBe(true);
    expect(rendered(sandbox)).toEqual(initFiles);
    expect(vault.lease(credential?.kind === 'database' ? credential.leaseId : '')?.renewals).toBeGreaterThanOrEqual(1);
    // Its own sink holds the adopted token; the hand-off file is gone (keep_after_import false).
    expect(sinkToken(sidecarPod)).toBe(initToken);
    expect(sidecar.output()).toContain('using the token restored from the persistent cache');
    expect(existsSync(cacheFile)).toBe(false);
    sidecar.signal('SIGTERM');
    expect(await sidecar.exited).toBe(0);
  }, 40_000);

  it('token revoked between init and sidecar: the sidecar logs in again and fetches new secrets', async () => {
    const { vault, sandbox, config } = await podWithDynamicSecrets();
    await runInit(sandbox, config(true));
    const initToken = scenario!.sinkToken();
    const initFiles = rendered(sandbox);
    // Revoking the token revokes its leases: the restored credential is dead too.
    vault.faults.revokeToken(initToken);
    const sidecarPod = sandbox.container('sidecar');
    const sidecar = startAgentInPod({ sandbox: sidecarPod, config: config(false) });
    scenario!.agents.push(sidecar);
    await vault.waitFor(() => sidecar.output().includes('all templates rendered'), 15_000, 'the sidecar render');
    expect(sidecar.output()).toContain('the restored token is not valid any more; logging in');
    expect(vault.count('kubernetes.login')).toBe(2);
    expect(vault.count('database.creds')).toBe(2);
    const sidecarToken = sinkToken(sidecarPod);
    expect(sidecarToken).not.toBe(initToken);
    expect(vault.token(sidecarToken ?? '')?.revoked).toBeNull();
    const newest = vault.credentials().filter((issued) => issued.kind === 'database').at(-1);
    expect(rendered(sandbox).db).toBe(newest?.kind === 'database' ? `${newest.username}:${newest.password}` : '');
    expect(rendered(sandbox).db).not.toBe(initFiles.db);
    expect(rendered(sandbox).app).toBe('hello');
    sidecar.signal('SIGTERM');
    expect(await sidecar.exited).toBe(0);
  }, 40_000);

  it('a tampered cache file: exit_on_err stops the sidecar (exit 1, file kept); without it the sidecar discards the file and logs in', async () => {
    const { vault, sandbox, config } = await podWithDynamicSecrets({ exit_on_err: true });
    await runInit(sandbox, config(true));
    const cacheFile = join(sandbox.agentCacheDir, CACHE_FILE_NAME);
    const bytes = readFileSync(cacheFile);
    bytes[bytes.length - 40] = (bytes[bytes.length - 40] ?? 0) ^ 0x04;
    writeFileSync(cacheFile, bytes);

    const strict = startAgentInPod({ sandbox: sandbox.container('sidecar'), config: config(false) });
    scenario!.agents.push(strict);
    expect(await strict.exited).toBe(1);
    expect(strict.output()).toContain('persistent cache restore failed and exit_on_err is set');
    expect(strict.output()).toContain('integrity check');
    expect(existsSync(cacheFile)).toBe(true);
    expect(vault.count('kubernetes.login')).toBe(1);

    const lenientConfig = config(false);
    const cache = lenientConfig.cache as { persist: Record<string, unknown> };
    cache.persist = { ...cache.persist, exit_on_err: false };
    const lenient = startAgentInPod({ sandbox: sandbox.container('sidecar-restarted'), config: lenientConfig });
    scenario!.agents.push(lenient);
    await vault.waitFor(() => lenient.output().includes('all templates rendered'), 15_000, 'the sidecar render');
    expect(lenient.output()).toContain('persistent cache discarded; logging in');
    expect(vault.count('kubernetes.login')).toBe(2);
    expect(existsSync(cacheFile)).toBe(false);
    lenient.signal('SIGTERM');
    expect(await lenient.exited).toBe(0);
  }, 40_000);

  it('the key is not in the file: the SA token and the file decrypt nothing, the kept file is dead after the import', async () => {
    const { vault, sandbox, config } = await podWithDynamicSecrets({ keep_after_import: true });
    await runInit(sandbox, config(true));
    const wrap = vault.requests().find((request) => request.endpoint === 'sys.wrapping.wrap');
    expect(wrap?.wrapTtlSeconds).toBe(900);
    const cacheFile = join(sandbox.agentCacheDir, CACHE_FILE_NAME);
    const sealed = readFileSync(cacheFile);
    const aad = Buffer.from(SERVICE_ACCOUNT_JWT);
    // What the old scheme derived from the SA token, and the SA token itself, open nothing.
    for (const key of [createHash('sha256').update(SERVICE_ACCOUNT_JWT).digest(), Buffer.from(hkdfSync('sha256', aad, sealed.subarray(5, 37), Buffer.from('vault-injector agent persistent cache v1'), 32))]) {
      expect(() => openCache(sealed, { key, aad })).toThrow(/integrity check/);
    }
    const sidecar = startAgentInPod({ sandbox: sandbox.container('sidecar'), config: config(false) });
    scenario!.agents.push(sidecar);
    await vault.waitFor(() => sidecar.output().includes('all templates rendered'), 15_000, 'the sidecar render');
    expect(sidecar.output()).toContain('restored the persistent cache');
    expect(vault.count('kubernetes.login')).toBe(1);
    // keep_after_import left the file, but its key was unwrapped once, by the sidecar: nobody gets it now.
    expect(existsSync(cacheFile)).toBe(true);
    const late = await callVault(vault.address, 'POST', 'sys/wrapping/unwrap', { token: retrievalTokenOf(readFileSync(cacheFile)) });
    expect(late.status).toBe(400);
    sidecar.signal('SIGTERM');
    expect(await sidecar.exited).toBe(0);
  }, 40_000);

  it('someone who unwraps the key before the sidecar is noticed: the sidecar discards the cache and logs in itself', async () => {
    const { vault, sandbox, config } = await podWithDynamicSecrets();
    await runInit(sandbox, config(true));
    const early = await callVault(vault.address, 'POST', 'sys/wrapping/unwrap', { token: retrievalTokenOf(readFileSync(join(sandbox.agentCacheDir, CACHE_FILE_NAME))) });
    expect(early.status).toBe(200);
    const sidecar = startAgentInPod({ sandbox: sandbox.container('sidecar'), config: config(false) });
    scenario!.agents.push(sidecar);
    await vault.waitFor(() => sidecar.output().includes('all templates rendered'), 15_000, 'the sidecar render');
    expect(sidecar.output()).toMatch(/persistent cache discarded; logging in.*already unwrapped by someone else/s);
    expect(vault.count('kubernetes.login')).toBe(2);
    sidecar.signal('SIGTERM');
    expect(await sidecar.exited).toBe(0);
  }, 40_000);

  it('a rotated service-account token between init and sidecar makes the file unreadable: discarded, fresh login', async () => {
    const { vault, sandbox, config } = await podWithDynamicSecrets();
    await runInit(sandbox, config(true));
    scenario!.vault.addKubernetesRole('kubernetes', 'app', { serviceAccountJwt: (jwt: string) => jwt.startsWith('rotated-') || jwt.startsWith('eyJ'), policies: ['app'] });
    sandbox.writeServiceAccountToken('rotated-service-account-jwt');
    scenario!.secrets.add('rotated-service-account-jwt');
    const sidecar = startAgentInPod({ sandbox: sandbox.container('sidecar'), config: config(false) });
    scenario!.agents.push(sidecar);
    await vault.waitFor(() => sidecar.output().includes('all templates rendered'), 15_000, 'the sidecar render');
    expect(sidecar.output()).toMatch(/persistent cache discarded; logging in.*sealed with another key|sealed with another key.*persistent cache discarded/s);
    expect(vault.count('kubernetes.login')).toBe(2);
    sidecar.signal('SIGTERM');
    expect(await sidecar.exited).toBe(0);
  }, 40_000);

  it('init cannot write the cache (volume not writable): exit 1 with exit_on_err, else a warning and exit 0', async () => {
    const { sandbox, config } = await podWithDynamicSecrets({ exit_on_err: true });
    chmodSync(sandbox.agentCacheDir, 0o555);
    const strict = startAgentInPod({ sandbox, config: config(true) });
    scenario!.agents.push(strict);
    expect(await strict.exited).toBe(1);
    expect(strict.output()).toContain('could not write the persistent cache and exit_on_err is set');
    expect(strict.output()).toContain('EACCES');

    const lenientConfig = config(true);
    const cache = lenientConfig.cache as { persist: Record<string, unknown> };
    cache.persist = { ...cache.persist, exit_on_err: false };
    const lenient = startAgentInPod({ sandbox: sandbox.container('init-again'), config: lenientConfig });
    scenario!.agents.push(lenient);
    expect(await lenient.exited).toBe(0);
    expect(lenient.output()).toContain('could not write the persistent cache; the sidecar will log in itself');
    expect(readdirSync(sandbox.agentCacheDir)).toEqual([]);
  }, 40_000);
});
