// text/template's parse tree, with Go's String() forms (they appear in error texts: `at <.a.b>`).
import type { GoBytes } from './values.js';
import { goQuote } from '../../../common/src/go-quote.js';

export interface ListNode {
  readonly type: 'list';
  readonly pos: number;
  readonly nodes: Node[];
}
export interface TextNode {
  readonly type: 'text';
  readonly pos: number;
  readonly text: string;
}
export interface CommentNode {
  readonly type: 'comment';
  readonly pos: number;
  readonly text: string;
}
export interface PipeNode {
  readonly type: 'pipe';
  readonly pos: number;
  isAssign: boolean;
  readonly decl: VariableNode[];
  readonly cmds: CommandNode[];
}
export interface ActionNode {
  readonly type: 'action';
  readonly pos: number;
  readonly pipe: PipeNode;
}
export interface CommandNode {
  readonly type: 'command';
  readonly pos: number;
  readonly args: ArgNode[];
}
export interface IdentifierNode {
  readonly type: 'identifier';
  readonly pos: number;
  readonly ident: string;
}
export interface VariableNode {
  readonly type: 'variable';
  readonly pos: number;
  readonly ident: string[];
}
export interface DotNode {
  readonly type: 'dot';
  readonly pos: number;
}
export interface NilNode {
  readonly type: 'nil';
  readonly pos: number;
}
export interface FieldNode {
  readonly type: 'field';
  readonly pos: number;
  readonly ident: string[];
}
export interface ChainNode {
  readonly type: 'chain';
  readonly pos: number;
  readonly node: ArgNode;
  readonly field: string[];
}
export interface BoolNode {
  readonly type: 'bool';
  readonly pos: number;
  readonly value: boolean;
}
export interface NumberNode {
  readonly type: 'number';
  readonly pos: number;
  readonly text: string;
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  isComplex: boolean;
  int64: bigint;
  uint64: bigint;
  float64: number;
  complex: { re: number; im: number };
}
export interface StringNode {
  readonly type: 'string';
  readonly pos: number;
  readonly quoted: string;
  readonly text: string | GoBytes;
}
export interface EndNode {
  readonly type: 'end';
  readonly pos: number;
}
export interface ElseNode {
  readonly type: 'else';
  readonly pos: number;
}
export interface BranchNode {
  readonly type: 'if' | 'range' | 'with';
  readonly pos: number;
  readonly pipe: PipeNode;
  readonly list: ListNode;
  readonly elseList: ListNode | null;
}
export interface BreakNode {
  readonly type: 'break';
  readonly pos: number;
}
export interface ContinueNode {
  readonly type: 'continue';
  readonly pos: number;
}
export interface TemplateNode {
  readonly type: 'template';
  readonly pos: number;
  readonly name: string;
  readonly pipe: PipeNode | null;
}

export type ArgNode =
  | IdentifierNode
  | VariableNode
  | DotNode
  | NilNode
  | FieldNode
  | ChainNode
  | BoolNode
  | NumberNode
  | StringNode
  | PipeNode;

export type Node =
  | ListNode
  | TextNode
  | CommentNode
  | ActionNode
  | CommandNode
  | BranchNode
  | BreakNode
  | ContinueNode
  | TemplateNode
  | EndNode
  | ElseNode
  | ArgNode;

export function nodeString(node: Node): string {
  switch (node.type) {
    case 'list':
      return node.nodes.map(nodeString).join('');
    case 'text':
      return node.text;
    case 'comment':
      return `{{${node.text}}}`;
    case 'pipe': {
      let out = '';
      if (node.decl.length > 0) out += `${node.decl.map(nodeString).join(', ')} := `;
      return out + node.cmds.map(nodeString).join(' | ');
    }
    case 'action':
      return `{{${nodeString(node.pipe)}}}`;
    case 'command':
      return node.args.map((arg) => (arg.type === 'pipe' ? `(${nodeString(arg)})` : nodeString(arg))).join(' ');
    case 'identifier':
      return node.ident;
    case 'variable':
      return node.ident.join('.');
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'field':
      return node.ident.map((id) => `.${id}`).join('');
    case 'chain': {
      const head = node.node.type === 'pipe' ? `(${nodeString(node.node)})` : nodeString(node.node);
      return head + node.field.map((f) => `.${f}`).join('');
    }
    case 'bool':
      return node.value ? 'true' : 'false';
    case 'number':
      return node.text;
    case 'string':
      return node.quoted;
    case 'end':
      return '{{end}}';
    case 'else':
      return '{{else}}';
    case 'if':
    case 'range':
    case 'with': {
      let out = `{{${node.type} ${nodeString(node.pipe)}}}${nodeString(node.list)}`;
      if (node.elseList !== null) out += `{{else}}${nodeString(node.elseList)}`;
      return `${out}{{end}}`;
    }
    case 'break':
      return '{{break}}';
    case 'continue':
      return '{{continue}}';
    case 'template':
      return `{{template ${goQuote(node.name)}${node.pipe === null ? '' : ` ${nodeString(node.pipe)}`}}}`;
  }
}
