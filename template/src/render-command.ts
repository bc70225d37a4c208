// `vault-injector template render FILE.tpl [--secret PATH=FILE.json]... [--env K=V]...`: renders one
// template offline, like `consul-template -dry`: the raw output on stdout, errors (with the
// template's name, line and column) on stderr. Secrets come from JSON files instead of Vault.
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { DependencyStore, FileContent, TemplateSideEffects, VaultSecretEnvelope } from './template-engine.js';
import { TemplateError } from './template-engine.js';
import { GoCompiledTemplate } from './go/engine.js';
import { caseStore, envelopeFromJson, parseCases } from './preview.js';
import { secretLookupKey } from './go/functions.js';
import { trimEnds } from '../../common/src/trim.js';

export const RENDER_USAGE = `Usage: vault-injector template render FILE.tpl [options]

Renders one template offline, as Vault Agent would (consul-template's dialect), and prints the
result on stdout, like \`consul-template -dry\`. Nothing is fetched from Vault.
  --secret PATH=FILE.json  the secret at PATH (as written in the template: secret "PATH").
                           FILE.json is either a full Vault response ({"data": …, "lease_id": …},
                           e.g. from \`vault read -format=json\`) or its data part (what .Data shows;
                           for KV v2 that is {"data": {…}, "metadata": {…}}). For a write
                           (secret "pki/issue/x" "common_name=a") use PATH?common_name=a (k=v
                           pairs sorted, joined by &). A JSON array of strings answers \`secrets PATH\`.
                           The last = separates PATH from FILE. Repeatable.
  --env K=V                an environment variable for env/mustEnv/envOrDefault (added to the
                           process environment). Repeatable.
  --error-on-missing-key   Vault Agent's error_on_missing_key = true (default false: a missing key
                           prints <no value>)
  --left-delim L, --right-delim R
                           template delimiters (left_delimiter / right_delimiter)
  --sandbox DIR            sandbox_path: file may only read inside DIR, and writeToFile writes
                           under DIR (default: a new temporary directory, printed on stderr)
  --engine go|handlebars   the template stanza's engine (default go)
Exit status: 0 rendered; 1 the template failed to parse or execute; 2 bad arguments or inputs.
`;

interface RenderArgs {
  readonly file: string;
  readonly secrets: readonly { readonly path: string; readonly file: string }[];
  readonly env: ReadonlyMap<string, string>;
  readonly errorOnMissingKey: boolean;
  readonly leftDelimiter: string;
  readonly rightDelimiter: string;
  readonly sandbox: string | undefined;
  readonly engine: 'go' | 'handlebars';
}

class UsageError extends Error {}

/** Files `file` may read offline; a template source is no place for a huge file either. */
const MAX_INPUT_BYTES = 4 << 20;

function splitLast(text: string, flag: string): [string, string] {
  const at = text.lastIndexOf('=');
  if (at <= 0 || at === text.length - 1) throw new UsageError(`${flag} wants NAME=VALUE, got ${JSON.stringify(text)}`);
  return [text.slice(0, at), text.slice(at + 1)];
}

interface RenderArgsBeingParsed {
  file: string | undefined;
  readonly secrets: { path: string; file: string }[];
  readonly env: Map<string, string>;
  errorOnMissingKey: boolean;
  leftDelimiter: string;
  rightDelimiter: string;
  sandbox: string | undefined;
  engine: 'go' | 'handlebars';
}

/** The options that take a value (`--name value` or `--name=value`), each with what it sets. */
const VALUE_OPTIONS: ReadonlyMap<string, (parsed: RenderArgsBeingParsed, value: string) => void> = new Map<string, (parsed: RenderArgsBeingParsed, value: string) => void>([
  [
    '--secret',
    (parsed, value) => {
      const [path, source] = splitLast(value, '--secret');
      parsed.secrets.push({ path, file: source });
    },
  ],
  [
    '--env',
    (parsed, text) => {
      const at = text.indexOf('=');
      if (at <= 0) throw new UsageError(`--env wants K=V, got ${JSON.stringify(text)}`);
      parsed.env.set(text.slice(0, at), text.slice(at + 1));
    },
  ],
  ['--left-delim', (parsed, value) => { parsed.leftDelimiter = value; }],
  ['--right-delim', (parsed, value) => { parsed.rightDelimiter = value; }],
  ['--sandbox', (parsed, value) => { parsed.sandbox = value; }],
  [
    '--engine',
    (parsed, value) => {
      if (value !== 'go' && value !== 'handlebars') throw new UsageError(`--engine must be go or handlebars, got ${JSON.stringify(value)}`);
      parsed.engine = value;
    },
  ],
]);

