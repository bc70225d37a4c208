// The contract between the agent (which fetches from Vault and writes files) and the template
// engines (consul-template's Go-template dialect, and Handlebars). Engines do no I/O: every
// Vault-backed function asks a DependencyStore, and a render pass reports which dependencies it
// used and which were still missing, the way consul-template's "brain" works (spec §2.7).

/**
 * A Vault response envelope exactly as Vault's HTTP API returns it (snake_case keys). JSON numbers
 * inside `data` (and elsewhere) are kept as their source text: parse Vault bodies with
 * `parseVaultJson` from `./vault-json.js` so they print as Go's json.Number does; the agent converts
 * the envelope's own numeric fields (lease_duration, ttl) to plain numbers and leaves `data` lossless.
 */
export interface VaultSecretEnvelope {
  readonly request_id?: string;
  readonly lease_id?: string;
  readonly lease_duration?: number;
  readonly renewable?: boolean;
  readonly data?: unknown;
  readonly warnings?: readonly string[] | null;
  readonly auth?: {
    readonly client_token?: string;
    readonly accessor?: string;
    readonly policies?: readonly string[] | null;
    readonly metadata?: Readonly<Record<string, string>> | null;
    readonly lease_duration?: number;
    readonly renewable?: boolean;
  } | null;
  readonly wrap_info?: {
    readonly token?: string;
    readonly ttl?: number;
    readonly creation_time?: string;
    readonly wrapped_accessor?: string;
  } | null;
}

/** PEM material returned by `pkiCert` (consul-template's PemEncoded). */
export interface PkiCertificateData {
  readonly Cert: string;
  readonly Key: string;
  readonly CA: string;
  readonly CAChain: readonly string[];
}

/**
 * One thing a template needs from Vault. `id` is consul-template's dependency identity string and
 * is what deduplicates fetches across templates:
 *   read:  `vault.read(<path>)`               (query string such as ?version=2 kept in path)
 *   write: `vault.write(<path> -> <hash of sorted k=v pairs>)`
 *   list:  `vault.list(<path>)`
 *   pki:   `vault.pki(<path>-><destination>)`
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
    };

/** What the store holds for each dependency kind. `undefined` means "not fetched yet". */
export interface DependencyStore {
  read(dependency: TemplateDependency & { kind: 'read' | 'write' }): VaultSecretEnvelope | undefined;
  list(dependency: TemplateDependency & { kind: 'list' }): readonly string[] | undefined;
  pki(dependency: TemplateDependency & { kind: 'pki' }): PkiCertificateData | undefined;
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
}

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
