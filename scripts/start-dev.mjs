// `npm start`: runs the built webhook on https://127.0.0.1:8080 with a freshly generated CA and
// serving certificate and a default Vault address, then prints a curl command that sends it the
// sample AdmissionReview. Extra arguments are passed to `agent-inject` (e.g. -log-format=json);
// AGENT_INJECT_* variables in the environment apply as usual.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli', 'main.js');
const sample = join(root, 'docs', 'examples', 'admission-review.json');
const listen = '127.0.0.1:8080';
const defaultVaultAddress = 'https://vault.vault.svc:8200';

const { generateCa, generateLeaf } = await import(join(root, 'dist', 'webhook', 'src', 'tls', 'x509.js'));
const certDir = mkdtempSync(join(tmpdir(), 'vault-injector-dev-'));
const now = new Date();
const ca = await generateCa({ now });
const leaf = await generateLeaf(ca, { now, hosts: ['localhost', '127.0.0.1'] });
const caFile = join(certDir, 'ca.crt');
writeFileSync(caFile, ca.certPem);
writeFileSync(join(certDir, 'tls.crt'), leaf.certPem);
writeFileSync(join(certDir, 'tls.key'), leaf.keyPem, { mode: 0o600 });

const args = [
  cli,
  'agent-inject',
  `-listen=${listen}`,
  `-vault-address=${defaultVaultAddress}`,
  `-tls-cert-file=${join(certDir, 'tls.crt')}`,
  `-tls-key-file=${join(certDir, 'tls.key')}`,
  ...process.argv.slice(2),
];
const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });

let announced = false;
child.stdout.setEncoding('utf8');
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  if (!announced && chunk.includes('Listening on')) {
    announced = true;
    const samplePath = relative(process.cwd(), sample) || sample;
    process.stdout.write(
      [
        '',
        `vault-injector webhook is up on https://${listen} (Vault address ${defaultVaultAddress}; CA in ${caFile}).`,
        'Send it the sample AdmissionReview:',
        '',
        `  curl -sS --cacert ${caFile} -H 'Content-Type: application/json' --data @${samplePath} https://${listen}/mutate`,
        '',
        'Decode the JSON patch it returns (needs jq):',
        '',
        `  curl -s --cacert ${caFile} -H 'Content-Type: application/json' --data @${samplePath} https://${listen}/mutate | jq -r .response.patch | base64 -d | jq .`,
        '',
        `Health: curl --cacert ${caFile} -i https://${listen}/health/ready    Stop: Ctrl-C`,
        '',
      ].join('\n'),
    );
  }
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => {
  rmSync(certDir, { recursive: true, force: true });
  process.exitCode = code ?? (signal === null ? 1 : 0);
});