/** A non-option argument: the template file (one only). */
function setTemplateFile(parsed: RenderArgsBeingParsed, arg: string): void {
  if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${JSON.stringify(arg)}`);
  if (parsed.file !== undefined) throw new UsageError(`one template file only (got ${JSON.stringify(parsed.file)} and ${JSON.stringify(arg)})`);
  parsed.file = arg;
}

function parseRenderArgs(args: readonly string[]): RenderArgs | 'help' {
  const parsed: RenderArgsBeingParsed = {
    file: undefined,
    secrets: [],
    env: new Map(),
    errorOnMissingKey: false,
    leftDelimiter: '',
    rightDelimiter: '',
    sandbox: undefined,
    engine: 'go',
  };
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (name === '-h' || name === '--help') return 'help';
    if (name === '--error-on-missing-key') {
      parsed.errorOnMissingKey = true;
      continue;
    }
    const set = VALUE_OPTIONS.get(name);
    if (set === undefined) {
      setTemplateFile(parsed, arg);
      continue;
    }
    if (eq > 0) {
      set(parsed, arg.slice(eq + 1));
      continue;
    }
    const next = args[i + 1];
    if (next === undefined) throw new UsageError(`${name} needs a value`);
    i += 1;
    set(parsed, next);
  }
  const { file, ...rest } = parsed;
  if (file === undefined) throw new UsageError('the template file is required');
  return { file, ...rest };
}

function readInput(path: string, what: string): string {
  try {
    const size = statSync(path).size;
    if (size > MAX_INPUT_BYTES) throw new UsageError(`${what} ${path}: ${size} bytes is more than ${MAX_INPUT_BYTES}`);
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${what} ${path}: ${(error as Error).message}`);
  }
}

const ENVELOPE_KEYS = ['request_id', 'lease_id', 'lease_duration', 'renewable', 'warnings', 'auth', 'wrap_info'];

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A secret file: a full Vault response, its data part, or (for `secrets`) a list of keys. */
function secretFromFile(path: string, file: string): VaultSecretEnvelope {
  const text = readInput(file, `--secret ${path}`);
  let json: unknown;
  try {
    json = parseCases(text);
  } catch (error) {
    throw new UsageError(`--secret ${path}: ${file} is not JSON: ${(error as Error).message}`);
  }
  if (Array.isArray(json)) {
    if (!json.every((k) => typeof k === 'string')) throw new UsageError(`--secret ${path}: ${file}: a list must hold strings (the keys \`secrets\` returns)`);
    return envelopeFromJson({ data: { keys: json } });
  }
  if (!isObject(json)) throw new UsageError(`--secret ${path}: ${file} must hold a JSON object (a Vault response or its data)`);
  const full = 'data' in json && ENVELOPE_KEYS.some((key) => key in json);
  try {
    return envelopeFromJson(full ? json : { data: json });
  } catch (error) {
    throw new UsageError(`--secret ${path}: ${file}: ${(error as Error).message}`);
  }
}

/** Normalises a --secret PATH the way the engine keys lookups (trimmed slashes; write pairs sorted). */
function secretKey(raw: string): string {
  const q = raw.indexOf('?');
  const trim = (p: string): string => trimEnds(p.trim(), '/');
  if (q < 0) return trim(raw);
  const path = trim(raw.slice(0, q));
  const query = raw.slice(q + 1);
  // A read with ?version=N stays a read path; k=v pairs of a write are re-sorted.
  if (/^version=[0-9]+$/.test(query)) return `${path}?${query}`;
  const body: Record<string, string> = {};
  for (const pair of query.split('&')) {
    const at = pair.indexOf('=');
    if (at > 0) Object.defineProperty(body, pair.slice(0, at), { value: pair.slice(at + 1), enumerable: true });
  }
  return secretLookupKey(path, body);
}

function insideDir(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (rel !== '..' && !rel.startsWith('../') && !isAbsolute(rel));
}

/** Offline `file`: reads the local file (bounded), inside the sandbox when one is given. */
function offlineStore(secrets: ReadonlyMap<string, VaultSecretEnvelope>, sandbox: string | undefined): DependencyStore {
  const base = caseStore(secrets);
  return {
    ...base,
    file: (dependency): FileContent => {
      let target: string;
      try {
        target = realpathSync(dependency.path);
      } catch (error) {
        return { error: `file(${dependency.path}): ${(error as Error).message}` };
      }
      if (sandbox !== undefined && !insideDir(realpathSync(sandbox), target)) return { error: `'${dependency.path}' is outside of sandbox` };
      try {
        return { content: readInput(target, 'file') };
      } catch (error) {
        return { error: (error as Error).message };
      }
    },
  };
}

