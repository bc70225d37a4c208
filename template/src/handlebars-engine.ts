// Handlebars behind the TemplateEngine contract, with the same Vault helpers as the Go dialect:
//   {{#with (secret "kv/data/app")}}{{Data.data.password}}{{/with}}
//   {{#with (secret "pki/issue/web" common_name="web.example.com" ttl="24h")}}{{Data.certificate}}{{/with}}
//   {{#each (secrets "kv/metadata/")}}{{this}}{{/each}}   {{#with (pkiCert "pki/issue/web" "common_name=x")}}{{Cert}}{{/with}}
// Output is never HTML-escaped (these are config files, not web pages). Only known helpers are
// accepted, so a typo fails at compile time, before anything is fetched.
import type HandlebarsNamespace from 'handlebars';
import {
  type CompileOptions,
  type CompiledTemplate,
  type DependencyStore,
  type RenderInput,
  type RenderResult,
  type TemplateDependency,
  type TemplateEngine,
  TemplateError,
  DEFAULT_TEMPLATE_LIMITS,
} from './template-engine.js';
import { hashPairs } from './go/functions.js';
import { marshalJson } from './go/json.js';
import { toYaml } from './go/yaml.js';
import { JsonNumber, isJsonNumber } from '../../common/src/vault-json.js';
import { trimEnds } from '../../common/src/trim.js';

type Handlebars = typeof HandlebarsNamespace;

interface HelperOptions {
  readonly hash?: Readonly<Record<string, unknown>>;
  readonly data?: { readonly vault?: RenderState };
}

interface RenderState {
  readonly store: DependencyStore;
  readonly env: (name: string) => string | undefined;
  readonly destination: string;
  readonly used: Map<string, TemplateDependency>;
  readonly missing: Map<string, TemplateDependency>;
}

function splitHelperArgs(args: unknown[]): { positional: unknown[]; options: HelperOptions } {
  const options = (args[args.length - 1] ?? {}) as HelperOptions;
  return { positional: args.slice(0, -1), options };
}

function stateOf(options: HelperOptions): RenderState {
  const state = options.data?.vault;
  if (state === undefined) throw new Error('vault helpers need a render context');
  return state;
}

/** Defines the key, so a write parameter named "__proto__" stays a parameter (assignment would set the prototype). */
function setKey(body: Record<string, string>, key: string, value: string): void {
  Object.defineProperty(body, key, { value, enumerable: true, writable: true, configurable: true });
}

function kvBody(positional: readonly unknown[], hash: Readonly<Record<string, unknown>> | undefined): Record<string, string> {
  const body: Record<string, string> = {};
  for (const item of positional) {
    const str = String(item);
    if (str === '') continue;
    const eq = str.indexOf('=');
    if (eq < 0) throw new Error(`not k=v pair ${JSON.stringify(str)}`);
    setKey(body, str.slice(0, eq).trim(), str.slice(eq + 1).trim());
  }
  for (const [key, value] of Object.entries(hash ?? {})) setKey(body, key, String(value));
  return body;
}

function use(state: RenderState, dependency: TemplateDependency): void {
  if (!state.used.has(dependency.id)) state.used.set(dependency.id, dependency);
}

function miss(state: RenderState, dependency: TemplateDependency): void {
  if (!state.missing.has(dependency.id)) state.missing.set(dependency.id, dependency);
}

function normalisePath(raw: unknown): string {
  return trimEnds(String(raw).trim(), '/');
}

/** A json.Number that Handlebars prints as written (string concatenation uses valueOf). */
class PrintedNumber extends JsonNumber {
  // Handlebars concatenates values, which calls valueOf: answer with the literal text.
  override valueOf(): number | bigint {
    return this.value as unknown as number;
  }
}

const printable = new WeakMap<object, unknown>();

