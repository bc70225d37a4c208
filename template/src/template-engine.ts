// The contract between the agent (which fetches from Vault and writes files) and the template
// engines (consul-template's Go-template dialect, and Handlebars). Engines do no I/O: every
// Vault-backed function asks a DependencyStore, and a render pass reports which dependencies it
// used and which were still missing, the way consul-template's "brain" works
// (https://github.com/hashicorp/consul-template/blob/main/template/brain.go,
// https://github.com/hashicorp/consul-template/blob/main/manager/runner.go).

import type { PkiCertificateData, VaultSecretEnvelope } from '../../common/src/vault-wire.js';

export type { PkiCertificateData, VaultSecretEnvelope };

/**
 * One thing a template needs from Vault. `id` is consul-template's dependency identity string and
 * is what deduplicates fetches across templates:
 *   read:  `vault.read(<path>)`               (query string such as ?version=2 kept in path)
 *   write: `vault.write(<path> -> <hash of sorted k=v pairs>)`
 *   list:  `vault.list(<path>)`
 *   pki:   `vault.pki(<path>-><destination>)`
 *   file:  `file(<cleaned path>)` (consul-template's FileQuery), plus ` sandbox <dir>` when the
 *          template has a sandbox_path (the agent checks the resolved path against it)
 */
export type TemplateDependency =
  | { readonly kind: 'read'; readonly id: string; readonly path: string }
  | { readonly kind: 'write'; readonly id: string; readonly path: string; readonly body: Readonly<Record<string, string>> }
  | { readonly kind: 'list'; readonly id: string; readonly path: string }
  | {
      readonly kind: 'pki';
      readonly id: string;
      readonly path: string;
      readonly body: Readonly<Record<string, string>>;
      readonly destination: string;
    }
  | { readonly kind: 'file'; readonly id: string; readonly path: string; readonly sandbox?: string };

/** What the store holds for a `file` dependency: the content, or why it may not be read (sandbox). */
export type FileContent = { readonly content: string } | { readonly error: string };

/** What the store holds for each dependency kind. `undefined` means "not fetched yet". */
export interface DependencyStore {
  read(dependency: TemplateDependency & { kind: 'read' | 'write' }): VaultSecretEnvelope | undefined;
  list(dependency: TemplateDependency & { kind: 'list' }): readonly string[] | undefined;
  pki(dependency: TemplateDependency & { kind: 'pki' }): PkiCertificateData | undefined;
  /** Local files (consul-template's `file`); a store without it makes `file` an error. */
  file?(dependency: TemplateDependency & { kind: 'file' }): FileContent | undefined;
}

/** Side effects some consul-template functions have; the agent supplies them, tests may record them. */
export interface TemplateSideEffects {
  /** writeToFile PATH USER GROUP PERMS [FLAGS] CONTENT */
  writeToFile(request: {
    readonly path: string;
    readonly user: string;
    readonly group: string;
    readonly perms: string;
    readonly content: string;
    readonly append: boolean;
    readonly newline: boolean;
  }): void;
}

export interface RenderInput {
  readonly store: DependencyStore;
  /** Process environment as `env` sees it ("" when unset). */
  readonly env: (name: string) => string | undefined;
  /** The template's destination; keys pkiCert dependencies. */
  readonly destination: string;
  readonly sideEffects?: TemplateSideEffects;
  /** The template's sandbox_path: `file` paths must lie inside it. */
  readonly sandboxPath?: string;
}

export interface RenderResult {
  /** The rendered text; `undefined` when any dependency was still missing (nothing may be written). */
  readonly output: string | undefined;
  /** Every dependency this pass touched, deduplicated by id, in first-use order. */
  readonly dependencies: readonly TemplateDependency[];
  /** The subset of `dependencies` the store did not have yet. */
  readonly missing: readonly TemplateDependency[];
}

export interface CompileOptions {
  /** Template name used in error texts; consul-template uses "". */
  readonly name?: string;
  readonly leftDelimiter?: string;
  readonly rightDelimiter?: string;
  /** consul-template's error_on_missing_key: true ⇒ missingkey=error, false ⇒ missingkey=zero. */
  readonly errorOnMissingKey?: boolean;
  /** Functions refused at parse time (consul-template's function_denylist). */
  readonly functionDenylist?: readonly string[];
  /** Execution budgets per render (defaults: DEFAULT_TEMPLATE_LIMITS). */
  readonly limits?: TemplateLimits;
}

/**
 * What one render may cost. A template is code from a pod's annotations: without bounds
 * `{{ range loop 2000000000 }}` never ends. Exceeding a limit fails the render with an error naming
 * the template and the limit. docs/agent.md ("Limits") lists the defaults and how to change them.
 */
export interface TemplateLimits {
  /** Evaluation steps (nodes walked, range iterations, loop items) per render. */
  readonly maxSteps?: number;
  /** Bytes of output per render. */
  readonly maxOutputBytes?: number;
}

/**
 * Generous: real templates take thousands of steps (a 1,000-key range of 20 nodes each: 20,000) and
 * kilobytes of output; 2,000,000 steps run in about a second.
 */
export const DEFAULT_TEMPLATE_LIMITS: Required<TemplateLimits> = {
  maxSteps: 2_000_000,
  maxOutputBytes: 4 * 1024 * 1024,
};

export interface CompiledTemplate {
  /** Runs one pass. Throws TemplateError with phase "exec" on an execution error. */
  render(input: RenderInput): RenderResult;
}

export interface TemplateEngine {
  readonly name: 'go' | 'handlebars';
  /** Parses once. Throws TemplateError with phase "parse" on a syntax error or unknown function. */
  compile(source: string, options: CompileOptions): CompiledTemplate;
}

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  constructor(
    message: string,
    readonly phase: 'parse' | 'exec',
  ) {
    super(message);
  }
}