/** writeToFile offline: every path is re-rooted under the sandbox (or a temporary) directory. */
function offlineSideEffects(root: () => string, log: (line: string) => void): TemplateSideEffects {
  return {
    writeToFile(request) {
      const dir = root();
      const target = join(dir, resolve('/', request.path));
      mkdirSync(dirname(target), { recursive: true });
      if (!insideDir(realpathSync(dir), realpathSync(dirname(target)))) throw new Error(`writeToFile: '${request.path}' is outside of sandbox`);
      const content = request.newline && !request.content.endsWith('\n') ? `${request.content}\n` : request.content;
      const mode = request.perms === '' ? 0o644 : Number.parseInt(request.perms, 8);
      if (request.append) appendFileSync(target, content, { mode });
      else writeFileSync(target, content, { mode });
      chmodSync(target, mode);
      log(`writeToFile: ${request.append ? 'appended to' : 'wrote'} ${target}`);
    },
  };
}

export async function runRenderCommand(args: readonly string[]): Promise<number> {
  let parsed: RenderArgs | 'help';
  try {
    parsed = parseRenderArgs(args);
  } catch (error) {
    process.stderr.write(`vault-injector template render: ${(error as Error).message}\n\n${RENDER_USAGE}`);
    return 2;
  }
  if (parsed === 'help') {
    process.stdout.write(RENDER_USAGE);
    return 0;
  }
  let source: string;
  let secrets: Map<string, VaultSecretEnvelope>;
  try {
    ({ source, secrets } = loadRenderInputs(parsed));
  } catch (error) {
    process.stderr.write(`vault-injector template render: ${(error as Error).message}\n`);
    return 2;
  }
  const name = basename(parsed.file);
  const sandbox = parsed.sandbox === undefined ? undefined : resolve(parsed.sandbox);
  let scratch = sandbox;
  const root = (): string => {
    scratch ??= mkdtempSync(join(tmpdir(), 'vault-injector-render-'));
    return scratch;
  };
  const env = (key: string): string | undefined => parsed.env.get(key) ?? process.env[key];
  const { loadTemplateEngine } = await import('./index.js');
  try {
    const engine = await loadTemplateEngine(parsed.engine);
    const compiled = engine.compile(source, {
      name,
      leftDelimiter: parsed.leftDelimiter,
      rightDelimiter: parsed.rightDelimiter,
      errorOnMissingKey: parsed.errorOnMissingKey,
    });
    const input = {
      store: offlineStore(secrets, sandbox),
      env,
      destination: parsed.file,
      sideEffects: offlineSideEffects(root, (line) => process.stderr.write(`${line}\n`)),
      ...(sandbox === undefined ? {} : { sandboxPath: sandbox }),
    };
    const result = compiled instanceof GoCompiledTemplate ? compiled.renderDetailed(input, { missingSecret: 'error', exactPaths: false }) : compiled.render(input);
    return writeRenderResult(name, result);
  } catch (error) {
    return reportRenderFailure(error);
  }
}

/** The template text and the secrets given with --secret; creates the sandbox directory. Throws UsageError-worthy errors. */
function loadRenderInputs(parsed: RenderArgs): { source: string; secrets: Map<string, VaultSecretEnvelope> } {
  const source = readInput(parsed.file, 'template');
  const secrets = new Map<string, VaultSecretEnvelope>();
  for (const { path, file } of parsed.secrets) secrets.set(secretKey(path), secretFromFile(path, file));
  if (parsed.sandbox !== undefined) mkdirSync(parsed.sandbox, { recursive: true });
  return { source, secrets };
}

/** The output on stdout (exit 0), or which data was missing (exit 1). */
function writeRenderResult(name: string, result: { readonly output?: string | undefined; readonly missing: readonly { readonly id: string }[]; readonly outputBytes?: unknown }): number {
  if (result.output === undefined) {
    const missing = result.missing.map((d) => d.id).join(', ');
    process.stderr.write(`vault-injector template render: ${name}: no data for ${missing} (give it with --secret)\n`);
    return 1;
  }
  const bytes = result.outputBytes instanceof Buffer ? result.outputBytes : Buffer.from(result.output, 'utf8');
  process.stdout.write(bytes);
  return 0;
}

/** A template error exits 1 (with a hint for a secret not given); anything else 2. */
function reportRenderFailure(error: unknown): number {
  if (error instanceof TemplateError) {
    process.stderr.write(`vault-injector template render: ${error.message}\n`);
    if (/no secrets? exists? at /.test(error.message)) process.stderr.write('hint: give each secret the template reads with --secret PATH=FILE.json\n');
    return 1;
  }
  process.stderr.write(`vault-injector template render: ${(error as Error).message}\n`);
  return 2;
}
