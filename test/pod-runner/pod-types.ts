// The slice of the Kubernetes Pod API the pod runner reads (corev1 field names), as plain JSON.
export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly fieldRef?: { readonly fieldPath: string } };
}

export interface ExecAction {
  readonly command: readonly string[];
}

export interface Probe {
  readonly exec?: ExecAction;
  readonly initialDelaySeconds?: number;
  readonly periodSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly failureThreshold?: number;
}

export interface Container {
  readonly name: string;
  readonly image?: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly env?: readonly EnvVar[];
  readonly volumeMounts?: readonly { readonly name: string; readonly mountPath: string; readonly readOnly?: boolean }[];
  readonly restartPolicy?: 'Always';
  readonly startupProbe?: Probe;
  readonly lifecycle?: { readonly preStop?: { readonly exec?: ExecAction } };
  readonly securityContext?: { readonly runAsUser?: number; readonly runAsGroup?: number };
  readonly workingDir?: string;
}

export interface Volume {
  readonly name: string;
  readonly emptyDir?: { readonly medium?: string };
  readonly secret?: { readonly secretName: string };
  readonly configMap?: { readonly name: string };
  readonly projected?: { readonly sources: readonly Record<string, unknown>[] };
}

export interface Pod {
  readonly metadata?: { readonly name?: string; readonly generateName?: string; readonly namespace?: string; readonly annotations?: Record<string, string> };
  readonly spec: {
    readonly initContainers?: readonly Container[];
    readonly containers: readonly Container[];
    readonly volumes?: readonly Volume[];
    readonly restartPolicy?: 'Always' | 'OnFailure' | 'Never';
    readonly serviceAccountName?: string;
    readonly terminationGracePeriodSeconds?: number;
    readonly securityContext?: { readonly runAsUser?: number; readonly runAsGroup?: number };
  };
}
