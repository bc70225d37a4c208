// agent-json-patch / agent-init-json-patch: decoded at defaulting time (as vault-k8s does into
// jsonpatch.Patch), so a malformed value is reported with Go's error text before anything else.
import type { Operation } from 'fast-json-patch';
import { goJsonKind, goJsonSyntaxError } from '../../../../common/src/go-json-syntax.js';

export type JsonPatchDecodeResult = { readonly ok: true; readonly operations: Operation[] } | { readonly ok: false; readonly error: string };

export function decodeJsonPatchAnnotation(annotationKey: string, text: string): JsonPatchDecodeResult {
  const fail = (detail: string): JsonPatchDecodeResult => ({
    ok: false,
    error: `error parsing JSON patch for annotation ${annotationKey}: ${detail}`,
  });
  // An empty annotation means "no patch".
  if (text === '') return { ok: true, operations: [] };
  const syntaxError = goJsonSyntaxError(text);
  if (syntaxError !== undefined) return fail(syntaxError);
  const decoded = JSON.parse(text) as unknown;
  if (decoded === null) return { ok: true, operations: [] };
  if (!Array.isArray(decoded)) return fail(`json: cannot unmarshal ${goJsonKind(decoded)} into Go value of type jsonpatch.Patch`);
  const operations: Operation[] = [];
  for (const element of decoded as unknown[]) {
    if (element === null) continue;
    if (typeof element !== 'object' || Array.isArray(element)) {
      return fail(`json: cannot unmarshal ${goJsonKind(element)} into Go value of type jsonpatch.Operation`);
    }
    operations.push(element as Operation);
  }
  return { ok: true, operations };
}