/** Deep copy of Vault data in which numbers print exactly as Vault sent them (1.50 stays 1.50). */
function withPrintedNumbers(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (isJsonNumber(value)) return new PrintedNumber(value.toString());
  const cached = printable.get(value);
  if (cached !== undefined) return cached;
  let copy: unknown;
  if (Array.isArray(value)) copy = value.map(withPrintedNumbers);
  else {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) Object.defineProperty(out, key, { value: withPrintedNumbers(item), enumerable: true, writable: true, configurable: true });
    copy = out;
  }
  printable.set(value, copy);
  return copy;
}

/**
 * The secret's fields under Vault's JSON names too (`data.data.password`, `lease_id`, …): a
 * Handlebars author thinks in the API response's JSON, where the Go dialect's `.Data` does not
 * exist, and a wrong guess would render as nothing. The aliases are own properties (Handlebars
 * only looks those up) but not enumerable, so `toJSON`, `each` and the Go-shaped names are as before.
 */
const WIRE_NAMES = {
  request_id: 'RequestID',
  lease_id: 'LeaseID',
  lease_duration: 'LeaseDuration',
  renewable: 'Renewable',
  data: 'Data',
  warnings: 'Warnings',
  auth: 'Auth',
  wrap_info: 'WrapInfo',
} as const;

function withWireNames<T extends Record<(typeof WIRE_NAMES)[keyof typeof WIRE_NAMES], unknown>>(secret: T): T {
  for (const [wire, goName] of Object.entries(WIRE_NAMES)) {
    Object.defineProperty(secret, wire, { value: secret[goName], enumerable: false });
  }
  return secret;
}

function plain(value: unknown): unknown {
  return value;
}

function helpers(): Record<string, (...args: unknown[]) => unknown> {
  return {
    secret(...args: unknown[]) {
      const { positional, options } = splitHelperArgs(args);
      const state = stateOf(options);
      const [rawPath, ...rest] = positional;
      const path = normalisePath(rawPath);
      const body = kvBody(rest, options.hash);
      const isRead = Object.keys(body).length === 0;
      const dependency: TemplateDependency & { kind: 'read' | 'write' } = isRead
        ? { kind: 'read', id: `vault.read(${path})`, path }
        : { kind: 'write', id: `vault.write(${path} -> ${hashPairs(body)})`, path, body };
      use(state, dependency);
      const envelope = state.store.read(dependency);
      if (envelope === undefined) {
        miss(state, dependency);
        return undefined;
      }
      return withWireNames({
        RequestID: envelope.request_id ?? '',
        LeaseID: envelope.lease_id ?? '',
        LeaseDuration: envelope.lease_duration ?? 0,
        Renewable: envelope.renewable ?? false,
        Data: withPrintedNumbers(envelope.data ?? {}),
        Warnings: envelope.warnings ?? [],
        Auth: envelope.auth ?? null,
        WrapInfo: envelope.wrap_info ?? null,
      });
    },
    secrets(...args: unknown[]) {
      const { positional, options } = splitHelperArgs(args);
      const state = stateOf(options);
      const path = normalisePath(positional[0]);
      const dependency = { kind: 'list', id: `vault.list(${path})`, path } as const;
      use(state, dependency);
      const keys = state.store.list(dependency);
      if (keys === undefined) {
        miss(state, dependency);
        return [];
      }
      return [...keys].sort();
    },
    pkiCert(...args: unknown[]) {
      const { positional, options } = splitHelperArgs(args);
      const state = stateOf(options);
      const [rawPath, ...rest] = positional;
      const path = normalisePath(rawPath);
      const body = kvBody(rest, options.hash);
      const dependency = { kind: 'pki', id: `vault.pki(${path}->${state.destination})`, path, body, destination: state.destination } as const;
      use(state, dependency);
      const data = state.store.pki(dependency);
      if (data === undefined) {
        miss(state, dependency);
        return undefined;
      }
      const pem: Record<string, unknown> = { Cert: data.Cert, Key: data.Key, CA: data.CA, CAChain: [...data.CAChain] };
      pem.Data = pem;
      return pem;
    },
    env(...args: unknown[]) {
      const { positional, options } = splitHelperArgs(args);
      return stateOf(options).env(String(positional[0])) ?? '';
    },
    toJSON(value: unknown) {
      return marshalJson(plain(value) as never, { escapeHTML: true });
    },
    toJSONPretty(value: unknown) {
      return marshalJson(plain(value) as never, { escapeHTML: true, indent: '  ' });
    },
    toYAML(value: unknown) {
      return toYaml(plain(value) as never);
    },
    base64Encode(value: unknown) {
      return Buffer.from(String(value), 'utf8').toString('base64');
    },
    base64Decode(value: unknown) {
      return Buffer.from(String(value), 'base64').toString('utf8');
    },
    toUpper(value: unknown) {
      return String(value).toUpperCase();
    },
    toLower(value: unknown) {
      return String(value).toLowerCase();
    },
    trimSpace(value: unknown) {
      return String(value).trim();
    },
    join(...args: unknown[]) {
      const { positional } = splitHelperArgs(args);
      const [sep, list] = positional;
      return Array.isArray(list) ? list.map(String).join(String(sep)) : '';
    },
    eq(...args: unknown[]) {
      const { positional } = splitHelperArgs(args);
      return String(positional[0]) === String(positional[1]);
    },
  };
}

