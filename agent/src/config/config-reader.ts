// Walks a generic decoded config (JSON, or HCL1 through its generic decoder) with HCL semantics:
// a block may be an object, a list of objects, or a one-key object whose key is the block label
// (`method "kubernetes" { … }`). Every problem is collected with its path, never thrown one by one.
import type { Decoded } from './config-values.js';
import { describe } from './config-values.js';

export type RawObject = Readonly<Record<string, unknown>>;

export class IssueList {
  readonly problems: string[] = [];
  /** Settings Vault Agent ignores (unknown keys): the agent logs each once and runs. */
  readonly warnings: string[] = [];

  add(path: string, message: string): void {
    this.problems.push(`${path}: ${message}`);
  }

  warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }
}

export function isObject(value: unknown): value is RawObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every object a block key holds: `{…}`, `[{…}, …]`; HCL1 nests each block in a list. */
export function blockList(value: unknown, path: string, issues: IssueList): RawObject[] {
  if (value === undefined || value === null) return [];
  if (isObject(value)) return [value];
  if (Array.isArray(value)) {
    const blocks: RawObject[] = [];
    value.forEach((item, index) => {
      if (isObject(item)) blocks.push(item);
      else if (Array.isArray(item)) blocks.push(...blockList(item, `${path}[${index}]`, issues));
      else issues.add(`${path}[${index}]`, `expected a block, got ${describe(item)}`);
    });
    return blocks;
  }
  issues.add(path, `expected a block, got ${describe(value)}`);
  return [];
}

/** A block that may appear at most once; its HCL list wrapping is removed. */
export function singleBlock(value: unknown, path: string, issues: IssueList): RawObject | undefined {
  const blocks = blockList(value, path, issues);
  if (blocks.length > 1) issues.add(path, `may appear only once, found ${blocks.length}`);
  return blocks.length === 0 ? undefined : mergeBlocks(blocks);
}

function mergeBlocks(blocks: readonly RawObject[]): RawObject {
  return Object.assign({}, ...blocks) as RawObject;
}

/**
 * Blocks that carry a type label (`method`, `sink`, `listener`, `persist`): `x "label" { … }` decodes
 * to `{label: {…}}`; a one-key object whose key is not a field of the block is read that way.
 */
export function labelledBlocks(
  value: unknown,
  fields: ReadonlySet<string>,
  path: string,
  issues: IssueList,
): RawObject[] {
  const result: RawObject[] = [];
  for (const block of blockList(value, path, issues)) {
    const keys = Object.keys(block);
    const label = keys[0];
    if (keys.length === 1 && label !== undefined && !fields.has(label) && typeof block[label] === 'object') {
      for (const inner of blockList(block[label], `${path}.${label}`, issues)) {
        result.push({ type: label, ...inner });
      }
    } else {
      result.push(block);
    }
  }
  return result;
}

/**
 * Unknown keys are ignored with a warning, as Vault Agent ignores them: its stanzas are decoded
 * with hcl.DecodeObject, which drops fields the struct does not name
 * (https://github.com/hashicorp/vault/blob/main/command/agent/config/config.go). Old keys such as
 * `auto_auth.exit_on_err` and misplaced blocks therefore load there, and load here.
 */
export function checkKeys(block: RawObject, allowed: ReadonlySet<string>, path: string, issues: IssueList): void {
  for (const key of Object.keys(block)) {
    if (!allowed.has(key)) issues.warn(`${settingPath(path, key)} is not a Vault Agent setting and is ignored`);
  }
}

/**
 * Template stanzas are the exception: Vault Agent decodes them with mapstructure's ErrorUnused,
 * so an unknown key there stops Vault Agent too; we refuse it with the same reason.
 */
export function refuseUnknownKeys(block: RawObject, allowed: ReadonlySet<string>, path: string, issues: IssueList): void {
  for (const key of Object.keys(block)) {
    if (!allowed.has(key)) issues.add(`${path}.${key}`, 'unknown template key (Vault Agent refuses it too: template stanzas allow no unknown keys)');
  }
}

/**
 * Our own extension blocks (env_restart) refuse unknown keys: Vault Agent has no such block, so
 * there is no configuration to stay compatible with, and a misspelt key would silently fall
 * back to a default.
 */
export function refuseUnknownExtensionKeys(block: RawObject, allowed: ReadonlySet<string>, path: string, issues: IssueList): void {
  for (const key of Object.keys(block)) {
    if (!allowed.has(key)) issues.add(`${path}.${key}`, `unknown key (known: ${[...allowed].join(', ')})`);
  }
}

/** `config.surprise` reads as `surprise`: the top level has no name of its own. */
function settingPath(path: string, key: string): string {
  return path === 'config' ? key : `${path}.${key}`;
}

/** Where a block sits in the configuration, and where its problems are recorded. */
export interface BlockPlace {
  readonly path: string;
  readonly issues: IssueList;
}

/** Reads one optional field through a decoder, recording a failure under the field's path. */
export function field<T>(block: RawObject, key: string, decode: (value: unknown) => Decoded<T>, place: BlockPlace): T | undefined {
  const value = block[key];
  if (value === undefined || value === null) return undefined;
  const decoded = decode(value);
  if (!decoded.ok) {
    place.issues.add(`${place.path}.${key}`, decoded.error);
    return undefined;
  }
  return decoded.value;
}

/** A nested object map such as `config = { … }` (HCL gives `[{…}]`). */
export function objectField(block: RawObject, key: string, path: string, issues: IssueList): RawObject {
  const value = block[key];
  if (value === undefined || value === null) return {};
  const blocks = blockList(value, `${path}.${key}`, issues);
  return mergeBlocks(blocks);
}
