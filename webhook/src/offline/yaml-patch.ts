// Applies a JSON Patch (RFC 6902) to a node inside a YAML document, so `inject` can write the
// injected manifest with the user's comments, key order and layout kept: only the nodes the patch
// touches are created or replaced. Paths are JSON Pointers (RFC 6901) relative to `base`.
// The webhook's patches use add, replace and remove only (see build/plan-patch.ts); any other op is
// refused rather than approximated.
import { type Document, isMap, isSeq, type Node } from 'yaml';
import type { Operation } from 'fast-json-patch';

export class YamlPatchError extends Error {}

/** RFC 6901: "~1" is "/", "~0" is "~" (in that order). */
function pointerTokens(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new YamlPatchError(`JSON pointer ${JSON.stringify(pointer)} does not start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function seqIndex(token: string, length: number, allowEnd: boolean): number {
  if (token === '-' && allowEnd) return length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new YamlPatchError(`${JSON.stringify(token)} is not an array index`);
  const index = Number(token);
  if (index > length || (!allowEnd && index === length)) throw new YamlPatchError(`array index ${index} is out of range`);
  return index;
}

function child(node: unknown, token: string): unknown {
  if (isSeq(node)) return node.items[seqIndex(token, node.items.length, false)];
  if (isMap(node)) return node.get(token, true);
  throw new YamlPatchError(`cannot descend into ${JSON.stringify(token)}: its parent is not a map or sequence`);
}

function parentOf(document: Document, base: readonly (string | number)[], tokens: readonly string[]): Node {
  let node: unknown = document.getIn(base, true);
  for (const token of tokens.slice(0, -1)) node = child(node, token);
  if (!isMap(node) && !isSeq(node)) throw new YamlPatchError(`the parent of /${tokens.join('/')} is not a map or sequence`);
  return node;
}

function addOrReplace(document: Document, parent: Node, last: string, operation: Operation & { op: 'add' | 'replace' }): void {
  const node = document.createNode(operation.value);
  if (isSeq(parent)) {
    const index = seqIndex(last, parent.items.length, operation.op === 'add');
    parent.items.splice(index, operation.op === 'add' ? 0 : 1, node);
    return;
  }
  if (!isMap(parent)) return;
  if (operation.op === 'replace' && !parent.has(last)) throw new YamlPatchError(`replace: ${operation.path} does not exist`);
  parent.set(last, node);
}

function remove(parent: Node, last: string, path: string): void {
  if (isSeq(parent)) parent.items.splice(seqIndex(last, parent.items.length, false), 1);
  else if (isMap(parent) && !parent.delete(last)) throw new YamlPatchError(`remove: ${path} does not exist`);
}

function applyOne(document: Document, base: readonly (string | number)[], operation: Operation): void {
  if (operation.op !== 'add' && operation.op !== 'replace' && operation.op !== 'remove') {
    throw new YamlPatchError(`unsupported patch operation ${JSON.stringify(operation.op)}`);
  }
  const tokens = pointerTokens(operation.path);
  const last = tokens.at(-1);
  if (last === undefined) throw new YamlPatchError('patching the whole pod is not supported');
  const parent = parentOf(document, base, tokens);
  if (operation.op === 'remove') remove(parent, last, operation.path);
  else addOrReplace(document, parent, last, operation);
}

/** Applies `operations` in order to the node at `base` (a path of map keys and sequence indices). */
export function applyPatchToYaml(document: Document, base: readonly (string | number)[], operations: readonly Operation[]): void {
  for (const operation of operations) applyOne(document, base, operation);
}