const KNOWN_HELPERS = Object.fromEntries(Object.keys(helpers()).map((name) => [name, true]));

class HandlebarsCompiledTemplate implements CompiledTemplate {
  constructor(
    private readonly template: (context: unknown, options: { data: { vault: RenderState } }) => string,
    private readonly maxOutputBytes: number,
  ) {}

  render(input: RenderInput): RenderResult {
    const state: RenderState = {
      store: input.store,
      env: input.env,
      destination: input.destination,
      used: new Map(),
      missing: new Map(),
    };
    let output: string;
    try {
      output = this.template(null, { data: { vault: state } });
    } catch (error) {
      if (state.missing.size > 0) return { output: undefined, dependencies: [...state.used.values()], missing: [...state.missing.values()] };
      throw new TemplateError(`handlebars: ${error instanceof Error ? error.message : String(error)}`, 'exec');
    }
    const dependencies = [...state.used.values()];
    if (state.missing.size > 0) return { output: undefined, dependencies, missing: [...state.missing.values()] };
    // Handlebars has no loop helper: iteration is bounded by the data; only the output needs a cap.
    if (Buffer.byteLength(output, 'utf8') > this.maxOutputBytes) {
      throw new TemplateError(`handlebars: output limit exceeded (more than ${this.maxOutputBytes} bytes; TemplateLimits.maxOutputBytes)`, 'exec');
    }
    return { output, dependencies, missing: [] };
  }
}

export class HandlebarsTemplateEngine implements TemplateEngine {
  readonly name = 'handlebars' as const;
  private readonly env: Handlebars;

  constructor(handlebars: Handlebars) {
    this.env = handlebars.create();
    for (const [name, helper] of Object.entries(helpers())) this.env.registerHelper(name, helper);
  }

  compile(source: string, options: CompileOptions): CompiledTemplate {
    const denied = new Set(options.functionDenylist ?? []);
    const known = Object.fromEntries(Object.keys(KNOWN_HELPERS).filter((name) => !denied.has(name)).map((name) => [name, true]));
    const compileOptions = { noEscape: true, strict: options.errorOnMissingKey === true, knownHelpers: known, knownHelpersOnly: true };
    try {
      // precompile runs the whole compiler now, so syntax errors and unknown helpers surface here.
      this.env.precompile(source, compileOptions);
    } catch (error) {
      throw new TemplateError(`handlebars: ${error instanceof Error ? error.message : String(error)}`, 'parse');
    }
    return new HandlebarsCompiledTemplate(
      this.env.compile(source, compileOptions) as never,
      options.limits?.maxOutputBytes ?? DEFAULT_TEMPLATE_LIMITS.maxOutputBytes,
    );
  }
}
