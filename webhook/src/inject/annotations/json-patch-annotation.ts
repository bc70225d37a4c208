// agent-json-patch / agent-init-json-patch: decoded at defaulting time (as vault-k8s does into
// jsonpatch.Patch), so a malformed value is reported with Go's error text before anything else.
import type { Operation } from 'fast-json-patch';
import { goJsonSyntaxError, MAX_JSON_NESTING_DEPTH } from '../../../../common/src/go-json-syntax.js';
import { GO_ANY, goArray, goMap, goUnmarshalError } from '../../../../common/src/go-json-unmarshal.js';

// jsonpatch.Patch is []jsonpatch.Operation, and an Operation is map[string]*json.RawMessage:
// https://github.com/evanphx/json-patch/blob/v5.6.0/patch.go
const PATCH = goArray('jsonpatch.Patch', goMap('jsonpatch.Operation', GO_ANY));

export type JsonPatchDecodeResult = { readonly ok: true; readonly operations: Operation[] } | { readonly ok: false; readonly error: string };

export function decodeJsonPatchAnnotation(annotationKey: string, text: string): JsonPatchDecodeResult {
  const fail = (detail: string): JsonPatchDecodeResult => ({
    ok: false,
    error: `error parsing JSON patch for annotation ${annotationKey}: ${detail}`,
  });
  // An empty annotation means "no patch".
  if (text === '') return { ok: true, operations: [] };
  const syntaxError = goJsonSyntaxError(text);
  if (syntaxError?.endsWith('exceeded max depth') === true) return fail(`${syntaxError} (the limit is ${MAX_JSON_NESTING_DEPTH} nested arrays and objects)`);
  if (syntaxError !== undefined) return fail(syntaxError);
  const decoded = JSON.parse(text) as unknown;
  const problem = goUnmarshalError(decoded, PATCH);
  if (problem !== undefined) return fail(problem);
  // Null entries are dropped here (a null Operation has no "op").
  const operations = decoded === null ? [] : (decoded as readonly (Operation | null)[]).filter((element) => element !== null);
  return { ok: true, operations };
}
