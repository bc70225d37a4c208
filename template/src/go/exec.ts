// text/template's executor (Go 1.19 exec.go): the same evaluation order, the same reflect-level
// conversions (validateType, evalArg), and the same s.at() bookkeeping, so that outputs and error
// texts (`template: NAME:LINE:COL: executing "T" at <NODE>: ...`) match Go's.
import { goQuote } from '../../../common/src/go-quote.js';
import {
  type ArgNode,
  type BranchNode,
  type ChainNode,
  type CommandNode,
  type FieldNode,
  type IdentifierNode,
  type ListNode,
  type Node,
  type NumberNode,
  type PipeNode,
  type TemplateNode,
  type VariableNode,
  nodeString,
} from './ast.js';
import { ByteBuilder, goSprintf, printValueTo, toArg } from './fmt.js';
import {
  GoBytes,
  Iface,
  Int64Run,
  T,
  Typed,
  type Dyn,
  type GoType,
  type Value,
  goDisplayText,
  indirect,
  indirectInterface,
  isNilValue,
  kindOf,
  mapElemType,
  mapIndex,
  mapRecord,
  sliceElemType,
  sliceItems,
  sortedMapKeys,
  typeOf,
  typeOfValue,
  wrapElem,
  zeroOf,
} from './values.js';

export type MissingKeyMode = 'default' | 'zero' | 'error';

/** A function's error result: text/template reports it as `error calling NAME: MESSAGE`. */
export class FuncError extends Error {}

/**
 * The most a single function builds (repeat, indent, randAlpha, …) before it starts: a hostile
 * count like `randAlpha 1000000000` must fail at once, not exhaust memory. Results are also held to
 * TemplateLimits.maxOutputBytes after each call (State.evalCall); this guard stops the allocation.
 */
export const MAX_GENERATED_BYTES = 64 * 1024 * 1024;

export function checkGeneratedSize(name: string, bytes: number): void {
  if (bytes > MAX_GENERATED_BYTES) throw new FuncError(`${name}: a result of ${bytes} bytes is more than a template function may build (${MAX_GENERATED_BYTES} bytes)`);
}

/** An execution error with Go's full text. */
export class ExecError extends Error {}

export interface GoFunction<Ctx> {
  readonly params: readonly GoType[];
  /** Element type of a trailing variadic parameter. */
  readonly variadic?: GoType;
  readonly result: GoType;
  /** Receives arguments converted as Go would; throws FuncError for a non-nil error result. */
  readonly call: (args: Value[], ctx: Ctx) => Value;
}

export type FunctionTable<Ctx> = ReadonlyMap<string, GoFunction<Ctx> & { readonly builtin?: boolean }>;

const MISSING: unique symbol = Symbol('missingVal');
type Final = Value | typeof MISSING;

const Control = { normal: 0, break: 1, continue: 2 } as const;
type Control = (typeof Control)[keyof typeof Control];

interface Variable {
  readonly name: string;
  value: Value;
}

export interface ExecOptions<Ctx> {
  readonly source: string;
  /** Parse name (template name used in error locations). */
  readonly parseName: string;
  readonly trees: ReadonlyMap<string, ListNode>;
  readonly functions: FunctionTable<Ctx>;
  readonly missingKey: MissingKeyMode;
  readonly maxOutputBytes: number;
  /** Shared by every State of one render (nested template calls included). */
  readonly budget: ExecBudget;
}

const MAX_EXEC_DEPTH = 100000;

const SURROGATE_ESCAPES = /(?<![\ud800-\udbff])[\udc80-\udcff]/g;

/** The step budget of one render (TemplateLimits.maxSteps). */
export class ExecBudget {
  steps = 0;
  constructor(readonly maxSteps: number) {}

  /** Whether `count` more steps fit (loop checks before it builds its items). */
  fits(count: number | bigint): boolean {
    return BigInt(this.steps) + BigInt(count) <= BigInt(this.maxSteps);
  }

  describe(): string {
    return `step budget exceeded (more than ${this.maxSteps} steps; TemplateLimits.maxSteps)`;
  }
}

