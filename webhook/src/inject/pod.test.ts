import { decodePod } from './pod.js';

function errorOf(object: unknown): string | undefined {
  const decoded = decodePod(object);
  return decoded.ok ? undefined : decoded.error;
}

const container = (extra: Record<string, unknown>): Record<string, unknown> => ({ name: 'app', ...extra });

describe('decodePod: Go encoding/json type errors and the API server guarantees', () => {
  it.each([
    [5, 'json: cannot unmarshal number into Go value of type v1.Pod'],
    [[], 'json: cannot unmarshal array into Go value of type v1.Pod'],
    [{ metadata: 'x' }, 'json: cannot unmarshal string into Go struct field Pod.metadata of type v1.ObjectMeta'],
    [{ metadata: { name: 1 } }, 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string'],
    [{ metadata: { annotations: [] } }, 'json: cannot unmarshal array into Go struct field ObjectMeta.metadata.annotations of type map[string]string'],
    [{ metadata: { annotations: { a: true } } }, 'json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.annotations of type string'],
    [{ metadata: { labels: { a: 1 } } }, 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string'],
    [{ spec: { containers: {} } }, 'json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container'],
    [{ spec: { containers: ['x'] } }, 'json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type v1.Container'],
    [{ spec: { containers: [null] } }, 'invalid pod: null entry in spec.containers'],
    [{ spec: { containers: [{ image: 'x' }] } }, 'invalid pod: Container without required field "name" in spec.containers'],
    [{ spec: { containers: [{ name: null }] } }, 'invalid pod: Container without required field "name" in spec.containers'],
    [{ spec: { containers: [container({ image: 3 })] } }, 'json: cannot unmarshal number into Go struct field Container.spec.containers.image of type string'],
    [{ spec: { initContainers: [container({ securityContext: { runAsUser: 1.5 } })] } }, 'json: cannot unmarshal number into Go struct field SecurityContext.spec.initContainers.securityContext.runAsUser of type int64'],
    [{ spec: { containers: [container({ securityContext: { runAsUser: '1' } })] } }, 'json: cannot unmarshal string into Go struct field SecurityContext.spec.containers.securityContext.runAsUser of type int64'],
    [{ spec: { containers: [container({ volumeMounts: [{ name: 'v' }] })] } }, 'invalid pod: VolumeMount without required field "mountPath" in spec.containers.volumeMounts'],
    [{ spec: { containers: [container({ volumeMounts: [{ name: 'v', mountPath: '/m', readOnly: 'no' }] })] } }, 'json: cannot unmarshal string into Go struct field VolumeMount.spec.containers.volumeMounts.readOnly of type bool'],
    [{ spec: { containers: [container({ env: [{ value: 'x' }] })] } }, 'invalid pod: EnvVar without required field "name" in spec.containers.env'],
    [{ spec: { containers: [container({ env: [null] })] } }, 'invalid pod: null entry in spec.containers.env'],
    [{ spec: { volumes: [{ name: 'v', projected: { sources: [{ serviceAccountToken: { path: 1 } }] } }] } }, 'json: cannot unmarshal number into Go struct field ServiceAccountTokenProjection.spec.volumes.projected.sources.serviceAccountToken.path of type string'],
    [{ spec: { volumes: [{}] } }, 'invalid pod: Volume without required field "name" in spec.volumes'],
    [{ spec: { shareProcessNamespace: 'true' } }, 'json: cannot unmarshal string into Go struct field PodSpec.spec.shareProcessNamespace of type bool'],
    [{ status: { phase: 1 } }, 'json: cannot unmarshal number into Go struct field PodStatus.status.phase of type string'],
    [undefined, 'unexpected end of JSON input'],
  ])('%j → %s', (object, error) => {
    expect(errorOf(object)).toBe(error);
  });

  it.each([
    [null],
    [{}],
    [{ metadata: null, spec: null, status: null, kind: 5 }],
    [{ metadata: { annotations: { a: null }, uid: 5 }, spec: { containers: [container({ securityContext: { runAsUser: 1000 }, ports: 'x' })], volumes: null } }],
  ])('accepts %j', (object) => {
    expect(errorOf(object)).toBeUndefined();
  });
});
