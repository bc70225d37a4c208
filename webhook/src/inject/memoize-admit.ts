// Pods created from one ReplicaSet, StatefulSet or Job template reach the webhook as identical
// objects (only the review's uid differs), and admit() is a pure function of (namespace, object,
// settings). Remembering recent outcomes spares a scale-up from recomputing the same patch.
import { createHash } from 'node:crypto';
import type { Settings } from '../settings/settings.js';
import type { AdmissionOutcome, AdmitFunction } from './admit.js';

/** Objects larger than this are not remembered (hashing them would cost more than it saves). */
const MAX_CACHEABLE_OBJECT_CHARS = 256 * 1024;

function withUid(outcome: AdmissionOutcome, uid: string): AdmissionOutcome {
  return { ...outcome, response: { ...outcome.response, uid } };
}

/** An admit() that remembers the last `maxEntries` outcomes (least recently used evicted first). */
export function memoizeAdmit(admit: AdmitFunction, maxEntries = 256): AdmitFunction {
  const outcomes = new Map<string, AdmissionOutcome>();
  let settingsSeen: Settings | undefined;
  return function memoizedAdmit(request, settings) {
    if (settings !== settingsSeen) {
      outcomes.clear();
      settingsSeen = settings;
    }
    const object = JSON.stringify(request.object) as string | undefined;
    if (object === undefined || object.length > MAX_CACHEABLE_OBJECT_CHARS) return admit(request, settings);
    const key = createHash('sha256')
      .update(request.namespace ?? '')
      .update('\u0000')
      .update(object)
      .digest('base64');
    const remembered = outcomes.get(key);
    if (remembered !== undefined) {
      outcomes.delete(key);
      outcomes.set(key, remembered);
      return withUid(remembered, request.uid);
    }
    const outcome = admit(request, settings);
    outcomes.set(key, outcome);
    if (outcomes.size > maxEntries) {
      const oldest = outcomes.keys().next();
      if (oldest.done !== true) outcomes.delete(oldest.value);
    }
    return outcome;
  };
}