function canBeNil(type: GoType): boolean {
  switch (type.kind) {
    case 'func':
    case 'interface':
    case 'map':
    case 'ptr':
    case 'slice':
      return true;
    case 'struct':
      return type === T.reflectValue;
    default:
      return false;
  }
}

function assignable(from: GoType, to: GoType): boolean {
  return from === to || to.kind === 'interface';
}

function isHexInt(s: string): boolean {
  return s.length > 2 && s[0] === '0' && (s[1] === 'x' || s[1] === 'X') && !/[pP]/.test(s);
}

/** isTrue: Go's truthiness; ok=false for kinds that have none. */
export function isTrue(value: Value): { truth: boolean; ok: boolean } {
  if (value === undefined) return { truth: false, ok: true };
  if (value instanceof Iface) return { truth: value.inner !== null, ok: true };
  switch (typeof value) {
    case 'string':
      return { truth: value.length > 0, ok: true };
    case 'boolean':
      return { truth: value, ok: true };
    case 'number':
      return { truth: value !== 0, ok: true };
    case 'bigint':
      return { truth: value !== 0n, ok: true };
    default:
      break;
  }
  const type = typeOf(value);
  switch (type.kind) {
    case 'string':
      return { truth: goStringNonEmpty(value), ok: true };
    case 'map': {
      const record = mapRecord(value);
      if (record === null) return { truth: false, ok: true };
      for (const key in record) if (Object.prototype.hasOwnProperty.call(record, key)) return { truth: true, ok: true };
      return { truth: false, ok: true };
    }
    case 'slice':
      return { truth: (sliceItems(value)?.length ?? 0) > 0, ok: true };
    case 'int64':
    case 'uint8':
    case 'uint64':
      return { truth: ((value as Typed).raw as bigint) !== 0n, ok: true };
    case 'complex128': {
      const c = (value as Typed).raw as { re: number; im: number };
      return { truth: c.re !== 0 || c.im !== 0, ok: true };
    }
    case 'ptr':
    case 'func':
      return { truth: (value as Typed).raw !== null, ok: true };
    case 'struct':
      return { truth: true, ok: true };
    default:
      return { truth: false, ok: false };
  }
}

function goStringNonEmpty(value: Dyn): boolean {
  if (typeof value === 'string') return value.length > 0;
  if (value instanceof Typed) return goStringNonEmpty(value.raw as Dyn);
  const text = (value as { toString(): string; bytes?: Buffer }).bytes;
  if (text !== undefined) return text.length > 0;
  return (value as { toString(): string }).toString().length > 0;
}

export function truth(value: Value): boolean {
  return isTrue(indirectInterface(value)).truth;
}

/** One execution of a parsed template set. */
export class State<Ctx> {
  private node: Node | null = null;
  private vars: Variable[];
  private depth = 0;
  private tmplName: string;
  readonly out = new ByteBuilder();
  private outBytes = 0;

  constructor(
    private readonly options: ExecOptions<Ctx>,
    private readonly ctx: Ctx,
    name: string,
    dot: Value,
  ) {
    this.tmplName = name;
    this.vars = [{ name: '$', value: dot }];
  }

  // --- errors ---------------------------------------------------------------------------------
  errorf(raw: string): never {
    // Go strings inside the message (function errors built from arguments) may hold invalid bytes
    // as surrogate escapes; Go's error text has the bytes, which read as one U+FFFD each.
    const message = raw.replace(SURROGATE_ESCAPES, '\ufffd');
    const name = this.tmplName;
    if (this.node === null) throw new ExecError(`template: ${name}: ${message}`);
    const { location, context } = this.errorContext(this.node);
    throw new ExecError(`template: ${location}: executing ${goQuote(name)} at <${context}>: ${message}`);
  }

  private errorContext(node: Node): { location: string; context: string } {
    const source = this.options.source;
    const pos = node.pos;
    const before = source.slice(0, pos);
    const lastNewline = before.lastIndexOf('\n');
    let lineNum = 1;
    for (let i = 0; i < before.length; i += 1) if (before.charCodeAt(i) === 10) lineNum += 1;
    const byteNum = Buffer.byteLength(lastNewline === -1 ? before : before.slice(lastNewline + 1), 'utf8');
    return { location: `${this.options.parseName}:${lineNum}:${byteNum}`, context: nodeString(node) };
  }

