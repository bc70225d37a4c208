// text/template's parser (Go 1.19 parse/parse.go), token for token, so syntax errors carry the
// same texts and line numbers as Go's.
import { goQuote } from '../../../common/src/go-quote.js';
import {
  type ArgNode,
  type BranchNode,
  type CommandNode,
  type ListNode,
  type Node,
  type PipeNode,
  type TemplateNode,
  type VariableNode,
  nodeString,
} from './ast.js';
import { Item, type ItemType, type LexItem, lex } from './lexer.js';
import { LiteralError, newNumber, unquoteString } from './literals.js';
import { stringText } from './values.js';

export class ParseError extends Error {}

export interface ParsedTemplates {
  /** Every tree by name; the top-level template is under the parse name. */
  readonly trees: Map<string, ListNode>;
}

export interface ParseOptions {
  readonly name: string;
  readonly leftDelim: string;
  readonly rightDelim: string;
  readonly hasFunction: (name: string) => boolean;
  /** Extra parse-time refusal for function names (function_denylist). */
  readonly deniedFunction?: (name: string) => string | undefined;
}

function itemString(item: LexItem): string {
  if (item.typ === Item.eof) return 'EOF';
  if (item.typ === Item.error) return item.val;
  if (item.typ > Item.keyword) return `<${item.val}>`;
  if (item.val.length > 10) return `${goQuote(item.val.slice(0, 10))}...`;
  return goQuote(item.val);
}

