// Process-supervisor mode: `env_template "NAME" { … }` blocks and the top-level `exec` block, with
// the rules Vault Agent applies to them
// (https://developer.hashicorp.com/vault/docs/agent-and-proxy/agent/process-supervisor and the
// bad-config-env-templates-* fixtures of hashicorp/vault command/agent/config): every env_template
// needs a variable name and an `exec`; env_template cannot be combined with `template`, a listener
// or `api_proxy`; the file settings of a template (destination, perms, command …) do not apply.
import { constants } from 'node:os';
import type { ExecConfig } from './agent-config.js';
import type { IssueList, RawObject } from './config-reader.js';
import { blockList, checkKeys, field, isObject, singleBlock } from './config-reader.js';
import { decodeString, describe } from './config-values.js';

const EXEC_KEYS = new Set(['command', 'restart_on_secret_changes', 'restart_stop_signal', 'child_process_stdout', 'child_process_stderr']);

/** Template keys that write or act on a file: not allowed in an env_template (Vault refuses them). */
export const ENV_TEMPLATE_FILE_KEYS = ['destination', 'create_dest_dirs', 'perms', 'backup', 'command', 'command_timeout', 'exec', 'user', 'group', 'uid', 'gid'] as const;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface NamedBlock {
  readonly name: string;
  readonly path: string;
  readonly block: RawObject;
}

/**
 * `env_template "FOO" {…}` decodes (HCL1 generic, or JSON) to `{FOO: {…}}`, `[{FOO: [{…}]}]` or
 * `{FOO: {…}, BAR: {…}}`: every key of such an object is a variable name, its value the body.
 */
export function envTemplateBlocks(value: unknown, issues: IssueList): NamedBlock[] {
  const result: NamedBlock[] = [];
  for (const [index, outer] of blockList(value, 'env_template', issues).entries()) {
    const entries = Object.entries(outer);
    const looksNamed = entries.length > 0 && entries.every(([, body]) => isObject(body) || (Array.isArray(body) && body.every(isObject)));
    if (!looksNamed) {
      issues.add(`env_template[${index}]`, 'must have an environment variable name in its header (env_template "NAME" { … })');
      continue;
    }
    for (const [name, body] of entries) {
      const path = `env_template.${name}`;
      if (!ENV_NAME.test(name)) issues.add(path, `invalid environment variable name ${JSON.stringify(name)}`);
      for (const block of blockList(body, path, issues)) result.push({ name, path, block });
    }
  }
  const seen = new Set<string>();
  for (const { name, path } of result) {
    if (seen.has(name)) issues.add(path, 'repeats another env_template\'s variable name');
    seen.add(name);
  }
  return result;
}

export function checkEnvTemplateKeys(block: RawObject, path: string, issues: IssueList): void {
  for (const key of ENV_TEMPLATE_FILE_KEYS) {
    if (block[key] !== undefined) issues.add(`${path}.${key}`, 'is not allowed in env_template (it renders into an environment variable, not a file)');
  }
}

export function readExec(value: unknown, issues: IssueList): ExecConfig | undefined {
  const block = singleBlock(value, 'exec', issues);
  if (block === undefined) return undefined;
  const path = 'exec';
  checkKeys(block, EXEC_KEYS, path, issues);
  const command = readCommand(block.command, `${path}.command`, issues);
  const restart = field(block, 'restart_on_secret_changes', decodeString, { path, issues }) ?? 'always';
  if (restart !== 'always' && restart !== 'never') {
    issues.add(`${path}.restart_on_secret_changes`, `must be "always" or "never", got ${JSON.stringify(restart)}`);
  }
  const signalText = field(block, 'restart_stop_signal', decodeString, { path, issues }) ?? 'SIGTERM';
  const signal = parseSignal(signalText);
  if (signal === undefined) issues.add(`${path}.restart_stop_signal`, `unknown signal ${JSON.stringify(signalText)}`);
  const file = (key: string): string | undefined => {
    const text = field(block, key, decodeString, { path, issues });
    if (text !== undefined && text !== '' && !text.startsWith('/')) issues.add(`${path}.${key}`, `must be an absolute path, got ${JSON.stringify(text)}`);
    return text === '' ? undefined : text;
  };
  return {
    command,
    restartOnSecretChanges: restart === 'never' ? 'never' : 'always',
    restartStopSignal: signal ?? 'SIGTERM',
    childProcessStdout: file('child_process_stdout'),
    childProcessStderr: file('child_process_stderr'),
  };
}

function readCommand(value: unknown, path: string, issues: IssueList): string[] {
  // HCL1 decodes a single string into a one-element list; so do we.
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((item): item is string => typeof item === 'string')) {
    issues.add(path, value === undefined ? 'is required' : `expected a list of strings, got ${describe(value)}`);
    return [];
  }
  if (list.length === 0 || list[0] === '') issues.add(path, 'must name a program to run');
  return list;
}

/** "SIGTERM", "sigterm" or "TERM" → "SIGTERM"; undefined for a name the platform does not have. */
export function parseSignal(text: string): NodeJS.Signals | undefined {
  const upper = text.trim().toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  return name in constants.signals && name !== 'SIGKILL' && name !== 'SIGSTOP' ? (name as NodeJS.Signals) : undefined;
}
