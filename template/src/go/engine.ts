// The Go-template engine behind the TemplateEngine contract: parse once (cached), then render
// passes against the agent's dependency store, recording what each pass used and missed.
import {
  type CompileOptions,
  type CompiledTemplate,
  type RenderInput,
  type RenderResult,
  type TemplateDependency,
  type TemplateEngine,
  TemplateError,
  type TemplateLimits,
  DEFAULT_TEMPLATE_LIMITS,
} from '../template-engine.js';
import { builtinFunctions } from './builtins.js';
import { ExecBudget, ExecError, FuncError, type FunctionTable, type MissingKeyMode, State } from './exec.js';
import { type FunctionContext, consulTemplateFunctions } from './functions.js';
import { SPRIG_REFUSED } from './sprig.js';
import { T } from './values.js';
import { ParseError, parseTemplate } from './parser.js';
import { GoBytes, type Value } from './values.js';
import type { ListNode } from './ast.js';

export interface GoCompileOptions extends CompileOptions {
  /** Overrides errorOnMissingKey with text/template's own option, including "default". */
  readonly missingKey?: MissingKeyMode;
  /**
   * Restricts the function set (besides the text/template builtins) to these names; used to
   * emulate gotemplate-oracle, which leaves some consul-template functions out on purpose.
   */
  readonly onlyFunctions?: ReadonlySet<string>;
}

/** The consul-template functions gotemplate-oracle implements. */
export const ORACLE_FUNCTIONS: ReadonlySet<string> = new Set([
  'base64Decode', 'base64Encode', 'base64URLDecode', 'base64URLEncode', 'contains', 'env', 'join', 'parseBool',
  'parseFloat', 'parseInt', 'parseJSON', 'replaceAll', 'secret', 'split', 'toJSON', 'toJSONPretty', 'toLower',
  'toTitle', 'toUpper', 'trimSpace',
]);

/** Extra knobs for the offline preview (gotemplate-oracle protocol) and tests. */
export interface RenderExtras {
  /** The dot (consul-template always uses nil). */
  readonly dot?: Value;
  readonly missingSecret?: 'missing' | 'nil' | 'error';
  readonly exactPaths?: boolean;
  readonly now?: () => Date;
  readonly maxOutputBytes?: number;
}

export interface DetailedRenderResult extends RenderResult {
  /** The exact output bytes when they are not valid UTF-8 (`output` then holds U+FFFD). */
  readonly outputBytes?: Buffer;
}

let sharedFunctions: FunctionTable<FunctionContext> | undefined;

function functionTable(): FunctionTable<FunctionContext> {
  if (sharedFunctions === undefined) {
    const table = builtinFunctions<FunctionContext>();
    for (const [name, fn] of consulTemplateFunctions()) table.set(name, fn);
    sharedFunctions = table;
  }
  return sharedFunctions;
}

/** go-glob's Glob (consul-template's denylist patterns): `*` matches any run of characters. */
export function globMatch(pattern: string, subject: string): boolean {
  if (pattern === '*') return true;
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === subject;
  const first = parts[0] as string;
  const last = parts[parts.length - 1] as string;
  if (!subject.startsWith(first) || subject.length < first.length + last.length || !subject.endsWith(last)) return false;
  let at = first.length;
  for (const middle of parts.slice(1, -1)) {
    const found = subject.indexOf(middle, at);
    if (found < 0 || found + middle.length > subject.length - last.length) return false;
    at = found + middle.length;
  }
  return true;
}

/** consul-template's `denied` stand-in: func(...string) (string, error) failing when called. */
const DENIED_FUNCTION = {
  params: [],
  variadic: T.string,
  result: T.string,
  call: (): never => {
    throw new FuncError('function is disabled');
  },
};

const deniedTables = new Map<string, FunctionTable<FunctionContext>>();

/**
 * The function table with function_denylist applied the way consul-template applies it: every
 * function whose name matches a pattern (`*` wildcards, e.g. `sprig_*`) still parses but fails when
 * executed with "function is disabled". Text/template builtins are not in consul-template's map,
 * so patterns never disable them.
 */
function tableWithDenylist(patterns: readonly string[]): FunctionTable<FunctionContext> {
  const base = functionTable();
  if (patterns.length === 0) return base;
  const key = JSON.stringify(patterns);
  let table = deniedTables.get(key);
  if (table === undefined) {
    const copy = new Map(base);
    for (const [name, fn] of base) {
      if (fn.builtin === true) continue;
      if (patterns.some((p) => globMatch(p, name))) copy.set(name, DENIED_FUNCTION);
    }
    table = copy;
    if (deniedTables.size < 64) deniedTables.set(key, table);
  }
  return table;
}

export class GoCompiledTemplate implements CompiledTemplate {
  constructor(
    private readonly source: string,
    private readonly name: string,
    private readonly trees: ReadonlyMap<string, ListNode>,
    private readonly missingKey: MissingKeyMode,
    private readonly limits: Required<TemplateLimits> = DEFAULT_TEMPLATE_LIMITS,
    private readonly functions: FunctionTable<FunctionContext> = functionTable(),
  ) {}

  render(input: RenderInput): RenderResult {
    return this.renderDetailed(input, {});
  }