function isEmptyTree(node: Node | null): boolean {
  if (node === null) return true;
  switch (node.type) {
    case 'comment':
      return true;
    case 'list':
      return node.nodes.every(isEmptyTree);
    case 'text':
      return node.text.trim() === '' && !/[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/.test(node.text);
    default:
      return false;
  }
}

class Tree {
  name: string;
  root: ListNode | null = null;
  private readonly token: LexItem[] = [];
  private peekCount = 0;
  private vars: string[] = ['$'];
  private actionLine = 0;
  private rangeDepth = 0;

  constructor(
    name: string,
    private readonly shared: {
      readonly items: LexItem[];
      index: number;
      readonly parseName: string;
      readonly treeSet: Map<string, ListNode>;
      readonly options: ParseOptions;
    },
  ) {
    this.name = name;
  }

  // --- token buffer (three-token lookahead, as in Go) -------------------------------------------
  private nextItem(): LexItem {
    const items = this.shared.items;
    const item = items[Math.min(this.shared.index, items.length - 1)] as LexItem;
    if (this.shared.index < items.length) this.shared.index += 1;
    return item;
  }

  private next(): LexItem {
    if (this.peekCount > 0) this.peekCount -= 1;
    else this.token[0] = this.nextItem();
    return this.token[this.peekCount] as LexItem;
  }

  private backup(): void {
    this.peekCount += 1;
  }

  private backup2(t1: LexItem): void {
    this.token[1] = t1;
    this.peekCount = 2;
  }

  private backup3(t2: LexItem, t1: LexItem): void {
    this.token[1] = t1;
    this.token[2] = t2;
    this.peekCount = 3;
  }

  private peek(): LexItem {
    if (this.peekCount > 0) return this.token[this.peekCount - 1] as LexItem;
    this.peekCount = 1;
    this.token[0] = this.nextItem();
    return this.token[0];
  }

  private nextNonSpace(): LexItem {
    let token: LexItem;
    do token = this.next();
    while (token.typ === Item.space);
    return token;
  }

  private peekNonSpace(): LexItem {
    const token = this.nextNonSpace();
    this.backup();
    return token;
  }

  // --- errors -----------------------------------------------------------------------------------
  errorf(message: string): never {
    this.root = null;
    const line = this.token[0]?.line ?? 1;
    throw new ParseError(`template: ${this.shared.parseName}:${line}: ${message}`);
  }

  private expect(expected: ItemType, context: string): LexItem {
    const token = this.nextNonSpace();
    if (token.typ !== expected) this.unexpected(token, context);
    return token;
  }

  private expectOneOf(a: ItemType, b: ItemType, context: string): LexItem {
    const token = this.nextNonSpace();
    if (token.typ !== a && token.typ !== b) this.unexpected(token, context);
    return token;
  }

  private unexpected(token: LexItem, context: string): never {
    if (token.typ === Item.error) {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== token.line) {
        extra = ` in action started at ${this.shared.parseName}:${this.actionLine}`;
        if (token.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf(`${itemString(token)}${extra}`);
    }
    this.errorf(`unexpected ${itemString(token)} in ${context}`);
  }

  private unquote(text: string): string {
    try {
      return stringText(unquoteString(text));
    } catch (error) {
      this.errorf(error instanceof Error ? error.message : String(error));
    }
  }

  // --- top level ----------------------------------------------------------------------------------
  parse(): void {
    this.root = this.newList(this.peek().pos);
    while (this.peek().typ !== Item.eof) {
      if (this.peek().typ === Item.leftDelim) {
        const delim = this.next();
        if (this.nextNonSpace().typ === Item.define) {
          const defined = new Tree('definition', this.shared);
          defined.parseDefinition();
          continue;
        }
        this.backup2(delim);
      }
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') this.errorf(`unexpected ${nodeString(n)}`);
      this.root.nodes.push(n);
    }
  }

  add(): void {
    const existing = this.shared.treeSet.get(this.name);
    if (existing === undefined || isEmptyTree(existing)) {
      this.shared.treeSet.set(this.name, this.root as ListNode);
      return;
    }
    if (!isEmptyTree(this.root)) this.errorf(`template: multiple definition of template ${goQuote(this.name)}`);
  }

  private parseDefinition(): void {
    const context = 'define clause';
    const name = this.expectOneOf(Item.string, Item.rawString, context);
    this.name = this.unquote(name.val);
    this.expect(Item.rightDelim, context);
    const [list, end] = this.itemList();
    this.root = list;
    if (end.type !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    this.add();
  }

  private itemList(): [ListNode, Node] {
    const list = this.newList(this.peekNonSpace().pos);
    while (this.peekNonSpace().typ !== Item.eof) {
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') return [list, n];
      list.nodes.push(n);
    }
    this.errorf('unexpected EOF');
  }

  private textOrAction(): Node {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case Item.text:
        return { type: 'text', pos: token.pos, text: token.val };
      case Item.leftDelim: {
        this.actionLine = token.line;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      }
      case Item.comment:
        return { type: 'comment', pos: token.pos, text: token.val };
      default:
        this.unexpected(token, 'input');
    }
  }

  private action(): Node {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case Item.block:
        return this.blockControl();
      case Item.break:
        return this.breakControl(token.pos, '{{break}}', 'break');
      case Item.continue:
        return this.breakControl(token.pos, '{{continue}}', 'continue');
      case Item.else:
        return this.elseControl();
      case Item.end:
        return { type: 'end', pos: this.expect(Item.rightDelim, 'end').pos };
      case Item.if:
        return this.parseControl(true, 'if');
      case Item.range:
        return this.parseControl(false, 'range');
      case Item.template:
        return this.templateControl();
      case Item.with:
        return this.parseControl(false, 'with');
      default:
        break;
    }
    this.backup();
    const peeked = this.peek();
    return { type: 'action', pos: peeked.pos, pipe: this.pipeline('command', Item.rightDelim) };
  }

  private breakControl(pos: number, context: string, kind: 'break' | 'continue'): Node {
    const token = this.nextNonSpace();
    if (token.typ !== Item.rightDelim) this.unexpected(token, context);
    if (this.rangeDepth === 0) this.errorf(`${context} outside {{range}}`);
    return { type: kind, pos };
  }

  private pipeline(context: string, end: ItemType): PipeNode {
    const token = this.peekNonSpace();
    const pipe: PipeNode = { type: 'pipe', pos: token.pos, isAssign: false, decl: [], cmds: [] };
    decls: for (;;) {
      const v = this.peekNonSpace();
      if (v.typ === Item.variable) {
        this.next();
        const tokenAfterVariable = this.peek();
        const next = this.peekNonSpace();
        if (next.typ === Item.assign || next.typ === Item.declare) {
          pipe.isAssign = next.typ === Item.assign;
          this.nextNonSpace();
          pipe.decl.push(this.newVariable(v.pos, v.val));
          this.vars.push(v.val);
        } else if (next.typ === Item.char && next.val === ',') {
          this.nextNonSpace();
          pipe.decl.push(this.newVariable(v.pos, v.val));
          this.vars.push(v.val);
          if (context === 'range' && pipe.decl.length < 2) {
            const after = this.peekNonSpace().typ;
            if (after === Item.variable || after === Item.rightDelim || after === Item.rightParen) continue decls;
            this.errorf('range can only initialize variables');
          }
          this.errorf(`too many declarations in ${context}`);
        } else if (tokenAfterVariable.typ === Item.space) {
          this.backup3(v, tokenAfterVariable);
        } else {
          this.backup2(v);
        }
      }
      break;
    }
    for (;;) {
      const token = this.nextNonSpace();
      switch (token.typ) {
        case end:
          this.checkPipeline(pipe, context);
          return pipe;
        case Item.bool:
        case Item.charConstant:
        case Item.complex:
        case Item.dot:
        case Item.field:
        case Item.identifier:
        case Item.number:
        case Item.nil:
        case Item.rawString:
        case Item.string:
        case Item.variable:
        case Item.leftParen:
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(token, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    for (let i = 1; i < pipe.cmds.length; i += 1) {
      const type = (pipe.cmds[i] as CommandNode).args[0]?.type;
      if (type === 'bool' || type === 'dot' || type === 'nil' || type === 'number' || type === 'string') {
        this.errorf(`non executable command in pipeline stage ${i + 1}`);
      }
    }
  }

  private parseControl(allowElseIf: boolean, context: 'if' | 'range' | 'with'): BranchNode {
    const mark = this.vars.length;
    try {
      const pipe = this.pipeline(context, Item.rightDelim);
      if (context === 'range') this.rangeDepth += 1;
      let [list, next] = this.itemList();
      if (context === 'range') this.rangeDepth -= 1;
      let elseList: ListNode | null = null;
      if (next.type === 'else') {
        if (allowElseIf && this.peek().typ === Item.if) {
          this.next();
          elseList = this.newList(next.pos);
          elseList.nodes.push(this.parseControl(true, 'if'));
        } else {
          [elseList, next] = this.itemList();
          if (next.type !== 'end') this.errorf(`expected end; found ${nodeString(next)}`);
        }
      }
      list = list;
      return { type: context, pos: pipe.pos, pipe, list, elseList };
    } finally {
      // Truncating an array to its own length still costs a runtime call.
      if (this.vars.length !== mark) this.vars.length = mark;
    }
  }

  private elseControl(): Node {
    const peek = this.peekNonSpace();
    if (peek.typ === Item.if) return { type: 'else', pos: peek.pos };
    const token = this.expect(Item.rightDelim, 'else');
    return { type: 'else', pos: token.pos };
  }

  private blockControl(): Node {
    const context = 'block clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    const pipe = this.pipeline(context, Item.rightDelim);
    const block = new Tree(name, this.shared);
    const [list, end] = block.itemList();
    block.root = list;
    if (end.type !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    block.add();
    const node: TemplateNode = { type: 'template', pos: token.pos, name, pipe };
    return node;
  }

  private templateControl(): Node {
    const context = 'template clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().typ !== Item.rightDelim) {
      this.backup();
      pipe = this.pipeline(context, Item.rightDelim);
    }
    return { type: 'template', pos: token.pos, name, pipe };
  }

  private parseTemplateName(token: LexItem, context: string): string {
    if (token.typ === Item.string || token.typ === Item.rawString) return this.unquote(token.val);
    this.unexpected(token, context);
  }

  private command(): CommandNode {
    const cmd: CommandNode = { type: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand !== null) cmd.args.push(operand);
      const token = this.next();
      if (token.typ === Item.space) continue;
      if (token.typ === Item.rightDelim || token.typ === Item.rightParen) this.backup();
      else if (token.typ !== Item.pipe) this.unexpected(token, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  private operand(): ArgNode | null {
    let node = this.term();
    if (node === null) return null;
    if (this.peek().typ === Item.field) {
      const chainPos = this.peek().pos;
      const fields: string[] = [];
      while (this.peek().typ === Item.field) fields.push(this.next().val.slice(1));
      switch (node.type) {
        case 'field':
          node = { type: 'field', pos: chainPos, ident: [...node.ident, ...fields] };
          break;
        case 'variable':
          node = this.newVariable(chainPos, [...node.ident, ...fields].join('.'));
          break;
        case 'bool':
        case 'string':
        case 'number':
        case 'nil':
        case 'dot':
          this.errorf(`unexpected . after term ${goQuote(nodeString(node))}`);
          break;
        default:
          node = { type: 'chain', pos: chainPos, node, field: fields };
      }
    }
    return node;
  }

  private term(): ArgNode | null {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case Item.identifier: {
        const denied = this.shared.options.deniedFunction?.(token.val);
        if (denied !== undefined) this.errorf(denied);
        if (!this.shared.options.hasFunction(token.val)) this.errorf(`function ${goQuote(token.val)} not defined`);
        return { type: 'identifier', pos: token.pos, ident: token.val };
      }
      case Item.dot:
        return { type: 'dot', pos: token.pos };
      case Item.nil:
        return { type: 'nil', pos: token.pos };
      case Item.variable:
        return this.useVar(token.pos, token.val);
      case Item.field:
        return { type: 'field', pos: token.pos, ident: token.val.slice(1).split('.') };
      case Item.bool:
        return { type: 'bool', pos: token.pos, value: token.val === 'true' };
      case Item.charConstant:
      case Item.complex:
      case Item.number:
        try {
          return newNumber(token.pos, token.val, token.typ === Item.charConstant ? 'char' : token.typ === Item.complex ? 'complex' : 'number');
        } catch (error) {
          this.errorf(error instanceof LiteralError ? error.message : String(error));
        }
      // falls through (errorf never returns)
      case Item.leftParen:
        return this.pipeline('parenthesized pipeline', Item.rightParen);
      case Item.string:
      case Item.rawString: {
        let text;
        try {
          text = unquoteString(token.val);
        } catch (error) {
          this.errorf(error instanceof Error ? error.message : String(error));
        }
        return { type: 'string', pos: token.pos, quoted: token.val, text };
      }
      default:
        this.backup();
        return null;
    }
  }

  private newVariable(pos: number, ident: string): VariableNode {
    return { type: 'variable', pos, ident: ident.split('.') };
  }

  private useVar(pos: number, name: string): VariableNode {
    const v = this.newVariable(pos, name);
    if (!this.vars.includes(v.ident[0] as string)) this.errorf(`undefined variable ${goQuote(v.ident[0] as string)}`);
    return v;
  }

  private newList(pos: number): ListNode {
    return { type: 'list', pos, nodes: [] };
  }
}

/** Parses a template source into its named trees. Throws ParseError with Go's text. */
export function parseTemplate(source: string, options: ParseOptions): ParsedTemplates {
  const items = lex(source, options.leftDelim, options.rightDelim);
  const treeSet = new Map<string, ListNode>();
  const shared = { items, index: 0, parseName: options.name, treeSet, options };
  const top = new Tree(options.name, shared);
  top.parse();
  top.add();
  return { trees: treeSet };
}
