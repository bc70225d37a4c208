// The Kubernetes API calls the injector makes, as a small interface over plain data. This is the
// one module that loads @kubernetes/client-node at run time (everything else imports its types
// only), and it is itself imported lazily, only under -tls-auto.
//
// Calls (and so RBAC, see deploy/): MutatingWebhookConfiguration get + patch (JSON patch);
// Secret get, create, update; Lease get, create, update. Nothing lists or watches.
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment -- client-node's model classes stand for plain wire JSON; the API takes object literals */
import {
  AdmissionregistrationV1Api,
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  V1MicroTime,
  type V1Lease,
  type V1MutatingWebhookConfiguration,
  type V1Secret,
} from '@kubernetes/client-node';

import { ClusterApiError, toClusterApiError } from './cluster-api-error.js';

export interface ObjectReference {
  readonly name: string;
  readonly namespace: string;
  /** Set on everything read; sent back on update for optimistic concurrency (409 when stale). */
  readonly resourceVersion?: string;
}

export interface WebhookConfiguration {
  readonly name: string;
  readonly resourceVersion: string | undefined;
  /** One entry per webhook, in order; caBundle is the base64 text stored in the object. */
  readonly webhooks: readonly { readonly name: string; readonly caBundle: string | undefined }[];
}

export interface JsonPatchOperation {
  readonly op: 'add' | 'replace' | 'test';
  readonly path: string;
  readonly value: unknown;
}

export interface SecretObject extends ObjectReference {
  /** Decoded values (UTF-8 text: PEM here). */
  readonly data: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  /** Kept as read so an update does not drop e.g. kubectl's last-applied-configuration. */
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface LeaseObject extends ObjectReference {
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number | undefined;
  readonly acquireTime: Date | undefined;
  readonly renewTime: Date | undefined;
  readonly leaseTransitions: number;
}

export interface ClusterApi {
  readWebhookConfiguration(name: string): Promise<WebhookConfiguration>;
  patchWebhookConfiguration(name: string, operations: readonly JsonPatchOperation[]): Promise<WebhookConfiguration>;
  readSecret(namespace: string, name: string): Promise<SecretObject>;
  createSecret(secret: SecretObject): Promise<SecretObject>;
  replaceSecret(secret: SecretObject): Promise<SecretObject>;
  readLease(namespace: string, name: string): Promise<LeaseObject>;
  createLease(lease: LeaseObject): Promise<LeaseObject>;
  replaceLease(lease: LeaseObject): Promise<LeaseObject>;
}

export interface ClusterApiOptions {
  /** Per-call deadline; a hung connection must not stall the loops. */
  readonly timeoutMs?: number;
}

/** In-cluster service account when running in a pod; KUBECONFIG or ~/.kube/config otherwise. */
export function loadKubeConfig(): KubeConfig {
  const config = new KubeConfig();
  config.loadFromDefault();
  return config;
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, operation: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new ClusterApiError('timeout', `${operation}: no answer within ${timeoutMs} ms`, undefined));
    }, timeoutMs);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

async function call<T>(operation: string, timeoutMs: number, run: () => Promise<T>): Promise<T> {
  try {
    return await withTimeout(run(), timeoutMs, operation);
  } catch (error) {
    throw toClusterApiError(error, operation);
  }
}

function decodeData(data: Readonly<Record<string, string>> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]));
}

function encodeData(data: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, Buffer.from(value, 'utf8').toString('base64')]));
}

function fromWebhookConfiguration(object: V1MutatingWebhookConfiguration): WebhookConfiguration {
  return {
    name: object.metadata?.name ?? '',
    resourceVersion: object.metadata?.resourceVersion,
    webhooks: (object.webhooks ?? []).map((webhook) => ({ name: webhook.name, caBundle: webhook.clientConfig.caBundle })),
  };
}

function fromSecret(object: V1Secret): SecretObject {
  const labels = object.metadata?.labels;
  const annotations = object.metadata?.annotations;
  return {
    name: object.metadata?.name ?? '',
    namespace: object.metadata?.namespace ?? '',
    ...(object.metadata?.resourceVersion !== undefined ? { resourceVersion: object.metadata.resourceVersion } : {}),
    data: decodeData(object.data),
    ...(labels !== undefined ? { labels } : {}),
    ...(annotations !== undefined ? { annotations } : {}),
  };
}

