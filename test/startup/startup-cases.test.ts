// The `startup` cases of both case files (sample and upstream), each against the real built process: "Exits …" cases must
// exit 1 with one stderr line that names the flag and its variable, says what to change, and
// still carries vault-k8s's quoted text verbatim (in parentheses at the end); the others must start, serve HTTPS and honour what
// their flags ask for (log level, TLS version, cipher suites, env-over-flag precedence).
import { FLAG_DEFINITIONS } from '../../webhook/src/settings/flag-definitions.js';
import { GO_CIPHER_TO_OPENSSL } from '../../webhook/src/settings/tls-options.js';
import { flagsToArgs, runWebhookToExit, startWebhook } from '../helpers/webhook-process.js';
import type { WebhookProcess } from '../helpers/webhook-process.js';
import { CASE_FILES, loadCases } from '../helpers/vault-k8s-cases.js';
import type { VaultK8sCase as SampleCase } from '../helpers/vault-k8s-cases.js';

const cases = CASE_FILES.flatMap(({ file }) => loadCases('startup', file));

/** The quoted message of an "Exits … '<message>'." expectation, or undefined for a start. */
function expectedExitMessage(sample: SampleCase): string | undefined {
  if (!sample.expect.startsWith('Exits')) return undefined;
  const match = /'(.*)'/.exec(sample.expect);
  if (match?.[1] === undefined) throw new Error(`cannot read the expected message of ${sample.id}`);
  return match[1];
}

/**
 * Log levels as vault-k8s parses them (https://github.com/hashicorp/vault-k8s/blob/main/subcommand/injector/flags.go):
 * trimmed, case-insensitive; ""/notice = info, warning = warn, err = error.
 */
function levelOf(value: string): 'trace' | 'debug' | 'info' | 'warn' | 'error' {
  const level = value.trim().toLowerCase();
  if (level === 'trace' || level === 'debug') return level;
  if (level === 'warn' || level === 'warning') return 'warn';
  if (level === 'err' || level === 'error') return 'error';
  return 'info';
}

async function checkLogLevel(webhook: WebhookProcess, value: string): Promise<void> {
  const level = levelOf(value);
  // A request makes an info line ("admission"); startup already logged debug lines when enabled.
  await webhook.postReview({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'level', object: {} } });
  await webhook.waitForOutput(/Listening on/);
  const logs = webhook.logs();
  expect({ level, debug: logs.includes('[DEBUG]'), info: logs.includes('[INFO]') }).toEqual({
    level,
    debug: level === 'trace' || level === 'debug',
    info: level !== 'warn' && level !== 'error',
  });
}

async function checkMinVersion(webhook: WebhookProcess, version: string): Promise<void> {
  const tls12 = webhook.request({ path: '/health/ready', tls: { maxVersion: 'TLSv1.2' } }).then((result) => result.tls.protocol, () => 'refused');
  const tls13 = await webhook.request({ path: '/health/ready', tls: { minVersion: 'TLSv1.3' } });
  expect(tls13.tls.protocol).toBe('TLSv1.3');
  expect(await tls12).toBe(version === 'tls13' ? 'refused' : 'TLSv1.2');
}

async function checkCipherSuites(webhook: WebhookProcess, goNames: readonly string[]): Promise<void> {
  const allowed = goNames.map((name) => GO_CIPHER_TO_OPENSSL[name]).filter((name): name is string => name !== undefined);
  for (const cipher of allowed.filter((name) => !name.startsWith('TLS_'))) {
    const result = await webhook.request({ path: '/health/ready', tls: { maxVersion: 'TLSv1.2', ciphers: cipher } });
    expect(result.tls.cipher).toBe(cipher);
  }
  const outsider = ['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES128-GCM-SHA256', 'AES256-SHA'].find((name) => !allowed.includes(name))!;
  await expect(webhook.request({ path: '/health/ready', tls: { maxVersion: 'TLSv1.2', ciphers: outsider } })).rejects.toThrow();
}

/** The value a case gives a flag: its non-empty AGENT_INJECT_* variable wins, as in vault-k8s's parseEnvs. */
function setting(sample: SampleCase, flag: string): string | number | boolean | undefined {
  const definition = FLAG_DEFINITIONS.find((candidate) => candidate.name === flag);
  const fromEnv = definition === undefined ? undefined : sample.injector_flags[`env:${definition.env}`];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : sample.injector_flags[flag];
}

