// The dependency layer and renderer in-process against the Vault double, with a line-based test
// engine (the real engines are tested on their own and end to end through the CLI).
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVaultDouble } from '../vault-double/index.js';
import type { VaultDouble } from '../vault-double/index.js';
import { VaultClient } from '../../agent/src/vault/vault-client.js';
import { TemplateRunner } from '../../agent/src/render/template-runner.js';
import type { PreparedTemplate } from '../../agent/src/render/template-runner.js';
import type { SecretRecord } from '../../agent/src/render/dependency-tracker.js';
import { validateAgentConfig } from '../../agent/src/config/validate-agent-config.js';
import { resolveVaultConnection } from '../../agent/src/config/vault-environment.js';
import { createAgentLogger } from '../../agent/src/log.js';
import { sleep } from '../../agent/src/supervisor/sleep.js';
import { lineEngine } from './helpers/line-engine.js';

interface Harness {
  readonly dir: string;
  readonly logs: string[];
  readonly failures: Error[];
  readonly rendered: Promise<void>;
  readonly runner: TemplateRunner;
  readonly client: VaultClient;
  readonly invalidTokens: string[];
}

let vault: VaultDouble;
let dirs: string[] = [];

beforeEach(async () => {
  vault = await startVaultDouble();
  dirs = [];
});

afterEach(async () => {
  await vault.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tokenWith(...paths: string[]): string {
  vault.addPolicy('app', paths.map((path) => ({ path, capabilities: ['read', 'list', 'update', 'create'] })));
  return vault.createToken({ policies: ['app'] }).token;
}

function startRunner(templates: Array<Record<string, unknown>>, token: string, extra: { retries?: number; staticInterval?: string; exitOnRetryFailure?: boolean; seeds?: readonly SecretRecord[] } = {}): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'runner-'));
  dirs.push(dir);
  const config = validateAgentConfig({
    auto_auth: { method: { type: 'kubernetes', config: { role: 'r' } }, sink: [{ type: 'file', config: { path: join(dir, 'token') } }] },
    vault: { address: vault.address, retry: { num_retries: extra.retries ?? 2 } },
    template: templates.map((template) => ({ ...template, destination: join(dir, String(template.destination)) })),
    template_config: { static_secret_render_interval: extra.staticInterval ?? '5m', exit_on_retry_failure: extra.exitOnRetryFailure ?? true },
  });
  const { connection } = resolveVaultConnection(config.vault, {});
  const client = new VaultClient(connection);
  const logs: string[] = [];
  const failures: Error[] = [];
  const invalidTokens: string[] = [];
  let resolveRendered: () => void = () => undefined;
  const rendered = new Promise<void>((resolve) => (resolveRendered = resolve));
  const prepared: PreparedTemplate[] = config.templates.map((template) => ({ config: template, compiled: lineEngine.compile(template.contents ?? '', {}) }));
  const runner = new TemplateRunner({
    templates: prepared,
    runtime: config.templateConfig,
    client,
    namespace: undefined,
    retry: { baseMs: 20, maxMs: 100, attempts: config.vault.retry.numRetries },
    log: createAgentLogger({ level: 'trace', format: 'json', write: (line) => logs.push(line) }),
    env: (name) => process.env[name],
    now: Date.now,
    sleep,
    random: Math.random,
    onAllRendered: resolveRendered,
    onFailure: (error) => failures.push(error),
    onInvalidToken: (seen) => invalidTokens.push(seen),
  });
  runner.start(token, extra.seeds);
  return { dir, logs, failures, rendered, runner, client, invalidTokens };
}

async function stop(harness: Harness): Promise<void> {
  await harness.runner.stop();
  harness.client.close();
}