function toSecret(secret: SecretObject): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: secret.name,
      namespace: secret.namespace,
      ...(secret.resourceVersion !== undefined ? { resourceVersion: secret.resourceVersion } : {}),
      ...(secret.labels !== undefined ? { labels: { ...secret.labels } } : {}),
      ...(secret.annotations !== undefined ? { annotations: { ...secret.annotations } } : {}),
    },
    type: 'Opaque',
    data: encodeData(secret.data),
  };
}

/** client-node leaves MicroTime fields as the wire string on read (no deserializer for it). */
function readTime(value: unknown): Date | undefined {
  if (value instanceof Date) return value;
  if (typeof value !== 'string' || value === '') return undefined;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}

function fromLease(object: V1Lease): LeaseObject {
  const spec = object.spec ?? {};
  return {
    name: object.metadata?.name ?? '',
    namespace: object.metadata?.namespace ?? '',
    ...(object.metadata?.resourceVersion !== undefined ? { resourceVersion: object.metadata.resourceVersion } : {}),
    holderIdentity: spec.holderIdentity ?? '',
    leaseDurationSeconds: spec.leaseDurationSeconds,
    acquireTime: readTime(spec.acquireTime),
    renewTime: readTime(spec.renewTime),
    leaseTransitions: spec.leaseTransitions ?? 0,
  };
}

function toLease(lease: LeaseObject): V1Lease {
  // MicroTime: the API server only accepts RFC 3339 with six fractional digits.
  const micro = (time: Date | undefined): V1MicroTime | undefined => (time === undefined ? undefined : new V1MicroTime(time.getTime()));
  const acquireTime = micro(lease.acquireTime);
  const renewTime = micro(lease.renewTime);
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: lease.name,
      namespace: lease.namespace,
      ...(lease.resourceVersion !== undefined ? { resourceVersion: lease.resourceVersion } : {}),
    },
    spec: {
      holderIdentity: lease.holderIdentity,
      ...(lease.leaseDurationSeconds !== undefined ? { leaseDurationSeconds: lease.leaseDurationSeconds } : {}),
      ...(acquireTime !== undefined ? { acquireTime } : {}),
      ...(renewTime !== undefined ? { renewTime } : {}),
      leaseTransitions: lease.leaseTransitions,
    },
  };
}

export function createClusterApi(kubeConfig: KubeConfig, options: ClusterApiOptions = {}): ClusterApi {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const admission = kubeConfig.makeApiClient(AdmissionregistrationV1Api);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const coordination = kubeConfig.makeApiClient(CoordinationV1Api);
  return {
    readWebhookConfiguration: (name) =>
      call(`get mutatingwebhookconfigurations/${name}`, timeoutMs, async () =>
        fromWebhookConfiguration(await admission.readMutatingWebhookConfiguration({ name })),
      ),
    // client-node sends the first media type it supports for patch: application/json-patch+json.
    patchWebhookConfiguration: (name, operations) =>
      call(`patch mutatingwebhookconfigurations/${name}`, timeoutMs, async () =>
        fromWebhookConfiguration(await admission.patchMutatingWebhookConfiguration({ name, body: operations })),
      ),
    readSecret: (namespace, name) =>
      call(`get secrets/${name}`, timeoutMs, async () => fromSecret(await core.readNamespacedSecret({ namespace, name }))),
    createSecret: (secret) =>
      call(`create secrets/${secret.name}`, timeoutMs, async () =>
        fromSecret(await core.createNamespacedSecret({ namespace: secret.namespace, body: toSecret(secret) })),
      ),
    replaceSecret: (secret) =>
      call(`update secrets/${secret.name}`, timeoutMs, async () =>
        fromSecret(await core.replaceNamespacedSecret({ namespace: secret.namespace, name: secret.name, body: toSecret(secret) })),
      ),
    readLease: (namespace, name) =>
      call(`get leases/${name}`, timeoutMs, async () => fromLease(await coordination.readNamespacedLease({ namespace, name }))),
    createLease: (lease) =>
      call(`create leases/${lease.name}`, timeoutMs, async () =>
        fromLease(await coordination.createNamespacedLease({ namespace: lease.namespace, body: toLease(lease) })),
      ),
    replaceLease: (lease) =>
      call(`update leases/${lease.name}`, timeoutMs, async () =>
        fromLease(await coordination.replaceNamespacedLease({ namespace: lease.namespace, name: lease.name, body: toLease(lease) })),
      ),
  };
}