/** Flags the case sets both on the command line and through their AGENT_INJECT_* variable. */
function overriddenFlags(sample: SampleCase): { flag: string; flagValue: string; envValue: string }[] {
  return FLAG_DEFINITIONS.flatMap((definition) => {
    const flagValue = sample.injector_flags[definition.name];
    const envValue = sample.injector_flags[`env:${definition.env}`];
    return flagValue !== undefined && envValue !== undefined ? [{ flag: definition.name, flagValue: String(flagValue), envValue: String(envValue) }] : [];
  });
}

const SUMMARY_FIELDS: Readonly<Record<string, string>> = {
  'vault-image': 'vaultImage',
  'vault-address': 'vaultAddress',
  'vault-auth-type': 'vaultAuthType',
  'vault-auth-path': 'vaultAuthPath',
  'default-template': 'defaultTemplate',
};

async function checkEnvOverrides(webhook: WebhookProcess, sample: SampleCase): Promise<void> {
  for (const { flag, flagValue, envValue } of overriddenFlags(sample)) {
    const field = SUMMARY_FIELDS[flag];
    expect(field).toBeDefined();
    const summary = (await webhook.waitForOutput(/Starting handler\.\.:.*$/m))[0];
    expect(summary).toContain(`${field!}=${envValue}`);
    expect(summary).not.toContain(flagValue);
  }
}

describe('startup cases from the sample file', () => {
  it('has the 12 startup cases of the sample and the upstream ones', () => {
    expect(loadCases('startup')).toHaveLength(12);
    expect(cases.length).toBeGreaterThan(12);
  });

  it.each(cases.map((sample) => [sample.id, sample] as const))('%s', async (_id, sample) => {
    const message = expectedExitMessage(sample);
    const { args, env } = flagsToArgs(sample.injector_flags);
    if (message !== undefined) {
      const result = await runWebhookToExit(['-listen=127.0.0.1:0', ...args], env);
      // The flag at fault: the one (besides the address) whose non-empty value the message quotes.
      const flag = FLAG_DEFINITIONS.find((definition) => {
        const value = sample.injector_flags[definition.name];
        return definition.name !== 'vault-address' && value !== undefined && String(value) !== '' && message.includes(String(value));
      });
      expect(flag).toBeDefined();
      expect(result.code).toBe(1);
      expect(result.stderr.endsWith(` (${message})\n`)).toBe(true);
      expect(result.stderr.split('\n')).toHaveLength(2);
      expect(result.stderr.startsWith(`-${flag!.name} / ${flag!.env}: `)).toBe(true);
      return;
    }
    const suites = String(setting(sample, 'tls-cipher-suites') ?? '');
    const rsaOnly = suites !== '' && suites.split(',').every((name) => name.startsWith('TLS_RSA_'));
    const webhook = await startWebhook({ flags: sample.injector_flags, keyType: rsaOnly ? 'rsa-2048' : 'ecdsa-p256' });
    try {
      const logLevel = setting(sample, 'log-level');
      if (logLevel !== undefined) await checkLogLevel(webhook, String(logLevel));
      const minVersion = setting(sample, 'tls-min-version');
      if (minVersion !== undefined) await checkMinVersion(webhook, String(minVersion));
      if (suites !== '') await checkCipherSuites(webhook, suites.split(','));
      await checkEnvOverrides(webhook, sample);
      const health = await webhook.request({ path: '/health/ready' });
      expect(health.status).toBe(204);
    } finally {
      await webhook.stop();
    }
  });
});

