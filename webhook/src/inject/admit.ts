// admit: the pure core of the webhook. (AdmissionRequest, Settings) → AdmissionOutcome.
// No clock, randomness, env or I/O in here or below.
import type { AdmissionRequest, AdmissionResponse } from '../http/admission-review.js';
import type { Settings } from '../settings/settings.js';

export type InjectionType = 'init_and_sidecar' | 'init_only' | 'sidecar_only';

export type AdmissionOutcome =
  | { readonly decision: 'injected'; readonly response: AdmissionResponse; readonly injectionType: InjectionType | undefined }
  | { readonly decision: 'skipped'; readonly response: AdmissionResponse; readonly reason: string }
  | { readonly decision: 'denied'; readonly response: AdmissionResponse; readonly reason: string };

/** Placeholder allowing every pod untouched until the injection core lands (issue 3). */
export function admit(request: AdmissionRequest, settings: Settings): AdmissionOutcome {
  void settings;
  return { decision: 'skipped', reason: 'injection core not implemented yet', response: { uid: request.uid, allowed: true } };
}
