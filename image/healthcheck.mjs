// Docker HEALTHCHECK for the webhook image (Kubernetes ignores it and uses the Deployment's
// probes). Exec form, so the image needs no shell. The port comes from AGENT_INJECT_LISTEN
// (default :8080); the certificate is the injector's own, so it is not verified here: this only
// asks whether the process serves /health/ready.
import { request } from 'node:https';

const listen = process.env.AGENT_INJECT_LISTEN || ':8080';
const port = Number(listen.slice(listen.lastIndexOf(':') + 1)) || 8080;

const probe = request(
  { host: '127.0.0.1', port, path: '/health/ready', method: 'GET', rejectUnauthorized: false, timeout: 4000 },
  (response) => {
    response.resume();
    process.exitCode = response.statusCode !== undefined && response.statusCode < 300 ? 0 : 1;
  },
);
probe.on('timeout', () => probe.destroy(new Error('timed out')));
probe.on('error', (error) => {
  process.stderr.write(`healthcheck: ${error.message}\n`);
  process.exitCode = 1;
});
probe.end();
