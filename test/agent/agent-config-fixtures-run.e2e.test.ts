// The real-world Vault Agent configs of test/fixtures/agent-configs/ RUN, not only load: for every
// fixture whose auth method can be served on loopback, the real agent (the built bundle, `agent
// -config=FILE`, as users run it) starts from the fixture's own text with only its
// environment-specific values rewritten (Vault address → the double, absolute paths → a temp root,
// tcp listeners → a free loopback port, cloud endpoints → the loopback fakes through the variables
// their SDKs read). Each run asserts what a user would check: the token in every sink came from the
// configured method, role and mount (wrapped where configured), every template destination holds
// the right bytes with the configured mode and owner, commands and exec children ran, the listeners
// answer, the agent exited 0 (by itself in init mode, or when stopped after its files appeared),
// and no credential, token or secret reached its logs. Fixtures whose method cannot be served here
// are listed with the reason and checked to be refused at start as docs/agent.md says; the refused/
// configs stop the CLI at start with an error naming the key.
import { X509Certificate, createDecipheriv, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, type KeyObject } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { generateTestTls } from '../vault-double/index.js';
import { leakedSecrets } from './helpers/agent-scenario.js';
import type { SinkEncryption } from '../../agent/src/config/agent-config.js';
import type { FixtureEnvironment } from './helpers/fixture-environment.js';
import { AWS_CREDS, SECRETS, UNSERVED_METHODS, createFixtureEnvironment, fixturePath } from './helpers/fixture-environment.js';
import type { FixtureAgent } from './helpers/fixture-run.js';
import { BUNDLE_MAIN, eventually } from './helpers/fixture-run.js';

const DIR = fixturePath('');
const REFUSED_DIR = join(DIR, 'refused');
const allFixtures = readdirSync(DIR).filter((name) => /\.(hcl|json)$/.test(name) && !name.startsWith('expected')).sort();
const expectedWarnings = JSON.parse(readFileSync(join(DIR, 'expected-warnings.json'), 'utf8')) as Record<string, string[]>;
const expectedRefusals = JSON.parse(readFileSync(join(REFUSED_DIR, 'expected.json'), 'utf8')) as Record<string, string>;

/** How long one run may take before it fails (starting, files appearing, exiting). */
const RUN_TIMEOUT_MS = 30_000;

interface HttpAnswer { readonly status: number; readonly body: string }

interface FixtureSpec {
  /**
   * self: the agent exits by itself (exit_after_auth, or its exec child exited); sigterm: a sidecar
   * stopped with SIGTERM once its files are written; quit: stopped through /agent/v1/quit.
   */
  readonly stop: 'self' | 'sigterm' | 'quit';
  /** Template destinations (fixture paths) and the bytes they must hold. */
  readonly rendered?: Readonly<Record<string, string | ((bytes: string, env: FixtureEnvironment) => void)>>;
  /** Files the fixture's environment holds before the agent starts (template sources, old files). */
  readonly prepare?: (env: FixtureEnvironment) => void | Promise<void>;
  /** Files (beyond sinks and templates) that must appear before the run is checked and stopped. */
  readonly waitFor?: readonly string[];
  /** While the agent runs (sidecars) or after it exited (self). */
  readonly check?: (env: FixtureEnvironment, agent: FixtureAgent) => void | Promise<void>;
  /** After the agent exited. */
  readonly after?: (env: FixtureEnvironment, agent: FixtureAgent) => void | Promise<void>;
  /** Extra secrets for the log scan. */
  readonly secrets?: (env: FixtureEnvironment) => readonly string[];
}

const APP_MAP = Object.entries(SECRETS.app).sort(([a], [b]) => a.localeCompare(b)).map(([key, value]) => `${key}=${value}\n`).join('');

function listenerUrl(env: FixtureEnvironment, scheme = 'http'): string {
  const address = [...env.listeners.values()][0];
  if (address === undefined) throw new Error(`${env.name} has no tcp listener`);
  return `${scheme}://${address}`;
}

async function get(url: string, headers: Record<string, string> = {}, options: { socketPath?: string; ca?: string; method?: string; cert?: string; key?: string; maxVersion?: 'TLSv1.2' } = {}): Promise<HttpAnswer> {
  const target = new URL(url);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: options.method ?? 'GET', headers, ...(options.socketPath === undefined ? {} : { socketPath: options.socketPath }), ...(options.ca === undefined ? {} : { ca: options.ca }), ...(options.cert === undefined ? {} : { cert: options.cert, key: options.key }), ...(options.maxVersion === undefined ? {} : { maxVersion: options.maxVersion }), timeout: 10_000 },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => { resolve({ status: response.statusCode ?? 0, body }); });
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.end();
  });
}

