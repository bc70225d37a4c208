// Admission warnings with a kind. The message goes back to the API server (kubectl prints it) and
// into the admission log line; the kind, one of a small fixed set, labels the warnings counter
// (webhook/src/metrics.ts) so a metric never carries annotation keys or values as labels.

export const WARNING_KINDS = {
  /** A vault.hashicorp.com/* key the injector does not understand (vault-k8s ignores it silently). */
  unknownAnnotation: 'unknown_annotation',
  /** agent-inject-containers lists a name that is not a container of the pod (others match). */
  unknownContainer: 'unknown_container',
  /** A Go template (secret, default or agent-env-*) the agent would fail to parse. */
  templateSyntax: 'template_syntax',
  /** The pod already defines a volume the injector would add; the pod's is used. */
  podVolumeReused: 'pod_volume_reused',
  /** The chosen agent image lacks something the pod asked for (our agent's launcher or ready file). */
  agentImage: 'agent_image',
  /** A native sidecar with agent-configmap: the ConfigMap must ask for the ready file. */
  configMapReadyFile: 'configmap_ready_file',
} as const;

export type WarningKind = (typeof WARNING_KINDS)[keyof typeof WARNING_KINDS];

export interface AdmissionWarning {
  readonly kind: WarningKind;
  readonly message: string;
}

export function warningsOf(kind: WarningKind, messages: readonly string[]): AdmissionWarning[] {
  return messages.map((message) => ({ kind, message }));
}
