// The cloud auth methods cost nothing until used: the bundle holds no AWS SDK code (the packages
// are required from node_modules), and creating any method loads none of the vendor packages; the
// aws method loads them at its first login. Run in fresh node processes on the built output.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/repo-paths.js';

const CREATE = join(REPO_ROOT, 'dist', 'agent', 'src', 'auth', 'create-auth-method.js');

function loadedVendorModules(script: string): string[] {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' }, timeout: 30_000 });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as string[];
}

const prelude = `
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { createAuthMethod } = await import(${JSON.stringify(CREATE)});
const method = (type, config) => createAuthMethod({ type, mountPath: 'auth/' + type, namespace: undefined, wrapTtl: undefined, minBackoffMs: undefined, maxBackoffMs: undefined, exitOnError: false, config });
const vendor = () => Object.keys(require.cache).filter((file) => /node_modules\\/@(smithy|aws-sdk)\\//.test(file)).map((file) => file.replace(/^.*node_modules\\//, ''));
`;

test('creating every method loads no vendor SDK; the first aws login does', () => {
  const idle = loadedVendorModules(`${prelude}
    for (const [type, config] of [['kubernetes', { role: 'r' }], ['aws', { type: 'iam', role: 'r' }], ['gcp', { type: 'gce', role: 'r' }], ['azure', { role: 'r', resource: 'x' }], ['cert', {}], ['alicloud', { role: 'r', region: 'cn-beijing' }], ['oci', { type: 'instance', role: 'r' }]]) method(type, config);
    process.stdout.write(JSON.stringify(vendor()));`);
  expect(idle).toEqual([]);
  const afterLogin = loadedVendorModules(`${prelude}
    const plan = await method('aws', { type: 'iam', role: 'r', access_key: 'AKIDEXAMPLE', secret_key: 'secret' }).planLogin({ address: 'http://127.0.0.1:1', request: () => { throw new Error('unused'); } });
    if (plan.kind !== 'login' || plan.body.iam_http_request_method !== 'POST') throw new Error('no iam login');
    process.stdout.write(JSON.stringify(vendor()));`);
  expect(afterLogin.some((file) => file.startsWith('@smithy/signature-v4/'))).toBe(true);
});

test('the agent bundle requires the AWS SDK packages from node_modules instead of holding their code', () => {
  const bundle = readFileSync(join(REPO_ROOT, 'dist', 'agent-bundle', 'agent.cjs'), 'utf8');
  expect(bundle).toContain('require("@smithy/signature-v4")');
  expect(bundle).toContain('require("@aws-sdk/credential-provider-node")');
  // The signing algorithm's name appears only inside @smithy/signature-v4 itself.
  expect(bundle).not.toContain('AWS4-HMAC-SHA256');
});