function kvValue(answer: HttpAnswer, key: string): unknown {
  return (JSON.parse(answer.body) as { data?: { data?: Record<string, unknown> } }).data?.data?.[key];
}

const SPECS: Readonly<Record<string, FixtureSpec>> = {
  '01-kubernetes-sidecar.hcl': {
    stop: 'sigterm',
    rendered: { '/vault/secrets/db.env': `DB_USER=${SECRETS['web/db'].username}\nDB_PASS=${SECRETS['web/db'].password}\n` },
    waitFor: ['/home/vault/pidfile'],
    check: (env) => { expect(env.read('/home/vault/pidfile')).toMatch(/^\d+$/); },
    after: (env) => { expect(env.read('/home/vault/pidfile')).toBeUndefined(); },
  },
  '02-injector-init.json': {
    stop: 'self',
    rendered: { '/vault/secrets/config': APP_MAP },
  },
  '03-approle.hcl': {
    stop: 'sigterm',
    // remove_secret_id_file_after_reading = false: the secret-id stays.
    after: (env) => { expect(env.read('/etc/vault/secret-id')).toMatch(/^secret-id-/); },
  },
  '04-jwt.hcl': {
    stop: 'sigterm',
    after: (env) => { expect(env.read('/var/run/secrets/tokens/vault-token')).toMatch(/^eyJ/); },
  },
  '05-token-file.hcl': {
    stop: 'sigterm',
    prepare: (env) => { env.write('/etc/agent/app.ctmpl', 'user={{ with secret "secret/data/app" }}{{ .Data.data.username }}{{ end }}\n', 0o644); },
    rendered: { '/etc/app/app.conf': `user=${SECRETS.app.username}\n` },
  },
  '06-aws-iam-irsa.hcl': { stop: 'sigterm' },
  '07-aws-ec2.json': {
    stop: 'sigterm',
    check: (env) => { expect(env.vault.tokens().find((token) => token.path === 'auth/aws/login')?.meta).toMatchObject({ nonce: 'a5c1f0e2', role: 'web-ec2' }); },
  },
  '08-gcp-gce.hcl': { stop: 'sigterm' },
  '09-gcp-iam.json': {
    stop: 'sigterm',
    check: (env) => { expect(env.vault.tokens().find((token) => token.path === 'auth/gcp/login')?.meta).toMatchObject({ service_account_email: 'api@proj.iam.gserviceaccount.com' }); },
  },
  '10-azure.hcl': { stop: 'sigterm' },
  '11-cert.hcl': {
    stop: 'sigterm',
    check: (env) => { expect(env.vault.tokens().find((token) => token.path === 'auth/cert/login')?.meta).toMatchObject({ cert_name: 'web', common_name: 'app-client' }); },
  },
  '12-ldap.hcl': {
    stop: 'sigterm',
    // remove_password_after_reading defaults to true: the file is gone once the agent logged in.
    check: (env) => { expect(env.read('/etc/vault/ldap-password')).toBeUndefined(); },
  },
  '14-alicloud.hcl': {
    stop: 'sigterm',
    // The ECS instance's RAM role signed; Vault's check saw its assumed-role session.
    check: (env) => { expect(env.vault.tokens().find((token) => token.path === 'auth/alicloud/login')?.meta).toMatchObject({ role_name: 'app', arn: 'acs:ram::5138828231865461:assumed-role/ecs-app/vm-ram-i-fixture' }); },
  },
  '15-oci.json': {
    stop: 'sigterm',
    // Instance principals (metadata and federation fakes); the plugin issues non-renewable tokens.
    check: (env) => { expect(env.vault.tokens().find((token) => token.path === 'auth/oci/login')?.renewable).toBe(false); },
  },
  '16-cf.hcl': { stop: 'sigterm' },
  '17-listener-cache-api-proxy.hcl': {
    stop: 'sigterm',
    check: async (env) => {
      const url = `${listenerUrl(env)}/v1/secret/data/app`;
      // require_request_header: a request without X-Vault-Request is refused (412).
      expect((await get(url)).status).toBe(412);
      // use_auto_auth_token = "force": the agent's token replaces the client's.
      const answer = await get(url, { 'X-Vault-Request': 'true', 'X-Vault-Token': 'hvs.not-a-token' });
      expect([answer.status, kvValue(answer, 'password')]).toEqual([200, SECRETS.app.password]);
    },
  },
  '18-persistent-cache.hcl': {
    stop: 'sigterm',
    check: async (env) => {
      const answer = await get(`${listenerUrl(env)}/v1/secret/data/api`);
      expect([answer.status, kvValue(answer, 'key')]).toEqual([200, SECRETS.api.key]);
    },
  },
  '19-template-every-key.hcl': {
    stop: 'sigterm',
    prepare: (env) => {
      env.write('/etc/templates/nginx.ctmpl', 'upstream app {\n  server [[ with secret "secret/data/app" ]][[ .Data.data.username ]][[ end ]]:8080;\n}\n', 0o644);
      // The image's previous config: backup = true keeps it as <destination>.bak.
      env.write('/etc/nginx/conf.d/upstream.conf', 'upstream app { server old:8080; }\n', 0o644);
      env.program('nginx', `echo "$*" >> ${JSON.stringify(env.path('/nginx-calls'))}`);
    },
    rendered: { '/etc/nginx/conf.d/upstream.conf': `upstream app {\n  server ${SECRETS.app.username}:8080;\n}\n` },
    waitFor: ['/nginx-calls'],
    check: (env) => {
      const file = statSync(env.path('/etc/nginx/conf.d/upstream.conf'));
      expect([file.mode & 0o777, file.uid, file.gid]).toEqual([0o640, 101, 101]);
      expect(env.read('/etc/nginx/conf.d/upstream.conf.bak')).toBe('upstream app { server old:8080; }\n');
      expect(env.read('/nginx-calls')).toBe('-s reload\n');
    },
  },
  '20-template-exec.json': {
    stop: 'sigterm',
    prepare: async (env) => {
      await env.vault.enablePki('pki');
      await env.vault.addPkiRole('pki', 'web');
    },
    rendered: {
      '/certs/tls.crt': (bytes, env) => {
        const certificate = new X509Certificate(bytes);
        expect(certificate.subject).toContain('CN=web.svc');
        expect(certificate.verify(new X509Certificate(env.vault.pkiCaPem('pki')).publicKey)).toBe(true);
      },
      '/certs/tls.key': (bytes, env) => {
        // Each template's pkiCert is its own dependency (consul-template names it
        // vault.pki(<path>-><destination>), https://github.com/hashicorp/consul-template/blob/main/dependency/vault_pki.go),
        // so Vault Agent issues one certificate per destination: tls.key is the key of a certificate
        // the double issued for web.svc, and not (as this fixture's author may hope) tls.crt's.
        const publicKey = createPublicKey(createPrivateKey(bytes)).export({ type: 'spki', format: 'pem' });
        const issued = env.vault.credentials().flatMap((credential) => (credential.kind === 'pki' ? [credential] : []));
        expect(issued.map((credential) => credential.commonName)).toEqual(['web.svc', 'web.svc']);
        const owner = issued.find((credential) => new X509Certificate(credential.certificatePem).publicKey.export({ type: 'spki', format: 'pem' }) === publicKey);
        expect(owner?.certificatePem.trim()).not.toBe(readFileSync(env.path('/certs/tls.crt'), 'utf8').trim());
        expect(issued.map((credential) => credential.certificatePem.trim())).toContain(readFileSync(env.path('/certs/tls.crt'), 'utf8').trim());
      },
    },
    check: async (env, agent) => {
      const crt = statSync(env.path('/certs/tls.crt'));
      expect([crt.uid, crt.gid]).toEqual([101, 101]);
      expect(statSync(env.path('/certs/tls.key')).mode & 0o777).toBe(0o400);
      // exec { command = ["sh", "-c", "kill -HUP 1"] }: the pod's PID 1 got SIGHUP.
      await eventually(() => agent.pid1Signals().includes('HUP'), RUN_TIMEOUT_MS, 'the template exec to signal PID 1');
    },
    secrets: (env) => env.vault.credentials().flatMap((credential) => (credential.kind === 'pki' ? [credential.privateKeyPem.split('\n')[1] ?? ''] : [])),
  },
  '21-template-config-every-key.hcl': { stop: 'sigterm' },
  '22-process-supervisor.hcl': {
    stop: 'sigterm',
    prepare: (env) => {
      env.write('/etc/agent/username.ctmpl', '{{ with secret "secret/data/app" }}{{ .Data.data.username }}{{ end }}', 0o644);
      env.write('/usr/local/bin/app', `#!/bin/sh\nprintf '%s\\n' "$*" "PASSWORD=$PASSWORD" "USERNAME=$USERNAME" > ${JSON.stringify(env.path('/app-started'))}\ntrap 'exit 0' TERM\nwhile :; do sleep 1; done\n`, 0o755);
    },
    waitFor: ['/app-started', './pidfile'],
    check: (env) => {
      expect(env.read('/app-started')).toBe(`--serve\nPASSWORD=${SECRETS.app.password}\nUSERNAME=${SECRETS.app.username}\n`);
      expect(env.read('./pidfile')).toMatch(/^\d+$/);
    },
  },
  '23-process-supervisor.json': {
    stop: 'sigterm',
    prepare: (env) => {
      env.vault.enableDatabase('database');
      env.vault.addDatabaseRole('database', 'app');
      env.write('server.js', [
        "process.stdout.write(`DB_URL=${process.env.DB_URL}\\nAPI_KEY=${process.env.API_KEY}\\n`);",
        "process.stderr.write('server listening\\n');",
        "for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));",
        'setInterval(() => {}, 1000);',
      ].join('\n'), 0o644);
    },
    waitFor: ['/var/log/app.out', '/var/log/app.err'],
    check: async (env) => {
      const out = await eventually(() => (env.read('/var/log/app.out') ?? '').includes('API_KEY=') && env.read('/var/log/app.out'), RUN_TIMEOUT_MS, 'the child to write app.out');
      const credential = env.vault.credentials().find((issued) => issued.kind === 'database');
      expect(credential).toBeDefined();
      expect(out).toBe(`DB_URL=postgres://${credential?.username ?? ''}:${credential?.kind === 'database' ? credential.password : ''}@db/app\nAPI_KEY=${SECRETS.api.key}\n`);
      await eventually(() => env.read('/var/log/app.err') === 'server listening\n', RUN_TIMEOUT_MS, 'the child to write app.err');
    },
    secrets: (env) => env.vault.credentials().flatMap((credential) => (credential.kind === 'database' ? [credential.password] : [])),
  },
  '24-telemetry.hcl': {
    stop: 'sigterm',
    check: async (env) => {
      // telemetry { unauthenticated_metrics_access = true }: no token needed.
      const answer = await get(`${listenerUrl(env)}/agent/v1/metrics?format=prometheus`);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatch(/^# (HELP|TYPE) /m);
    },
  },
  '25-vault-block-every-key.hcl': {
    stop: 'sigterm',
    check: (env) => {
      const token = env.vault.token((env.read('/tmp/t') ?? '').trim());
      // The method's namespace wins over vault.namespace for the login.
      expect(token?.namespace).toBe('team-a/apps');
    },
  },
  '26-old-auto-auth-exit-on-err.hcl': { stop: 'sigterm' },
  '27-vault-retry-backoff.hcl': { stop: 'sigterm' },
  '28-misplaced-blocks.hcl': {
    stop: 'sigterm',
    // The top-level sink is not Vault Agent's: nothing is written there.
    after: (env) => { expect(existsSync(env.path('/tmp/misplaced'))).toBe(false); },
  },
  '29-sinks-list-form.hcl': { stop: 'sigterm' },
  '30-sink-wrap-ttl.hcl': {
    stop: 'sigterm',
    check: async (env) => {
      const plain = (env.read('/tmp/plain-b') ?? '').trim();
      expect(await unwrapToken(env, env.read('/tmp/wrapped-a') ?? '')).toBe(plain);
    },
  },
  '31-method-wrap-ttl.hcl': { stop: 'sigterm' },
  '32-unix-listener.hcl': {
    stop: 'sigterm',
    waitFor: ['/run/vault/agent.sock'],
    check: async (env) => {
      const socketPath = env.path('/run/vault/agent.sock');
      const socket = statSync(socketPath);
      expect([socket.isSocket(), socket.mode & 0o777, socket.uid, socket.gid]).toEqual([true, 0o660, 1000, 1000]);
      const answer = await get('http://localhost/v1/secret/data/app', {}, { socketPath });
      expect([answer.status, kvValue(answer, 'username')]).toEqual([200, SECRETS.app.username]);
    },
  },
  '33-metrics-only-listener.hcl': {
    stop: 'sigterm',
    check: async (env) => {
      const metrics = await get(`${listenerUrl(env)}/agent/v1/metrics?format=prometheus`);
      expect(metrics.status).toBe(200);
      expect(metrics.body).toMatch(/^# (HELP|TYPE) /m);
      expect((await get(`${listenerUrl(env)}/v1/secret/data/app`)).status).toBe(404);
    },
  },
  '34-logging.hcl': {
    stop: 'sigterm',
    after: (_env, agent) => {
      const lines = agent.output().split('\n').filter((line) => line.trim() !== '');
      expect(lines.length).toBeGreaterThan(0);
      const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      // hclog's JSON layout (log_format = "json"); log_level = "debug" keeps trace lines out.
      expect(records.every((record) => ['@level', '@message', '@module', '@timestamp'].every((key) => typeof record[key] === 'string'))).toBe(true);
      expect(records.some((record) => record['@level'] === 'trace')).toBe(false);
    },
  },
  '35-disable-idle-keep-alives.json': { stop: 'sigterm' },
  '36-consul-template-copy.hcl': {
    stop: 'sigterm',
    rendered: { '/tmp/a': SECRETS.a.v },
  },
  '37-json-labelled-forms.json': {
    stop: 'quit',
    check: async (env) => {
      const answer = await get(`${listenerUrl(env)}/v1/secret/data/app`);
      expect([answer.status, kvValue(answer, 'v')]).toEqual([200, SECRETS.app.v]);
    },
  },
  '38-listener-tls.hcl': {
    stop: 'sigterm',
    prepare: async (env) => {
      const tls = await generateTestTls();
      env.write('/etc/tls/tls.crt', tls.certPem, 0o644);
      env.write('/etc/tls/tls.key', tls.keyPem, 0o600);
      env.write('/etc/tls/ca.crt', tls.caPem, 0o644);
      env.secrets.add(tls.keyPem.split('\n')[1] ?? '');
    },
    check: async (env) => {
      const answer = await get(`${listenerUrl(env, 'https')}/v1/secret/data/app`, {}, { ca: env.read('/etc/tls/ca.crt') ?? '' });
      expect([answer.status, kvValue(answer, 'password')]).toEqual([200, SECRETS.app.password]);
    },
  },
  '39-enable-reauth.hcl': { stop: 'sigterm' },
  '44-listener-mtls.hcl': {
    stop: 'sigterm',
    prepare: async (env) => {
      const server = await generateTestTls();
      const clients = await generateTestTls({ hosts: ['app.mesh.local'] });
      env.write('/etc/tls/tls.crt', server.certPem, 0o644);
      env.write('/etc/tls/tls.key', server.keyPem, 0o600);
      env.write('/etc/tls/ca.crt', server.caPem, 0o644);
      env.write('/etc/tls/client-ca.crt', clients.caPem, 0o644);
      env.write('/test/client.crt', clients.certPem, 0o644);
      env.write('/test/client.key', clients.keyPem, 0o600);
      // A client whose certificate another CA signed (here: the server's own, from the server CA).
      env.write('/test/foreign.crt', server.certPem, 0o644);
      env.write('/test/foreign.key', server.keyPem, 0o600);
      for (const pem of [server.keyPem, clients.keyPem]) env.secrets.add(pem.split('\n')[1] ?? '');
    },
    check: async (env) => {
      const url = `${listenerUrl(env, 'https')}/v1/secret/data/app`;
      const ca = env.read('/etc/tls/ca.crt') ?? '';
      const answer = await get(url, {}, { ca, cert: env.read('/test/client.crt') ?? '', key: env.read('/test/client.key') ?? '' });
      expect([answer.status, kvValue(answer, 'password')]).toEqual([200, SECRETS.app.password]);
      // Without a certificate, or with one the client CA did not sign, the handshake fails.
      await expect(get(url, {}, { ca })).rejects.toThrow();
      await expect(get(url, {}, { ca, cert: env.read('/test/foreign.crt') ?? '', key: env.read('/test/foreign.key') ?? '' })).rejects.toThrow();
      // tls_min_version = "tls13": a TLS 1.2 client is turned away, certificate or not.
      await expect(get(url, {}, { ca, cert: env.read('/test/client.crt') ?? '', key: env.read('/test/client.key') ?? '', maxVersion: 'TLSv1.2' })).rejects.toThrow(/protocol version|ssl|alert/i);
    },
  },
  '40-multi-template-delimiters.json': {
    stop: 'sigterm',
    rendered: {
      '/vault/secrets/helm-values.yaml': `password: ${SECRETS.app.password}`,
      '/vault/secrets/app.properties': APP_MAP,
    },
  },
  '41-handlebars-engine.json': {
    stop: 'sigterm',
    // The fixture reads `data.data.v`, Vault's JSON name; the helper answers it beside the Go
    // dialect's `Data.data.v` (docs/templates.md, Handlebars).
    rendered: { '/vault/secrets/h': SECRETS.app.v },
  },
  '43-encrypted-sinks.hcl': {
    stop: 'sigterm',
    // The reader published its public key before the agent started (a Secret volume in a pod).
    prepare: (env) => {
      const reader = generateKeyPairSync('x25519');
      readerKeys.set(env.name, reader.privateKey);
      env.write('/etc/vault/reader-pub.json', JSON.stringify({ curve25519_public_key: Buffer.from(reader.publicKey.export({ format: 'jwk' }).x ?? '', 'base64url').toString('base64') }));
    },
    check: (env) => {
      // Each sink has a key pair of its own (Vault keeps one per sink); no file holds a token in the clear.
      const envelopes = ['/home/vault/token.enc', '/home/vault/wrapped.enc'].map((path) => JSON.parse(env.read(path) ?? '') as Record<string, string>);
      expect(envelopes[0]?.curve25519_public_key).not.toBe(envelopes[1]?.curve25519_public_key);
      for (const token of env.vault.tokens()) expect([env.read('/home/vault/token.enc')?.includes(token.token), env.read('/home/vault/wrapped.enc')?.includes(token.token)]).toEqual([false, false]);
    },
  },
  '42-exec-env-from-file.hcl': {
    // `aws s3 ls` exits 0 by itself; Vault Agent then exits with its code
    // (https://developer.hashicorp.com/vault/docs/agent-and-proxy/agent/process-supervisor).
    stop: 'self',
    prepare: (env) => { env.program('aws', `printf '%s\\n' "$*" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" > ${JSON.stringify(env.path('/aws-ran'))}`); },
    after: (env) => { expect(env.read('/aws-ran')).toBe(`s3 ls\n${AWS_CREDS.access_key}\n${AWS_CREDS.secret_key}\n`); },
  },
};

/** The fixtures that cannot run here, each with its reason (printed, and checked to be refused at start). */
function unservedReason(name: string): string | undefined {
  const text = readFileSync(join(DIR, name), 'utf8');
  for (const [method, reason] of Object.entries(UNSERVED_METHODS)) {
    if (new RegExp(`method\\s*"${method}"|"type"\\s*:\\s*"${method}"|type\\s*=\\s*"${method}"`).test(text)) return `${method}: ${reason}`;
  }
  return undefined;
}
const notRunnable = new Map(allFixtures.flatMap((name) => {
  const reason = unservedReason(name);
  return reason === undefined ? [] : [[name, reason] as const];
}));
const runnable = allFixtures.filter((name) => !notRunnable.has(name));

/** Unwrapped tokens by wrapping token: a wrapping token unwraps once. */
const unwrapped = new Map<string, string>();

async function unwrapToken(env: FixtureEnvironment, wrapInfo: string): Promise<string> {
  const info = JSON.parse(wrapInfo) as { token: string };
  env.secrets.add(info.token);
  const known = unwrapped.get(info.token);
  if (known !== undefined) return known;
  const response = await fetch(`${env.vault.address}/v1/sys/wrapping/unwrap`, { method: 'POST', headers: { 'X-Vault-Token': info.token } });
  // A method wrap_ttl wraps the login response (auth.client_token); a sink wrap_ttl wraps
  // {"token": …} through sys/wrapping/wrap (data.token).
  const body = (await response.json()) as { auth?: { client_token?: string }; data?: { token?: string } };
  const token = body.auth?.client_token ?? body.data?.token ?? '';
  unwrapped.set(info.token, token);
  return token;
}

/** Readers of encrypted sinks: their X25519 private keys, by fixture. */
const readerKeys = new Map<string, KeyObject>();

/**
 * What an encrypted sink's reader does (Vault's dhutil): X25519 with the agent's public key from
 * the envelope, HKDF-SHA256 when derive_key (salt: the lower public key, info: the higher),
 * AES-256-GCM with the envelope's nonce and the configured AAD.
 */
function openEnvelope(env: FixtureEnvironment, text: string, encryption: SinkEncryption): string {
  expect(text.endsWith('}\n')).toBe(true);
  const envelope = JSON.parse(text) as Record<string, string>;
  expect(Object.keys(envelope)).toEqual(['curve25519_public_key', 'nonce', 'encrypted_payload']);
  const readerKey = readerKeys.get(env.name);
  if (readerKey === undefined) throw new Error(`${env.name}: no reader key`);
  const agentPublic = Buffer.from(envelope.curve25519_public_key ?? '', 'base64');
  const readerPublic = Buffer.from(createPublicKey(readerKey).export({ format: 'jwk' }).x ?? '', 'base64url');
  const secret = diffieHellman({ privateKey: readerKey, publicKey: createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: agentPublic.toString('base64url') }, format: 'jwk' }) });
  const [low, high] = Buffer.compare(agentPublic, readerPublic) < 0 ? [agentPublic, readerPublic] : [readerPublic, agentPublic];
  const key = encryption.deriveKey ? Buffer.from(hkdfSync('sha256', secret, low, high, 32)) : secret;
  const sealed = Buffer.from(envelope.encrypted_payload ?? '', 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.nonce ?? '', 'base64'));
  decipher.setAAD(Buffer.from(encryption.aad, 'utf8'));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]).toString('utf8');
}

