// Makes the bundle's code cache from a representative run instead of compiling every function
// (scripts/build-agent-bundle.mjs runs this file as a child process: `node code-cache-trainer.js
// BUNDLE OUT`). The run is what vault-k8s injects by default: an init-mode agent, kubernetes auth,
// a file sink, one Go template reading a KV v2 secret; it is served by a loopback stand-in for the
// four Vault endpoints that run calls. V8's cache made after running holds bytecode for the
// functions that ran (https://nodejs.org/api/vm.html#scriptcreatecacheddata), about 45 % of the
// eager cache: less to read and deserialize at start, and no bytecode held for code the agent
// never runs (docs/performance.md, "Experiments → Agent"). Anything else compiles lazily as usual.
// A child process, because the agent arms an unref'd process.exit timer and signal handlers, and
// because V8 accepts a cache only under the flags it was made with: this process has no V8 flags.
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { digestOf } from './code-cached-script.js';

const TOKEN = 'hvs.code-cache-training-token';

/** Replies as Vault would for the four requests the training run makes; 404 for anything else. */
function answer(request: IncomingMessage, response: ServerResponse): void {
  const path = (request.url ?? '').split('?')[0] ?? '';
  const reply = (status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
  };
  request.resume();
  request.once('end', () => {
    if (request.method === 'PUT' || request.method === 'POST') {
      if (path === '/v1/auth/kubernetes/login') {
        reply(200, { request_id: 'r1', lease_id: '', renewable: false, lease_duration: 0, data: null, auth: { client_token: TOKEN, accessor: 'a1', policies: ['default', 'app'], token_policies: ['default', 'app'], metadata: { role: 'app' }, lease_duration: 3600, renewable: true, entity_id: 'e1', token_type: 'service', orphan: true } });
        return;
      }
    } else if (path === '/v1/sys/internal/ui/mounts/secret/data/app/config') {
      reply(200, { request_id: 'r2', lease_id: '', renewable: false, lease_duration: 0, data: { path: 'secret/', type: 'kv', options: { version: '2' }, description: '', accessor: 'kv_1', config: {}, local: false, seal_wrap: false, external_entropy_access: false, uuid: 'u1' } });
      return;
    } else if (path === '/v1/secret/data/app/config') {
      reply(200, { request_id: 'r3', lease_id: '', renewable: false, lease_duration: 0, data: { data: { username: 'app', password: 'training', port: 5432 }, metadata: { created_time: '2024-01-01T00:00:00.000000000Z', custom_metadata: null, deletion_time: '', destroyed: false, version: 1 } }, wrap_info: null, warnings: null, auth: null });
      return;
    }
    reply(404, { errors: [] });
  });
}

async function train(bundleFile: string, outFile: string): Promise<void> {
  const text = readFileSync(bundleFile, 'utf8');
  const digest = digestOf(text);
  if (digest === undefined) throw new Error(`${bundleFile} has no digest line`);
  const server = createServer(answer);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const dir = mkdtempSync(join(tmpdir(), 'agent-code-cache-'));
  try {
    writeFileSync(join(dir, 'jwt'), 'training-service-account-jwt');
    const config = join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        auto_auth: { method: { type: 'kubernetes', mount_path: 'auth/kubernetes', config: { role: 'app', token_path: join(dir, 'jwt') } }, sink: [{ type: 'file', config: { path: join(dir, 'token') } }] },
        exit_after_auth: true,
        pid_file: join(dir, 'pidfile'),
        vault: { address: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
        template: [{ destination: join(dir, 'out', 'config'), contents: '{{ with secret "secret/data/app/config" }}{{ range $k, $v := .Data.data }}{{ $k }}={{ $v }}\n{{ end }}{{ end }}' }],
        template_config: { exit_on_retry_failure: true },
      }),
    );
    // As runCodeCachedScript loads it, minus the cache.
    const script = new Script(text, { filename: bundleFile });
    const module = { exports: {} as { runAgentCli: (argv: readonly string[]) => Promise<number> } };
    (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(bundleFile), module, bundleFile, dirname(bundleFile));
    const code = await module.exports.runAgentCli(['agent', `-config=${config}`]);
    const rendered = readFileSync(join(dir, 'out', 'config'), 'utf8');
    if (code !== 0 || !rendered.includes('password=training')) throw new Error(`the training run failed (exit ${code})`);
    writeFileSync(outFile, Buffer.concat([Buffer.from(digest, 'ascii'), script.createCachedData()]));
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const [bundleFile, outFile] = process.argv.slice(2);
if (bundleFile === undefined || outFile === undefined) {
  process.stderr.write('usage: node code-cache-trainer.js BUNDLE OUT\n');
  process.exit(2);
}
train(bundleFile, outFile).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`code cache training: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