describe('startup problems are all reported at once', () => {
  it('lists every problem on stderr and exits 1', async () => {
    const result = await runWebhookToExit(['-log-level=loud', '-default-template=xml', '-tls-min-version=tls9', '-tls-cipher-suites=NOPE'], {
      AGENT_INJECT_REVOKE_ON_SHUTDOWN: 'yes',
    });
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')).toEqual([
      `-revoke-on-shutdown / AGENT_INJECT_REVOKE_ON_SHUTDOWN: "yes" is not a boolean; use true or false (Error parsing environment variables: cannot parse '' as bool: strconv.ParseBool: parsing "yes": invalid syntax)`,
      '-vault-address / AGENT_INJECT_VAULT_ADDR: set the address of the Vault server (e.g. https://vault.vault.svc:8200) (No Vault service configured)',
      '-default-template / AGENT_INJECT_DEFAULT_TEMPLATE: "xml" is not a template type; use map or json (Invalid default flag type: xml)',
      '-log-level / AGENT_INJECT_LOG_LEVEL: "loud" is not a log level; use trace, debug, info, warn or error (Error setting log level: unknown log level: loud)',
      '-tls-min-version / AGENT_INJECT_TLS_MIN_VERSION: "tls9" is not a TLS version; use tls10, tls11, tls12 or tls13 (Failed to configure TLS: invalid or unsupported TLS version "tls9")',
      '',
    ]);
  });

  // One bad value per kind of flag, each from the command line and from its variable: the process
  // exits 1 before listening, naming the flag and the variable (vault-k8s would start and deny pods later).
  it.each([
    ['resource', ['-cpu-limit=lots'], {}, '-cpu-limit / AGENT_INJECT_CPU_LIMIT: "lots" is not a Kubernetes quantity (e.g. 500m)'],
    ['resource (variable)', [], { AGENT_INJECT_MEM_REQUEST: '64MB' }, '-memory-request / AGENT_INJECT_MEM_REQUEST: "64MB" is not a Kubernetes quantity (e.g. 64Mi)'],
    ['duration', ['-auth-max-backoff=5'], {}, '-auth-max-backoff / AGENT_INJECT_AUTH_MAX_BACKOFF: "5" is not a Go duration such as 30s or 1m30s'],
    ['duration (variable)', [], { VAULT_INJECTOR_SHUTDOWN_TIMEOUT: 'later' }, '-shutdown-timeout / VAULT_INJECTOR_SHUTDOWN_TIMEOUT: "later" is not a Go duration'],
    ['bool', ['-revoke-on-shutdown=yes'], {}, '-revoke-on-shutdown / AGENT_INJECT_REVOKE_ON_SHUTDOWN: "yes" is not a boolean; use true or false'],
    ['bool (variable)', [], { VAULT_INJECTOR_STRICT: 'on' }, '-strict / VAULT_INJECTOR_STRICT: "on" is not a boolean; use true or false'],
    ['enum', ['-log-format=JSON'], {}, '-log-format / AGENT_INJECT_LOG_FORMAT: "JSON" is not a log format; use standard or json'],
    ['enum (variable)', [], { AGENT_INJECT_RECONCILE_MISSED: 'fix' }, '-reconcile-missed / AGENT_INJECT_RECONCILE_MISSED: "fix" is not a mode; use off, report, dry-run or evict'],
    ['numeric id', ['-run-as-user=vault'], {}, '-run-as-user / AGENT_INJECT_RUN_AS_USER: "vault" is not a numeric id (e.g. 100)'],
    ['misspelt flag', ['-cpu-limt=1'], {}, '-cpu-limt: no such flag; did you mean -cpu-limit / AGENT_INJECT_CPU_LIMIT?'],
  ] as const)('a bad %s value exits 1 naming the flag and its variable', async (_kind, args, env, start) => {
    const result = await runWebhookToExit(['-listen=127.0.0.1:0', '-vault-address=https://v:8200', ...args], env);
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')).toHaveLength(2);
    expect(result.stderr.startsWith(start)).toBe(true);
    expect(result.stdout).not.toMatch(/Listening on/);
  });

  it('no Vault address names -vault-address and AGENT_INJECT_VAULT_ADDR', async () => {
    const result = await runWebhookToExit(['-listen=127.0.0.1:0']);
    expect({ code: result.code, stderr: result.stderr }).toEqual({
      code: 1,
      stderr: '-vault-address / AGENT_INJECT_VAULT_ADDR: set the address of the Vault server (e.g. https://vault.vault.svc:8200) (No Vault service configured)\n',
    });
  });

  it('-h prints the usage with every flag and exits 0', async () => {
    const result = await runWebhookToExit(['-h']);
    expect(result.code).toBe(0);
    for (const definition of FLAG_DEFINITIONS) expect(result.stdout).toContain(`-${definition.name}`);
  });
});
