// vault.hashicorp.com/* keys the injector does not understand, reported as admission warnings
// (kubectl prints them) with a "did you mean" suggestion: vault-k8s silently ignores typos.
import { closestMatch } from '../../../../common/src/edit-distance.js';
import { ANNOTATION_FAMILIES, ANNOTATION_PREFIX, POD_ANNOTATIONS, annotationKey } from './registry.js';

const KNOWN = new Set<string>(Object.values(POD_ANNOTATIONS));
const FAMILIES: readonly string[] = Object.values(ANNOTATION_FAMILIES);

// The checks below on whole keys, so a key we know costs one set lookup or one regular-expression
// test (no short name cut out, no loop over the families): every annotation of every pod passes here.
const KNOWN_KEYS = new Set<string>([...KNOWN].map(annotationKey));
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** A key under the prefix made of a family prefix and at least one more character. */
const FAMILY_MEMBER_KEY = new RegExp(`^${escapeRegExp(ANNOTATION_PREFIX)}(?:${FAMILIES.map(escapeRegExp).join('|')})[\\s\\S]`);

/**
 * Work budget of the suggestion: the edit distance costs length × length per candidate, so keys
 * whose name part is longer than a Kubernetes qualified name allows (63 characters, see
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/#syntax-and-character-set)
 * get no suggestion: no real annotation is that long, and a 12 KB key must not stall admission.
 */
export const MAX_SUGGESTED_NAME_LENGTH = 63;
/** Longer keys are shown truncated in the warning, so the reply stays small. */
const MAX_SHOWN_KEY_LENGTH = 120;
/**
 * Unknown keys warned about one by one (each with its suggestion); the rest are counted in one
 * summary warning. 32,000 unknown keys otherwise cost 20 s of suggestions and a 4 MB reply.
 */
export const MAX_UNKNOWN_ANNOTATION_WARNINGS = 20;

function suggestion(shortName: string): string | undefined {
  if (shortName.length > MAX_SUGGESTED_NAME_LENGTH) return undefined;
  return closestMatch(shortName, [...KNOWN, ...FAMILIES.map((family) => `${family}${shortName.split('-').pop() ?? ''}`)]);
}

/** Warnings for annotation keys under the prefix that match no annotation or family. */
export function unknownAnnotationWarnings(keys: Iterable<string>): string[] {
  const warnings: string[] = [];
  let unwarned = 0;
  for (const key of keys) {
    if (!key.startsWith(ANNOTATION_PREFIX) || KNOWN_KEYS.has(key) || FAMILY_MEMBER_KEY.test(key)) continue;
    const shortName = key.slice(ANNOTATION_PREFIX.length);
    if (warnings.length === MAX_UNKNOWN_ANNOTATION_WARNINGS) {
      unwarned += 1;
      continue;
    }
    const hint = suggestion(shortName);
    const shown = key.length > MAX_SHOWN_KEY_LENGTH ? `${key.slice(0, MAX_SHOWN_KEY_LENGTH)}… (${key.length} characters)` : key;
    warnings.push(`unknown annotation ${shown} is ignored${hint === undefined ? '' : ` (did you mean ${ANNOTATION_PREFIX}${hint}?)`}`);
  }
  if (unwarned > 0) warnings.push(`${unwarned} more unknown ${ANNOTATION_PREFIX}* annotations are ignored`);
  return warnings;
}
