// Pods created from one ReplicaSet, StatefulSet or Job template reach the webhook as identical
// objects (only the review's uid differs), and admit() is a pure function of (namespace, object,
// settings). Remembering recent outcomes spares a scale-up from recomputing the same patch.
import { createHash } from 'node:crypto';
import type { Settings } from '../settings/settings.js';
import type { AdmissionOutcome, AdmitFunction } from './admit.js';
import type { AdmissionRequest } from './admission-review.js';

/** Objects (or review texts) larger than this are not remembered (hashing them would cost more than it saves). */
const MAX_CACHEABLE_OBJECT_CHARS = 256 * 1024;

function withUid(outcome: AdmissionOutcome, uid: string): AdmissionOutcome {
  return { ...outcome, response: { ...outcome.response, uid } };
}

/**
 * The cache key. From the review's own text when the route passes it (parse once: no second
 * serialisation of a ~3 KB object): that text with the request's `"uid":"…"` cut out, plus where
 * it was cut. Equal keys then mean texts that differ at most in that one uid literal, hence the
 * same namespace and object (if the literal cut was not the request's uid field, the request uid
 * sits in the remaining text, so both texts carry the same uid and are equal). Without the text,
 * or when the uid literal is not found, the namespace and the re-serialised object are hashed.
 */
function cacheKey(request: AdmissionRequest, reviewText: string | undefined): string | undefined {
  const hash = createHash('sha256');
  if (reviewText !== undefined) {
    if (reviewText.length > MAX_CACHEABLE_OBJECT_CHARS) return undefined;
    const uidField = `"uid":${JSON.stringify(request.uid)}`;
    const at = reviewText.indexOf(uidField);
    if (at >= 0) {
      return `${at}:${hash.update(reviewText.slice(0, at)).update(reviewText.slice(at + uidField.length)).digest('base64')}`;
    }
  }
  const object = JSON.stringify(request.object) as string | undefined;
  if (object === undefined || object.length > MAX_CACHEABLE_OBJECT_CHARS) return undefined;
  return `object:${hash.update(request.namespace ?? '').update('\u0000').update(object).digest('base64')}`;
}

/** Characters of remembered patches kept at most (a 256 KiB pod's patch can be a few MiB). */
const MAX_REMEMBERED_PATCH_CHARS = 16 * 1024 * 1024;

function patchChars(outcome: AdmissionOutcome): number {
  return outcome.response.patch?.length ?? 0;
}

/**
 * An admit() that remembers the last `maxEntries` outcomes (least recently used evicted first),
 * never holding more than `maxPatchChars` of patch text in all. An outcome is kept from its key's
 * second sighting: the first only notes the key (at most `maxEntries * 4` noted keys), so a storm
 * of never-repeated pods does not push ~15 KB outcomes into the old generation only to evict them
 * (docs/performance.md "Sixth round"), while a ReplicaSet's third pod on is answered from memory.
 */
export function memoizeAdmit(admit: AdmitFunction, maxEntries = 256, maxPatchChars = MAX_REMEMBERED_PATCH_CHARS): AdmitFunction {
  const outcomes = new Map<string, AdmissionOutcome>();
  const sighted = new Set<string>();
  let held = 0;
  let settingsSeen: Settings | undefined;
  const evictOldest = (): void => {
    const oldest = outcomes.entries().next();
    if (oldest.done === true) return;
    outcomes.delete(oldest.value[0]);
    held -= patchChars(oldest.value[1]);
  };
  return function memoizedAdmit(request, settings, reviewText) {
    if (settings !== settingsSeen) {
      outcomes.clear();
      sighted.clear();
      held = 0;
      settingsSeen = settings;
    }
    const key = cacheKey(request, reviewText);
    if (key === undefined) return admit(request, settings);
    const remembered = outcomes.get(key);
    if (remembered !== undefined) {
      outcomes.delete(key);
      outcomes.set(key, remembered);
      return withUid(remembered, request.uid);
    }
    if (!sighted.has(key)) {
      sighted.add(key);
      if (sighted.size > maxEntries * 4) {
        const oldest = sighted.values().next();
        if (oldest.done !== true) sighted.delete(oldest.value);
      }
      return admit(request, settings);
    }
    sighted.delete(key);
    const outcome = admit(request, settings);
    if (patchChars(outcome) > maxPatchChars) return outcome;
    outcomes.set(key, outcome);
    held += patchChars(outcome);
    while (outcomes.size > maxEntries || held > maxPatchChars) evictOldest();
    return outcome;
  };
}