describe('template runner against the Vault double', () => {
  it('renders KV v1 and KV v2 (detected, path shimmed), deduplicates fetches and applies perms', async () => {
    vault.enableKv('kv', 1);
    vault.enableKv('secret', 2);
    vault.writeKv('kv/istio', { ca: 'CA-PEM', cert: 'CERT-PEM' });
    vault.writeKv('secret/app/config', { user: 'alice', password: 's3cr3t-pw' });
    const token = tokenWith('kv/*', 'secret/data/*', 'secret/metadata/*');
    const harness = startRunner(
      [
        { destination: 'ca.pem', contents: 'read kv/istio data.ca', perms: '0400' },
        { destination: 'cert.pem', contents: 'read kv/istio data.cert' },
        { destination: 'config', contents: 'read secret/app/config data.data.user\nread secret/data/app/config data.data.password' },
      ],
      token,
    );
    await harness.rendered;
    expect(readFileSync(join(harness.dir, 'ca.pem'), 'utf8')).toBe('CA-PEM\n');
    expect(statSync(join(harness.dir, 'ca.pem')).mode & 0o777).toBe(0o400);
    expect(readFileSync(join(harness.dir, 'cert.pem'), 'utf8')).toBe('CERT-PEM\n');
    expect(statSync(join(harness.dir, 'cert.pem')).mode & 0o777).toBe(0o644);
    expect(readFileSync(join(harness.dir, 'config'), 'utf8')).toBe('alice\ns3cr3t-pw\n');
    expect(vault.count('kv1.read')).toBe(1);
    // Both spellings of the KV v2 path are one shimmed read each (two dependency ids).
    expect(vault.requests().filter((request) => request.endpoint === 'kv2.read').map((request) => request.path).sort()).toEqual([
      'secret/data/app/config',
      'secret/data/app/config',
    ]);
    expect(readdirSync(harness.dir).filter((name) => name.includes('.tmp.'))).toEqual([]);
    await stop(harness);
  });

  it('finds nested dependencies over successive passes and lists keys', async () => {
    vault.enableKv('kv', 1);
    vault.writeKv('kv/pointer', { target: 'kv/real' });
    vault.writeKv('kv/real', { value: 'found-it' });
    vault.writeKv('kv/dir/a', { x: '1' });
    vault.writeKv('kv/dir/b', { x: '2' });
    const harness = startRunner([{ destination: 'out', contents: 'via kv/pointer data.target data.value\nlist kv/dir' }], tokenWith('kv/*'));
    await harness.rendered;
    expect(readFileSync(join(harness.dir, 'out'), 'utf8')).toBe('found-it\na,b\n');
    await stop(harness);
  });

  it('re-reads static secrets at the render interval and rewrites only on change', async () => {
    vault.enableKv('kv', 1);
    vault.writeKv('kv/app', { v: 'one', ttl: '1' });
    const harness = startRunner([{ destination: 'out', contents: 'read kv/app data.v' }], tokenWith('kv/*'));
    await harness.rendered;
    const file = join(harness.dir, 'out');
    const firstInode = statSync(file).ino;
    await vault.waitFor(() => vault.count('kv1.read') >= 2, 5000);
    expect(statSync(file).ino).toBe(firstInode);
    vault.writeKv('kv/app', { v: 'two', ttl: '1' });
    await vault.waitFor(() => readFileSync(file, 'utf8') === 'two\n', 5000);
    expect(statSync(file).ino).not.toBe(firstInode);
    await stop(harness);
  });

  it('fails with "no secret exists" after the retries, writing nothing', async () => {
    vault.enableKv('kv', 1);
    const harness = startRunner([{ destination: 'missing', contents: 'read kv/nothing data.x' }], tokenWith('kv/*'), { retries: 2 });
    await vault.waitFor(() => harness.failures.length > 0, 5000);
    expect(harness.failures[0]?.message).toContain('no secret exists at kv/nothing');
    expect(vault.count('kv1.read')).toBe(3);
    expect(readdirSync(harness.dir)).toEqual([]);
    await stop(harness);
  });

  it('redacts secret values from template error texts', async () => {
    vault.enableKv('kv', 1);
    vault.writeKv('kv/app', { v: 'very-secret-value' });
    const harness = startRunner([{ destination: 'out', contents: 'read kv/app data.v\nfail very-secret-value' }], tokenWith('kv/*'));
    await vault.waitFor(() => harness.failures.length > 0, 5000);
    expect(harness.failures[0]?.message).toBe(`template ${join(harness.dir, 'out')}: fail: [redacted]`);
    expect(existsSync(join(harness.dir, 'out'))).toBe(false);
    await stop(harness);
  });

  it('reports a 403 invalid token so the agent can log in again', async () => {
    vault.enableKv('kv', 1);
    vault.writeKv('kv/app', { v: 'x' });
    const token = tokenWith('kv/*');
    vault.faults.forbidToken(token, 'invalid-token');
    const harness = startRunner([{ destination: 'out', contents: 'read kv/app data.v' }], token, { retries: 1 });
    await vault.waitFor(() => harness.invalidTokens.length > 0, 5000);
    expect(harness.invalidTokens[0]).toBe(token);
    await stop(harness);
  });

  it('runs the command of a changed template, and a failing command is a runner failure', async () => {
    vault.enableKv('kv', 1);
    vault.writeKv('kv/app', { v: 'x' });
    const harness = startRunner(
      [
        { destination: 'a', contents: 'read kv/app data.v', command: `touch ${tmpdir()}/never-mind-${process.pid}` },
        { destination: 'b', contents: 'read kv/app data.v', command: 'exit 3' },
      ],
      tokenWith('kv/*'),
    );
    await vault.waitFor(() => harness.failures.length > 0, 5000);
    expect(existsSync(`${tmpdir()}/never-mind-${process.pid}`)).toBe(true);
    rmSync(`${tmpdir()}/never-mind-${process.pid}`);
    expect(harness.failures[0]?.message).toContain('command "exit 3" failed: exit status 3');
    await stop(harness);
  });

  it('renews database credentials, then replaces them at max TTL; readers never see a partial file', async () => {
    vault.enableDatabase('database');
    vault.addDatabaseRole('database', 'app', { defaultTtlSeconds: 3, maxTtlSeconds: 8 });
    const harness = startRunner([{ destination: 'db', contents: 'read database/creds/app data.username\nread database/creds/app data.password' }], tokenWith('database/creds/*'));
    await harness.rendered;
    const file = join(harness.dir, 'db');
    const seen = new Set<string>();
    let partial = 0;
    const deadline = Date.now() + 12_000;
    while (Date.now() < deadline && seen.size < 2) {
      const text = readFileSync(file, 'utf8');
      if (!/^v-\S+\n\S+\n$/.test(text)) partial += 1;
      seen.add(text);
      await sleep(5);
    }
    expect(partial).toBe(0);
    expect(seen.size).toBe(2);
    const credentials = vault.credentials().filter((credential) => credential.kind === 'database');
    expect(credentials).toHaveLength(2);
    const firstLease = vault.lease(credentials[0]!.leaseId);
    expect(firstLease?.renewals).toBeGreaterThanOrEqual(2);
    expect(vault.count('database.creds')).toBe(2);
    await stop(harness);
  });

  describe('seeded from the persistent cache', () => {
    const dbTemplate = { destination: 'db', contents: 'read database/creds/app data.username\nread database/creds/app data.password\nread kv/app data.v' };

    async function firstAgent(token: string): Promise<{ records: SecretRecord[]; content: string }> {
      const first = startRunner([dbTemplate], token);
      await first.rendered;
      const records = first.runner.secretRecords();
      const content = readFileSync(join(first.dir, 'db'), 'utf8');
      await stop(first);
      return { records, content };
    }

    beforeEach(() => {
      vault.enableDatabase('database');
      vault.addDatabaseRole('database', 'app', { defaultTtlSeconds: 60, maxTtlSeconds: 600 });
      vault.enableKv('kv', 1);
      vault.writeKv('kv/app', { v: 'static' });
    });

    it('hands over only leased and written secrets, and a seeded runner renders them without fetching, renewing the lease', async () => {
      const token = tokenWith('database/creds/*', 'kv/*');
      const { records, content } = await firstAgent(token);
      expect(records.map((record) => [record.id, record.kind])).toEqual([['vault.read(database/creds/app)', 'read']]);
      expect(records[0]?.envelope.lease_id).toMatch(/^database\/creds\/app\//);
      const renewalsBefore = vault.count('sys.leases.renew');
      const second = startRunner([dbTemplate], token, { seeds: records });
      await second.rendered;
      expect(readFileSync(join(second.dir, 'db'), 'utf8')).toBe(content);
      expect(vault.count('database.creds')).toBe(1);
      // The KV read is not handed over: read again.
      expect(vault.count('kv1.read')).toBe(2);
      await vault.waitFor(() => vault.count('sys.leases.renew') > renewalsBefore, 5000, 'a renewal of the restored lease');
      expect(second.runner.secretRecords().map((record) => record.envelope.lease_id)).toEqual([records[0]?.envelope.lease_id]);
      await stop(second);
    });

    it('fetches again instead of adopting a lease that has run out, or a seed of another kind', async () => {
      const token = tokenWith('database/creds/*', 'kv/*');
      const { records, content } = await firstAgent(token);
      const expired = records.map((record) => ({ ...record, leaseUpdatedAtMs: Date.now() - 61_000 }));
      const second = startRunner([dbTemplate], token, { seeds: expired });
      await second.rendered;
      expect(vault.count('database.creds')).toBe(2);
      expect(readFileSync(join(second.dir, 'db'), 'utf8')).not.toBe(content);
      expect(second.logs.some((line) => line.includes('restored secret has expired'))).toBe(true);
      await stop(second);
      const wrongKind = records.map((record) => ({ ...record, kind: 'write' as const }));
      const third = startRunner([dbTemplate], token, { seeds: wrongKind });
      await third.rendered;
      expect(vault.count('database.creds')).toBe(3);
      await stop(third);
    });

    it('a restored lease that Vault no longer renews is replaced by a new credential', async () => {
      const token = tokenWith('database/creds/*', 'kv/*');
      const { records, content } = await firstAgent(token);
      vault.faults.expireLease(records[0]?.envelope.lease_id ?? '');
      const second = startRunner([dbTemplate], token, { seeds: records });
      const file = join(second.dir, 'db');
      await vault.waitFor(() => vault.count('database.creds') === 2 && existsSync(file) && readFileSync(file, 'utf8') !== content, 5000, 'a new credential');
      expect(second.failures).toEqual([]);
      await stop(second);
    });
  });
});
