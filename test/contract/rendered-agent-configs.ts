// The agent configuration documents an admission produced: the decoded VAULT_CONFIG of every agent
// container the patch added (vault-agent-init, vault-agent — wherever it sits), as text.
import { Buffer } from 'node:buffer';
import type { AdmissionResponse } from '../../webhook/src/inject/admission-review.js';
import { applyPodPatch } from '../helpers/api-server-validator.js';
import { decodePatch } from '../helpers/vault-k8s-cases.js';

export interface RenderedAgentConfig {
  /** The agent container's name in the patched pod. */
  readonly container: string;
  /** The document as the agent reads it (base64-decoded VAULT_CONFIG). */
  readonly text: string;
}

interface Container {
  readonly name?: string;
  readonly env?: readonly { readonly name: string; readonly value?: string }[];
}

export function renderedAgentConfigs(pod: unknown, response: AdmissionResponse): RenderedAgentConfig[] {
  const patch = decodePatch(response);
  if (patch === undefined) return [];
  const patched = applyPodPatch(pod, patch) as { spec?: { initContainers?: Container[]; containers?: Container[] } };
  const original = pod as typeof patched;
  const before = new Set([...(original.spec?.initContainers ?? []), ...(original.spec?.containers ?? [])].map((c) => c.name));
  const added = [...(patched.spec?.initContainers ?? []), ...(patched.spec?.containers ?? [])].filter((c) => !before.has(c.name));
  return added.flatMap((container) => {
    const encoded = container.env?.find((variable) => variable.name === 'VAULT_CONFIG')?.value;
    if (encoded === undefined) return [];
    return [{ container: container.name ?? '', text: Buffer.from(encoded, 'base64').toString('utf8') }];
  });
}
