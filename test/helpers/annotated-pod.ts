// An AdmissionRequest for pods CREATE of a small annotated pod (agent-inject and role set, the
// service-account token volume mounted in each container), for admission tests that vary only
// the annotations.
import type { AdmissionRequest } from '../../webhook/src/inject/admission-review.js';
import { SA_MOUNT_PATH, SA_VOLUME } from './pod-arbitraries.js';

export function annotatedPodRequest(annotations: Record<string, string>, containers = 1): AdmissionRequest {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'apps', annotations: { 'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/role': 'app', ...annotations } },
    spec: {
      serviceAccountName: 'app',
      volumes: [{ name: SA_VOLUME, projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }],
      containers: Array.from({ length: containers }, (_, i) => ({
        name: `app${i}`,
        image: 'app',
        volumeMounts: [{ name: SA_VOLUME, mountPath: SA_MOUNT_PATH, readOnly: true }],
      })),
    },
  };
  return { uid: 'u1', kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' }, namespace: 'apps', operation: 'CREATE', object: pod };
}