  renderDetailed(input: RenderInput, extras: RenderExtras): DetailedRenderResult {
    const used = new Map<string, TemplateDependency>();
    const missing = new Map<string, TemplateDependency>();
    const functions = this.functions;
    const budget = new ExecBudget(this.limits.maxSteps);
    const execOptions = {
      source: this.source,
      parseName: this.name,
      trees: this.trees,
      functions,
      missingKey: this.missingKey,
      maxOutputBytes: extras.maxOutputBytes ?? this.limits.maxOutputBytes,
      budget,
    };
    const ctx: FunctionContext = {
      store: input.store,
      env: input.env,
      destination: input.destination,
      sideEffects: input.sideEffects,
      sandboxPath: input.sandboxPath,
      use: (dependency) => {
        if (!used.has(dependency.id)) used.set(dependency.id, dependency);
      },
      markMissing: (dependency) => {
        if (!missing.has(dependency.id)) missing.set(dependency.id, dependency);
      },
      budget,
      missingSecret: extras.missingSecret ?? 'missing',
      exactPaths: extras.exactPaths ?? false,
      now: extras.now ?? (() => new Date()),
      executeTemplate: (name, dot) => {
        const tree = this.trees.get(name);
        if (tree === undefined) throw new FuncError(`template: no template ${JSON.stringify(name)} associated with template ${JSON.stringify(this.name)}`);
        const state = new State(execOptions, ctx, name, dot);
        state.execute(tree);
        return state.out.toGoString();
      },
    };
    const state = new State(execOptions, ctx, this.name, extras.dot);
    const root = this.trees.get(this.name);
    try {
      if (root === undefined) throw new ExecError(`template: ${this.name}: ${JSON.stringify(this.name)} is an incomplete or empty template`);
      state.execute(root);
    } catch (error) {
      // A pass with data still missing may fail on the nil values it got: not ready, not broken.
      if (missing.size > 0 && error instanceof ExecError) return { output: undefined, dependencies: [...used.values()], missing: [...missing.values()] };
      if (error instanceof ExecError) throw new TemplateError(error.message, 'exec');
      throw error;
    }
    const dependencies = [...used.values()];
    if (missing.size > 0) return { output: undefined, dependencies, missing: [...missing.values()] };
    const result = state.out.toGoString();
    if (result instanceof GoBytes) {
      return { output: result.bytes.toString('utf8'), outputBytes: result.bytes, dependencies, missing: [] };
    }
    return { output: result, dependencies, missing: [] };
  }
}

const CACHE_LIMIT = 256;

export class GoTemplateEngine implements TemplateEngine {
  readonly name = 'go' as const;
  private readonly cache = new Map<string, GoCompiledTemplate>();

  compile(source: string, options: GoCompileOptions): GoCompiledTemplate {
    const missingKey: MissingKeyMode = options.missingKey ?? (options.errorOnMissingKey === true ? 'error' : 'zero');
    const name = options.name ?? '';
    const left = options.leftDelimiter ?? '';
    const right = options.rightDelimiter ?? '';
    const denied = [...(options.functionDenylist ?? [])].sort();
    const only = options.onlyFunctions === undefined ? null : [...options.onlyFunctions].sort();
    const limits = resolveLimits(options.limits);
    const key = JSON.stringify([source, name, left, right, missingKey, denied, only, limits]);
    const cached = this.cache.get(key);
    if (cached !== undefined) {
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached;
    }
    const trees = parseTrees(source, name, left, right, only);
    const compiled = new GoCompiledTemplate(source, name, trees, missingKey, limits, tableWithDenylist(denied));
    this.cache.set(key, compiled);
    if (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
    return compiled;
  }

  /**
   * Parses without compiling or caching: the webhook's admission-time syntax check, which sees
   * each pod's templates once (issue 16: the compile cache's key and entries cost more than the
   * check itself when nothing repeats). Same errors as compile() with the same options.
   */
  checkSyntax(source: string, options: Pick<GoCompileOptions, 'leftDelimiter' | 'rightDelimiter'>): TemplateError | undefined {
    try {
      parseTrees(source, '', options.leftDelimiter ?? '', options.rightDelimiter ?? '', null);
      return undefined;
    } catch (error) {
      if (error instanceof TemplateError) return error;
      throw error;
    }
  }
}

function parseTrees(source: string, name: string, left: string, right: string, only: readonly string[] | null): ReadonlyMap<string, ListNode> {
  const functions = functionTable();
  try {
    return parseTemplate(source, {
      name,
      leftDelim: left,
      rightDelim: right,
      hasFunction: (fn) => functions.has(fn) && (only === null || only.includes(fn) || functions.get(fn)?.builtin === true),
      deniedFunction: (fn) => {
        const refused = fn.startsWith('sprig_') ? SPRIG_REFUSED.get(fn.slice('sprig_'.length)) : undefined;
        return refused === undefined ? undefined : `function ${JSON.stringify(fn)} is not supported: ${refused}`;
      },
    }).trees;
  } catch (error) {
    if (error instanceof ParseError) throw new TemplateError(error.message, 'parse');
    // Go's parser recurses on a growable stack; ours runs out after a few thousand nested actions
    // or parentheses. Fail the parse with a clear error instead of letting a RangeError escape.
    if (error instanceof RangeError && isStackOverflow(error)) {
      throw new TemplateError(`template: ${name}: nested too deeply to parse (the JavaScript call stack ran out)`, 'parse');
    }
    throw error;
  }
}

function isStackOverflow(error: RangeError): boolean {
  return error.message.includes('call stack');
}

function resolveLimits(limits: TemplateLimits | undefined): Required<TemplateLimits> {
  const pick = (value: number | undefined, fallback: number, name: string): number => {
    if (value === undefined) return fallback;
    if (!Number.isSafeInteger(value) || value <= 0) throw new TemplateError(`template limit ${name} must be a positive integer, got ${String(value)}`, 'parse');
    return value;
  };
  return {
    maxSteps: pick(limits?.maxSteps, DEFAULT_TEMPLATE_LIMITS.maxSteps, 'maxSteps'),
    maxOutputBytes: pick(limits?.maxOutputBytes, DEFAULT_TEMPLATE_LIMITS.maxOutputBytes, 'maxOutputBytes'),
  };
}