/** The token a sink holds (decrypted, then unwrapped, when the sink encrypts or wraps). */
async function sinkToken(env: FixtureEnvironment, path: string, wrapped: boolean, encryption?: SinkEncryption): Promise<string> {
  const stored = env.read(path) ?? '';
  const content = encryption === undefined ? stored : openEnvelope(env, stored, encryption);
  if (!wrapped) return content;
  const info = JSON.parse(content) as Record<string, unknown>;
  expect(Object.keys(info).sort()).toEqual(['accessor', 'creation_path', 'creation_time', 'token', 'ttl', 'wrapped_accessor'].sort());
  return unwrapToken(env, content);
}

function expectedRole(env: FixtureEnvironment): Record<string, string> {
  const method = env.original.autoAuth?.method;
  const role = method?.config['role'];
  if (method?.type === 'approle') return { role_name: 'app' };
  if (method?.type === 'cert') return { cert_name: String(method.config['name']) };
  if (method?.type === 'alicloud') return { role_name: String(role) };
  if (method?.type === 'oci') return { role_name: String(role) };
  return typeof role === 'string' ? { role } : {};
}

/** The double issued a token through the configured method, mount and role (token_file: the agent used the operator's token). */
function loggedIn(env: FixtureEnvironment): boolean {
  const method = env.original.autoAuth?.method;
  if (method === undefined) return true;
  if (method.type === 'token_file') {
    const accessor = env.vault.token((env.read(String(method.config['token_file_path'])) ?? '').trim())?.accessor;
    return env.vault.requests().some((request) => request.tokenAccessor === accessor && request.status === 200);
  }
  const role = expectedRole(env);
  return env.vault.tokens().some((token) => token.path === `${method.mountPath}/login` && Object.entries(role).every(([key, value]) => token.meta?.[key] === value));
}

