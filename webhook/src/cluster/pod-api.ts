// The missed-pod reconciler's Kubernetes calls (PodApi) with @kubernetes/client-node: list every
// pod page by page, watch from the list's resourceVersion, create core/v1 Events, and post
// policy/v1 Evictions. Loaded lazily, like cluster-api.ts, only when -reconcile-missed is on.
// RBAC (deploy/cluster-role.yaml): pods list, watch; events create; pods/eviction create (evict
// and dry-run only, deploy/missed-pods-evict/).
/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment -- client-node's model classes stand for plain wire JSON; the API takes object literals */
import { hostname } from 'node:os';

import { CoreV1Api, Watch, type CoreV1Event, type KubeConfig, type V1Pod } from '@kubernetes/client-node';

import { ClusterApiError, toClusterApiError } from './cluster-api-error.js';
import type { PodSummary } from './missed-pods.js';
import type { PodApi, PodList, PodWatchEvent } from './missed-pod-reconciler.js';

/** Pods per list page: bounds the memory of one response on a large cluster. */
const PAGE_SIZE = 500;

export function podSummary(pod: V1Pod): PodSummary {
  const metadata = pod.metadata ?? {};
  return {
    uid: metadata.uid ?? '',
    namespace: metadata.namespace ?? '',
    name: metadata.name ?? '',
    annotations: metadata.annotations ?? {},
    ownerReferences: (metadata.ownerReferences ?? []).map((owner) => ({ kind: owner.kind, name: owner.name, ...(owner.controller !== undefined ? { controller: owner.controller } : {}) })),
    phase: pod.status?.phase,
    deleting: metadata.deletionTimestamp !== undefined,
  };
}

async function call<T>(operation: string, timeoutMs: number, run: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new ClusterApiError('timeout', `${operation}: no answer within ${timeoutMs} ms`, undefined));
    }, timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([run(), timeout]);
  } catch (error) {
    throw toClusterApiError(error, operation);
  } finally {
    clearTimeout(timer);
  }
}

export function createPodApi(kubeConfig: KubeConfig, options: { readonly timeoutMs?: number; readonly component?: string } = {}): PodApi {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const component = options.component ?? 'vault-injector';
  return {
    listPods: (continueToken) =>
      call('list pods', timeoutMs, async (): Promise<PodList> => {
        const list = await core.listPodForAllNamespaces({ limit: PAGE_SIZE, ...(continueToken !== undefined ? { _continue: continueToken } : {}) });
        return { items: list.items.map(podSummary), resourceVersion: list.metadata?.resourceVersion ?? '', continueToken: list.metadata?._continue };
      }),
    watchPods: (resourceVersion, onEvent, signal) =>
      new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          resolve();
        };
        new Watch(kubeConfig)
          .watch(
            '/api/v1/pods',
            { resourceVersion, allowWatchBookmarks: true },
            (type: string, object: V1Pod & { metadata?: { resourceVersion?: string } }) => {
              if (type === 'BOOKMARK') onEvent({ type, resourceVersion: object.metadata?.resourceVersion ?? '' });
              else if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') onEvent({ type, pod: podSummary(object) } satisfies PodWatchEvent);
              // ERROR (e.g. 410 Gone: resourceVersion too old) ends this watch; the caller relists.
            },
            (error: unknown) => {
              signal.removeEventListener('abort', onAbort);
              if (error === null || error === undefined || signal.aborted) resolve();
              else reject(toClusterApiError(error, 'watch pods'));
            },
          )
          .then((controller) => {
            if (signal.aborted) controller.abort();
            else signal.addEventListener('abort', () => { controller.abort(); onAbort(); }, { once: true });
          }, (error: unknown) => {
            reject(toClusterApiError(error, 'watch pods'));
          });
      }),
    createPodEvent: (pod, event) =>
      call(`create events for pods/${pod.name}`, timeoutMs, async () => {
        const now = new Date();
        const body: CoreV1Event = {
          metadata: { name: `${pod.name}.${now.getTime().toString(16)}${Math.floor(Math.random() * 0x1000).toString(16)}`, namespace: pod.namespace },
          involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace: pod.namespace, name: pod.name, uid: pod.uid },
          reason: event.reason,
          message: event.message,
          type: event.type,
          source: { component },
          reportingComponent: component,
          reportingInstance: hostname(),
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        };
        await core.createNamespacedEvent({ namespace: pod.namespace, body });
      }),
    evictPod: (namespace, name, dryRun) =>
      call(`create pods/${name}/eviction`, timeoutMs, async () => {
        await core.createNamespacedPodEviction({
          name,
          namespace,
          body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } },
          ...(dryRun ? { dryRun: 'All' } : {}),
        });
      }),
  };
}