  private at(node: Node): void {
    this.node = node;
  }

  // --- variables ---------------------------------------------------------------------------------
  private push(name: string, value: Value): void {
    this.vars.push({ name, value });
  }

  private mark(): number {
    return this.vars.length;
  }

  private pop(mark: number): void {
    this.vars.length = mark;
  }

  private setVar(name: string, value: Value): void {
    for (let i = this.vars.length - 1; i >= 0; i -= 1) {
      const v = this.vars[i] as Variable;
      if (v.name === name) {
        v.value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  private setTopVar(n: number, value: Value): void {
    (this.vars[this.vars.length - n] as Variable).value = value;
  }

  private varValue(name: string): Value {
    for (let i = this.vars.length - 1; i >= 0; i -= 1) {
      const v = this.vars[i] as Variable;
      if (v.name === name) return v.value;
    }
    this.errorf(`undefined variable: ${name}`);
  }

  // --- output --------------------------------------------------------------------------------
  private write(chunk: string | { bytes: Buffer }): void {
    const size = typeof chunk === 'string' ? Buffer.byteLength(chunk, 'utf8') : chunk.bytes.length;
    this.outBytes += size;
    if (this.outBytes > this.options.maxOutputBytes) {
      this.errorf(`output limit exceeded (more than ${this.options.maxOutputBytes} bytes; TemplateLimits.maxOutputBytes)`);
    }
    if (typeof chunk === 'string') this.out.write(chunk);
    else this.out.writeBytes(chunk.bytes);
  }

  // --- walking -----------------------------------------------------------------------------------
  execute(root: ListNode): void {
    try {
      this.walk(this.vars[0]?.value, root);
    } catch (error) {
      // Template recursion is reported in walkTemplate with Go's text; anything else nested deeper
      // than the JavaScript stack allows (values, expressions) gets a plain-sentence error.
      if (error instanceof RangeError && error.message.includes('call stack')) {
        this.errorf('nested too deeply to execute (the JavaScript call stack ran out)');
      }
      if (error instanceof RangeError && error.message.includes('Invalid string length')) {
        this.errorf(`value too large (more than the JavaScript string limit; TemplateLimits.maxOutputBytes is ${this.options.maxOutputBytes} bytes)`);
      }
      throw error;
    }
  }

  private step(): void {
    const budget = this.options.budget;
    budget.steps += 1;
    if (budget.steps > budget.maxSteps) this.errorf(budget.describe());
  }

  private walk(dot: Value, node: Node): Control {
    this.at(node);
    this.step();
    switch (node.type) {
      case 'action': {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return Control.normal;
      }
      case 'break':
        return Control.break;
      case 'continue':
        return Control.continue;
      case 'comment':
        return Control.normal;
      case 'if':
      case 'with':
        return this.walkIfOrWith(node, dot);
      case 'list':
        for (const child of node.nodes) {
          const control = this.walk(dot, child);
          if (control !== Control.normal) return control;
        }
        return Control.normal;
      case 'range':
        return this.walkRange(dot, node);
      case 'template':
        this.walkTemplate(dot, node);
        return Control.normal;
      case 'text':
        this.write(node.text);
        return Control.normal;
      default:
        this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  private walkIfOrWith(node: BranchNode, dot: Value): Control {
    const mark = this.mark();
    try {
      const val = this.evalPipeline(dot, node.pipe);
      const { truth: isTruthy, ok } = isTrue(indirectInterface(val));
      if (!ok) this.errorf(`if/with can't use ${sprintV(val)}`);
      if (isTruthy) return this.walk(node.type === 'with' ? val : dot, node.list);
      if (node.elseList !== null) return this.walk(dot, node.elseList);
      return Control.normal;
    } finally {
      this.pop(mark);
    }
  }

  /**
   * The else list runs inside this range's own recover (go1.19 text/template/exec.go, walkRange:
   * break and continue are panics): a break there just ends this range, a continue goes up to the
   * enclosing range's iteration.
   */
  private walkRange(dot: Value, r: BranchNode): Control {
    this.at(r);
    const outerMark = this.mark();
    try {
      const val = indirect(this.evalPipeline(dot, r.pipe)).value;
      const mark = this.mark();
      const decl = r.pipe.decl.length;
      // Returns false when the range must stop (break).
      const oneIteration = (index: Value, elem: Value): boolean => {
        this.at(r);
        this.step();
        if (decl > 0) this.setTopVar(1, elem);
        if (decl > 1) this.setTopVar(2, index);
        try {
          return this.walk(elem, r.list) !== Control.break;
        } finally {
          this.pop(mark);
        }
      };
      const kind = kindOf(val);
      if (kind === 'slice' && val instanceof Typed && val.raw instanceof Int64Run) {
        // loop's values, one at a time (no list of them is built).
        const run = val.raw;
        const n = run.length;
        if (n > 0) {
          for (let i = 0; i < n; i += 1) {
            if (!oneIteration(BigInt(i), run.at(i))) break;
          }
          return Control.normal;
        }
      } else if (kind === 'slice') {
        const items = sliceItems(val as Dyn) ?? [];
        if (items.length > 0) {
          const elemType = sliceElemType(val as Dyn);
          for (let i = 0; i < items.length; i += 1) {
            if (!oneIteration(BigInt(i), wrapElem(elemType, items[i]))) break;
          }
          return Control.normal;
        }
      } else if (kind === 'map') {
        const record = mapRecord(val as Dyn);
        const keys = sortedMapKeys(record);
        if (keys.length > 0) {
          const elemType = mapElemType(val as Dyn);
          for (const key of keys) {
            if (!oneIteration(key, wrapElem(elemType, (record as Record<string, unknown>)[key]))) break;
          }
          return Control.normal;
        }
      } else if (kind !== 'invalid') {
        this.errorf(`range can't iterate over ${sprintV(val)}`);
      }
      if (r.elseList !== null && this.walk(dot, r.elseList) === Control.continue) return Control.continue;
      return Control.normal;
    } finally {
      this.pop(outerMark);
    }
  }

  private walkTemplate(dot: Value, t: TemplateNode): void {
    this.at(t);
    const tree = this.options.trees.get(t.name);
    if (tree === undefined) this.errorf(`template ${goQuote(t.name)} not defined`);
    if (this.depth === MAX_EXEC_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    const newDot = this.evalPipeline(dot, t.pipe);
    const saved = { vars: this.vars, name: this.tmplName, depth: this.depth };
    this.vars = [{ name: '$', value: newDot }];
    this.tmplName = t.name;
    this.depth += 1;
    try {
      this.walk(newDot, tree);
    } catch (error) {
      // JS runs out of stack long before Go's depth of 100000: report it as Go does, from inside the
      // calling template (Go's state names the caller: executing "x" at <{{template "x" .}}>).
      // Near the stack limit the report itself may overflow: then an outer call tries again.
      if (!(error instanceof RangeError)) throw error;
      let report: unknown = error;
      try {
        if (error.message.includes('call stack')) {
          this.at(t);
          this.tmplName = saved.name;
          this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
        }
      } catch (converted) {
        if (!(converted instanceof RangeError)) report = converted;
      }
      throw report;
    } finally {
      this.vars = saved.vars;
      this.tmplName = saved.name;
      this.depth = saved.depth;
    }
  }

  // --- pipelines -------------------------------------------------------------------------------
  private evalPipeline(dot: Value, pipe: PipeNode | null): Value {
    if (pipe === null) return undefined;
    this.at(pipe);
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      if (value instanceof Iface) value = value.inner === null ? undefined : value.inner;
    }
    const result = value === MISSING ? undefined : value;
    for (const variable of pipe.decl) {
      if (pipe.isAssign) this.setVar(variable.ident[0] as string, result);
      else this.push(variable.ident[0] as string, result);
    }
    return result;
  }

  private notAFunction(args: readonly ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING) this.errorf(`can't give argument to non-function ${nodeString(args[0] as Node)}`);
  }

  private evalCommand(dot: Value, cmd: CommandNode, final: Final): Value {
    const firstWord = cmd.args[0] as ArgNode;
    switch (firstWord.type) {
      case 'field':
        return this.evalFieldNode(dot, firstWord, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, firstWord, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, firstWord, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, firstWord);
      case 'variable':
        return this.evalVariableNode(dot, firstWord, cmd.args, final);
      default:
        break;
    }
    this.at(firstWord);
    this.notAFunction(cmd.args, final);
    switch (firstWord.type) {
      case 'bool':
        return firstWord.value;
      case 'dot':
        return dot;
      case 'nil':
        this.errorf('nil is not a command');
      // falls through (errorf never returns)
      case 'number':
        return this.idealConstant(firstWord);
      case 'string':
        return firstWord.text;
      default:
        this.errorf(`can't evaluate command ${goQuote(nodeString(firstWord))}`);
    }
  }

  private idealConstant(constant: NumberNode): Value {
    this.at(constant);
    if (constant.isComplex) return new Typed(T.complex128, constant.complex);
    if (constant.isFloat && !isHexInt(constant.text) && constant.text[0] !== "'" && /[.eEpP]/.test(constant.text)) {
      return constant.float64;
    }
    if (constant.isInt) return constant.int64;
    if (constant.isUint) this.errorf(`${constant.text} overflows int`);
    return undefined;
  }

  private evalFieldNode(dot: Value, field: FieldNode, args: readonly ArgNode[], final: Final): Value {
    this.at(field);
    return this.evalFieldChain(dot, dot, field, field.ident, args, final);
  }

  private evalChainNode(dot: Value, chain: ChainNode, args: readonly ArgNode[], final: Final): Value {
    this.at(chain);
    if (chain.field.length === 0) this.errorf('internal error: no fields in evalChainNode');
    if (chain.node.type === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, null, chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.field, args, final);
  }

  private evalVariableNode(dot: Value, variable: VariableNode, args: readonly ArgNode[], final: Final): Value {
    this.at(variable);
    const value = this.varValue(variable.ident[0] as string);
    if (variable.ident.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, variable, variable.ident.slice(1), args, final);
  }

  private evalFieldChain(dot: Value, receiver: Value, node: Node, ident: readonly string[], args: readonly ArgNode[] | null, final: Final): Value {
    const n = ident.length;
    for (let i = 0; i < n - 1; i += 1) receiver = this.evalField(dot, ident[i] as string, node, null, MISSING, receiver);
    return this.evalField(dot, ident[n - 1] as string, node, args, final, receiver);
  }

  private evalFunction(dot: Value, node: IdentifierNode, cmd: Node, args: readonly ArgNode[] | null, final: Final): Value {
    this.at(node);
    const name = node.ident;
    const fn = this.options.functions.get(name);
    if (fn === undefined) this.errorf(`${goQuote(name)} is not a defined function`);
    return this.evalCall(dot, fn, fn.builtin === true, cmd, name, args, final);
  }

  private evalField(dot: Value, fieldName: string, node: Node, args: readonly ArgNode[] | null, final: Final, receiver: Value): Value {
    if (receiver === undefined) {
      if (this.options.missingKey === 'error') this.errorf(`nil data; no entry for key ${goQuote(fieldName)}`);
      return undefined;
    }
    const typ = typeOfValue(receiver) as GoType;
    const { value: target, isNil } = indirect(receiver);
    const targetKind = kindOf(target);
    if (targetKind === 'interface' && isNil) this.errorf(`nil pointer evaluating ${typ.name}.${fieldName}`);
    // Methods: declared on struct types (reachable through a pointer too).
    const structType = targetKind === 'struct' ? typeOf(target as Dyn) : targetKind === 'ptr' ? (typeOf(target as Dyn).elem ?? null) : null;
    // Own methods only: `.constructor` on a *semver.Version is an unknown field, as in Go.
    const methods = structType?.methods;
    const method = methods !== undefined && Object.hasOwn(methods, fieldName) ? methods[fieldName] : undefined;
    if (method !== undefined && !(targetKind === 'ptr' && isNil)) {
      const fn: GoFunction<Ctx> = { params: method.params ?? [], result: method.result, call: (args) => method.call(target, args) };
      return this.evalCall(dot, fn, false, node, fieldName, args, final);
    }
    const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
    switch (targetKind) {
      case 'struct': {
        const structT = typeOf(target as Dyn);
        const field = structT.fields?.find((f) => f.name === fieldName);
        if (field !== undefined) {
          if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
          return ((target as Typed).raw as Record<string, Dyn>)[fieldName];
        }
        break;
      }
      case 'map': {
        if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
        const result = mapIndex(target as Dyn, fieldName);
        if (result !== undefined) return result;
        switch (this.options.missingKey) {
          case 'zero':
            return zeroOf(mapElemType(target as Dyn));
          case 'error':
            this.errorf(`map has no entry for key ${goQuote(fieldName)}`);
          // falls through (errorf never returns)
          default:
            return undefined;
        }
      }
      case 'ptr': {
        const elem = typeOf(target as Dyn).elem as GoType;
        if (elem.kind === 'struct' && elem.fields?.some((f) => f.name === fieldName) !== true) break;
        if (isNil) this.errorf(`nil pointer evaluating ${typ.name}.${fieldName}`);
        break;
      }
      default:
        break;
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${typ.name}`);
  }

  private evalCall(dot: Value, fn: GoFunction<Ctx>, isBuiltin: boolean, node: Node, name: string, argNodes: readonly ArgNode[] | null, final: Final): Value {
    const args = argNodes === null ? [] : argNodes.slice(1);
    let numIn = args.length;
    if (final !== MISSING) numIn += 1;
    let numFixed = args.length;
    const declaredIn = fn.params.length + (fn.variadic === undefined ? 0 : 1);
    if (fn.variadic !== undefined) {
      numFixed = fn.params.length;
      if (numIn < numFixed) this.errorf(`wrong number of args for ${name}: want at least ${numFixed} got ${args.length}`);
    } else if (numIn !== declaredIn) {
      this.errorf(`wrong number of args for ${name}: want ${declaredIn} got ${numIn}`);
    }
    if (isBuiltin && (name === 'and' || name === 'or')) {
      let v: Value;
      for (const arg of args) {
        v = this.evalArg(dot, T.reflectValue, arg);
        if (truth(v) === (name === 'or')) return v;
      }
      if (final !== MISSING) v = this.validateType(final, T.reflectValue);
      return v;
    }
    const argv: Value[] = [];
    let i = 0;
    for (; i < numFixed && i < args.length; i += 1) argv.push(this.evalArg(dot, fn.params[i] as GoType, args[i] as ArgNode));
    if (fn.variadic !== undefined) for (; i < args.length; i += 1) argv.push(this.evalArg(dot, fn.variadic, args[i] as ArgNode));
    if (final !== MISSING) {
      let t: GoType;
      if (fn.variadic !== undefined) t = numIn - 1 < numFixed ? (fn.params[numIn - 1] as GoType) : fn.variadic;
      else t = fn.params[fn.params.length - 1] as GoType;
      argv.push(this.validateType(final, t));
    }
    let result: Value;
    try {
      result = fn.call(argv, this.ctx);
    } catch (error) {
      if (error instanceof FuncError) {
        this.at(node);
        this.errorf(`error calling ${name}: ${error.message}`);
      }
      throw error;
    }
    // Intermediate strings count against the output limit too: `$x = printf "%s%s" $x $x` in a
    // loop doubles a string each pass and would exhaust memory long before anything is written.
    // (UTF-16 length is at most the UTF-8 byte length, so this never refuses what would fit.)
    const size = typeof result === 'string' ? result.length : result instanceof GoBytes ? result.bytes.length : 0;
    if (size > this.options.maxOutputBytes) {
      this.at(node);
      this.errorf(`error calling ${name}: result larger than the output limit (more than ${this.options.maxOutputBytes} bytes; TemplateLimits.maxOutputBytes)`);
    }
    return result;
  }

  private validateType(value: Value, typ: GoType | null): Value {
    if (value === undefined) {
      if (typ === null) return undefined;
      if (typ === T.reflectValue) return undefined;
      if (canBeNil(typ)) return zeroOf(typ);
      this.errorf(`invalid value; expected ${typ.name}`);
    }
    if (typ === null || typ === T.reflectValue) return value;
    const vt = typeOfValue(value) as GoType;
    if (!assignable(vt, typ)) {
      if (value instanceof Iface && value.inner !== null) {
        const inner = value.inner;
        if (assignable(typeOf(inner), typ)) return inner;
        value = inner;
      }
      const t2 = typeOfValue(value) as GoType;
      if (t2.kind === 'ptr' && assignable(t2.elem as GoType, typ)) {
        const deref = indirect(value);
        if (deref.isNil) this.errorf(`dereference of nil pointer of type ${typ.name}`);
        return deref.value;
      }
      this.errorf(`wrong type for value; expected ${typ.name}; got ${t2.name}`);
    }
    return value;
  }

  private evalArg(dot: Value, typ: GoType | null, n: ArgNode): Value {
    this.at(n);
    switch (n.type) {
      case 'dot':
        return this.validateType(dot, typ);
      case 'nil':
        if (typ !== null && canBeNil(typ)) return typ === T.reflectValue ? undefined : zeroOf(typ);
        this.errorf(`cannot assign nil to ${typ?.name ?? '<nil>'}`);
      // falls through (errorf never returns)
      case 'field':
        return this.validateType(this.evalFieldNode(dot, n, [n], MISSING), typ);
      case 'variable':
        return this.validateType(this.evalVariableNode(dot, n, [], MISSING), typ);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, n), typ);
      case 'identifier':
        return this.validateType(this.evalFunction(dot, n, n, null, MISSING), typ);
      case 'chain':
        return this.validateType(this.evalChainNode(dot, n, [], MISSING), typ);
      default:
        break;
    }
    if (typ === null) this.errorf(`can't handle ${nodeString(n)} for arg of type <nil>`);
    switch (typ.kind) {
      case 'bool':
        if (n.type === 'bool') return n.value;
        this.errorf(`expected bool; found ${nodeString(n)}`);
      // falls through
      case 'float64':
        if (n.type === 'number' && n.isFloat) return n.float64;
        this.errorf(`expected float; found ${nodeString(n)}`);
      // falls through
      case 'int':
      case 'int64':
        if (n.type === 'number' && n.isInt) return typ === T.int ? n.int64 : new Typed(typ, n.int64);
        this.errorf(`expected integer; found ${nodeString(n)}`);
      // falls through
      case 'uint8':
      case 'uint64':
        if (n.type === 'number' && n.isUint) return new Typed(typ, n.uint64);
        this.errorf(`expected unsigned integer; found ${nodeString(n)}`);
      // falls through
      case 'complex128':
        if (n.type === 'number' && n.isComplex) return new Typed(typ, n.complex);
        this.errorf(`expected complex; found ${nodeString(n)}`);
      // falls through
      case 'string':
        if (n.type === 'string') return n.text;
        this.errorf(`expected string; found ${nodeString(n)}`);
      // falls through
      case 'interface':
        return this.evalEmptyInterface(dot, n);
      case 'struct':
        if (typ === T.reflectValue) return this.evalEmptyInterface(dot, n);
        break;
      default:
        break;
    }
    this.errorf(`can't handle ${nodeString(n)} for arg of type ${typ.name}`);
  }

  private evalEmptyInterface(_dot: Value, n: ArgNode): Value {
    this.at(n);
    switch (n.type) {
      case 'bool':
        return n.value;
      case 'number':
        return this.idealConstant(n);
      case 'string':
        return n.text;
      default:
        this.errorf(`can't handle assignment of ${nodeString(n)} to empty interface argument`);
    }
  }

  private printValue(node: Node, value: Value): void {
    this.at(node);
    let v = value;
    if (kindOf(v) === 'ptr') v = indirect(v).value;
    if (v === undefined) {
      this.write('<no value>');
      return;
    }
    const arg = toArg(v);
    if (typeof arg === 'string') {
      this.write(arg);
      return;
    }
    const builder = new ByteBuilder();
    printValueTo(builder, arg);
    const printed = builder.toGoString();
    this.write(typeof printed === 'string' ? printed : printed);
  }
}

function sprintV(value: Value): string {
  const printed = goSprintf('%v', [toArg(value)]);
  return goDisplayText(printed);
}

export { isNilValue };