/** Every file the run must produce before it is checked. */
function awaitedFiles(env: FixtureEnvironment, spec: FixtureSpec): string[] {
  const autoAuth = env.original.autoAuth;
  return [...(autoAuth?.sinks.map((sink) => sink.path) ?? []), ...Object.keys(spec.rendered ?? {}), ...(spec.waitFor ?? [])];
}

async function runFixture(name: string, spec: FixtureSpec): Promise<void> {
  const env = await createFixtureEnvironment(name);
  try {
    // Only environment-specific literals were rewritten.
    for (const [from, to] of env.replaced) expect([from, to.startsWith(env.root) || to.startsWith('127.0.0.1:') || to === env.vault.address]).toEqual([from, true]);
    await spec.prepare?.(env);
    const agent = env.start();
    const exitedEarly = agent.exited.then((code) => `the agent exited early with ${code}:\n${agent.output()}`);
    const ready = eventually(() => awaitedFiles(env, spec).every((file) => existsSync(env.path(file))) && loggedIn(env), RUN_TIMEOUT_MS, `${awaitedFiles(env, spec).join(', ')} to be written and the login`).catch((error: unknown) => {
      throw new Error(`${String(error)}; the agent said:\n${agent.output()}`);
    });
    if (spec.stop === 'self') {
      const code = await Promise.race([agent.exited, new Promise<number>((resolve) => setTimeout(() => { resolve(-1); }, RUN_TIMEOUT_MS))]);
      expect([code, agent.output()]).toEqual([0, agent.output()]);
      await ready;
    } else {
      const outcome = await Promise.race([ready.then(() => 'ready'), exitedEarly]);
      expect(outcome).toBe('ready');
    }

    // Auto-auth: every sink holds a token the double issued through the configured method,
    // mount and role (unwrapped first where a wrap_ttl is configured); the sink's mode as set.
    const autoAuth = env.original.autoAuth;
    const method = autoAuth?.method;
    const loginPath = `${method?.mountPath ?? ''}/login`;
    for (const sink of autoAuth?.sinks ?? []) {
      const token = await sinkToken(env, sink.path, sink.wrapTtl !== undefined || method?.wrapTtl !== undefined, sink.encryption);
      env.secrets.add(token);
      const view = env.vault.token(token.trim());
      expect([sink.path, view?.path, view?.meta]).toEqual([sink.path, method?.type === 'token_file' ? view?.path : loginPath, expect.objectContaining(expectedRole(env))]);
      expect([sink.path, statSync(env.path(sink.path)).mode & 0o777]).toEqual([sink.path, sink.mode]);
    }
    expect(loggedIn(env)).toBe(true);

    // Templates: the right bytes, the configured mode (consul-template's default 0644 for a new file).
    for (const [destination, expected] of Object.entries(spec.rendered ?? {})) {
      const bytes = env.read(destination) ?? '';
      if (typeof expected === 'string') expect([destination, bytes]).toEqual([destination, expected]);
      else expected(bytes, env);
      const template = env.original.templates.find((candidate) => candidate.destination === destination);
      const mode = template?.perms ?? 0o644;
      expect([destination, statSync(env.path(destination)).mode & 0o777]).toEqual([destination, mode]);
    }
    expect(Object.keys(spec.rendered ?? {}).sort()).toEqual(env.original.templates.map((template) => template.destination).sort());

    await spec.check?.(env, agent);
    if (spec.stop === 'sigterm') agent.terminate();
    if (spec.stop === 'quit') expect((await get(`${listenerUrl(env)}/agent/v1/quit`, {}, { method: 'POST' })).status).toBe(200);
    const code = await Promise.race([agent.exited, new Promise<number>((resolve) => setTimeout(() => { resolve(-1); }, RUN_TIMEOUT_MS))]);
    expect([code, agent.output()]).toEqual([0, agent.output()]);
    await spec.after?.(env, agent);

    // The warnings for keys Vault Agent ignores are logged; no credential, token or secret is.
    for (const warning of expectedWarnings[name] ?? []) expect(agent.output()).toContain(warning);
    for (const token of env.vault.tokens()) env.secrets.add(token.token);
    for (const secret of spec.secrets?.(env) ?? []) env.secrets.add(secret);
    expect(leakedSecrets(agent.output(), env.secrets)).toEqual([]);
  } finally {
    await env.close();
  }
}

