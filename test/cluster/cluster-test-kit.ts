// Shared pieces of the cluster tests: a fake API server loaded with deploy/'s RBAC, a pino logger
// whose structured events the test can read, and waiting for a condition (never for a time).
import { Writable } from 'node:stream';

import { pino } from 'pino';

import { loadAllManifests } from '../deploy/load-manifests.js';
import { FakeKubeApi } from '../k8s-fake/fake-kube-api.js';
import { authorizerFrom } from '../k8s-fake/rbac.js';
import type { EventLogger } from '../../webhook/src/cluster/event-logger.js';

export const NAMESPACE = 'vault-injector';
export const SERVICE_ACCOUNT = `system:serviceaccount:${NAMESPACE}:vault-injector`;
export const WEBHOOK_CONFIGURATION = 'vault-injector-cfg';
export const FAST_BACKOFF = { initialMs: 10, maxMs: 200, jitter: 0.2 } as const;

export interface LogEvent {
  readonly level: number;
  readonly event?: string;
  readonly msg?: string;
  readonly [field: string]: unknown;
}

export interface CapturedLogger {
  readonly logger: EventLogger;
  readonly events: LogEvent[];
  readonly lines: string[];
}

export function captureLogger(bindings: Record<string, unknown> = {}): CapturedLogger {
  const events: LogEvent[] = [];
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter((text) => text !== '')) {
        lines.push(line);
        events.push(JSON.parse(line) as LogEvent);
      }
      done();
    },
  });
  return { logger: pino({ level: 'debug', base: bindings }, sink), events, lines };
}

/** A fake API server enforcing deploy/'s RBAC for the injector's service account (token per replica). */
export async function startFakeCluster(tokens: readonly string[] = ['replica-a', 'replica-b', 'replica-c']): Promise<FakeKubeApi> {
  const api = new FakeKubeApi();
  await api.start();
  for (const token of tokens) api.addUser(token, SERVICE_ACCOUNT);
  api.setAuthorizer(authorizerFrom(loadAllManifests().map((manifest) => manifest.object as never)));
  return api;
}

/** Seeds the webhook configuration as `kubectl apply -k deploy/` leaves it (no caBundle). */
export function seedWebhookConfiguration(api: FakeKubeApi, webhooks = 1): void {
  api.seed('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', {
    metadata: { name: WEBHOOK_CONFIGURATION },
    webhooks: Array.from({ length: webhooks }, (_unused, index) => ({
      name: index === 0 ? 'vault.hashicorp.com' : `extra-${index}.vault.hashicorp.com`,
      admissionReviewVersions: ['v1', 'v1beta1'],
      sideEffects: 'None',
      clientConfig: { service: { name: 'vault-agent-injector-svc', namespace: NAMESPACE, path: '/mutate', port: 443 } },
    })),
  });
}

/** The decoded caBundle of each webhook as stored in the fake. */
export function storedBundles(api: FakeKubeApi): string[] {
  const configuration = api.get('admissionregistration.k8s.io', 'mutatingwebhookconfigurations', undefined, WEBHOOK_CONFIGURATION) as {
    webhooks: { clientConfig: { caBundle?: string } }[];
  };
  return configuration.webhooks.map((webhook) => Buffer.from(webhook.clientConfig.caBundle ?? '', 'base64').toString('utf8'));
}

export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