beforeAll(() => {
  if (!existsSync(BUNDLE_MAIN)) throw new Error('dist/agent-bundle is missing: run `npm run build` first (npm test does)');
  const lines = [...notRunnable].map(([name, reason]) => `  ${name}: ${reason}`);
  // The list of fixtures that cannot run end to end here, with the reason for each.
  console.log(`agent-config fixtures not run end to end (${notRunnable.size}):\n${lines.join('\n')}`);
});

describe('real-world Vault Agent configs run end to end', () => {
  it('every fixture has a run spec or a reason it cannot run here', () => {
    expect(runnable.filter((name) => SPECS[name] === undefined)).toEqual([]);
    expect(Object.keys(SPECS).filter((name) => !runnable.includes(name))).toEqual([]);
    expect(runnable.length + notRunnable.size).toBe(allFixtures.length);
  });

  it.each(runnable)('%s', async (name) => {
    const spec = SPECS[name];
    if (spec === undefined) throw new Error(`no spec for ${name}`);
    await runFixture(name, spec);
  }, 4 * RUN_TIMEOUT_MS);

  it.each([...notRunnable.keys()])('%s cannot run here: the agent refuses its method at start, naming it', (name) => {
    const method = /^(\w+):/.exec(notRunnable.get(name) ?? '')?.[1] ?? '';
    const result = spawnSync(process.execPath, [BUNDLE_MAIN, 'agent', `-config=${join(DIR, name)}`], { encoding: 'utf8', timeout: RUN_TIMEOUT_MS, env: { PATH: process.env.PATH ?? '' } });
    // The log line quotes the error logfmt-style (inner quotes escaped).
    expect([result.status, result.stderr + result.stdout]).toEqual([1, expect.stringMatching(new RegExp(`auth method \\\\?"${method}\\\\?" is not implemented`))]);
  }, RUN_TIMEOUT_MS + 5_000);
});

describe('refused/ configs stop the CLI at start', () => {
  const refused = readdirSync(REFUSED_DIR).filter((name) => /\.(hcl|json)$/.test(name) && name !== 'expected.json').sort();
  it.each(refused)('refused/%s: exit 1 with an error naming the key', (name) => {
    const result = spawnSync(process.execPath, [BUNDLE_MAIN, 'agent', `-config=${join(REFUSED_DIR, name)}`], { encoding: 'utf8', timeout: RUN_TIMEOUT_MS, env: { PATH: process.env.PATH ?? '' } });
    const output = result.stderr + result.stdout;
    expect([result.status, output]).toEqual([1, expect.stringContaining(expectedRefusals[name] ?? '<no expectation>')]);
    expect(output).toContain('Error loading configuration');
  }, RUN_TIMEOUT_MS + 5_000);
});
