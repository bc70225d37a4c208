// A deliberately tiny TemplateEngine for testing the agent's dependency layer before (and
// independently of) the real engines. One instruction per line:
//   text WORDS…              literal text
//   read PATH FIELD.PATH     a field of `secret PATH` (dotted path into the envelope)
//   list PATH                `secrets PATH` joined with ","
//   write PATH k=v… FIELD    a field of a write dependency
//   via PATH FIELD FIELD2    read PATH, use its FIELD as the next path, print FIELD2 (nested dependencies)
//   fail MESSAGE             an execution error (once every earlier dependency is present)
// It follows the engine contract: no I/O, missing dependencies reported, output undefined until complete.
import type { CompiledTemplate, RenderInput, RenderResult, TemplateDependency, TemplateEngine } from '../../../template/src/index.js';
import { TemplateError } from '../../../template/src/index.js';

function dig(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((current, key) => (typeof current === 'object' && current !== null ? (current as Record<string, unknown>)[key] : undefined), value);
}

function display(value: unknown): string {
  if (value === undefined) return '<no value>';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export const lineEngine: TemplateEngine = {
  name: 'go',
  compile(source: string): CompiledTemplate {
    const lines = source.split('\n').filter((line) => line.trim() !== '');
    return {
      render(input: RenderInput): RenderResult {
        const dependencies = new Map<string, TemplateDependency>();
        const missing = new Map<string, TemplateDependency>();
        const out: string[] = [];
        const read = (path: string) => {
          const dependency: TemplateDependency = { kind: 'read', id: `vault.read(${path})`, path };
          dependencies.set(dependency.id, dependency);
          const envelope = input.store.read(dependency);
          if (envelope === undefined) missing.set(dependency.id, dependency);
          return envelope;
        };
        for (const line of lines) {
          const [op, ...args] = line.trim().split(/\s+/);
          if (op === 'text') out.push(args.join(' '));
          else if (op === 'read') {
            const envelope = read(args[0] ?? '');
            if (envelope !== undefined) out.push(display(dig(envelope, args[1] ?? '')));
          } else if (op === 'list') {
            const dependency: TemplateDependency = { kind: 'list', id: `vault.list(${args[0]})`, path: args[0] ?? '' };
            dependencies.set(dependency.id, dependency);
            const keys = input.store.list(dependency);
            if (keys === undefined) missing.set(dependency.id, dependency);
            else out.push(keys.join(','));
          } else if (op === 'write') {
            const pairs = args.slice(1, -1);
            const body = Object.fromEntries(pairs.map((pair) => pair.split('=') as [string, string]));
            const dependency: TemplateDependency = { kind: 'write', id: `vault.write(${args[0]} -> ${pairs.sort().join('&')})`, path: args[0] ?? '', body };
            dependencies.set(dependency.id, dependency);
            const envelope = input.store.read(dependency);
            if (envelope === undefined) missing.set(dependency.id, dependency);
            else out.push(display(dig(envelope, args.at(-1) ?? '')));
          } else if (op === 'via') {
            const first = read(args[0] ?? '');
            const next = first === undefined ? undefined : dig(first, args[1] ?? '');
            if (typeof next === 'string') {
              const second = read(next);
              if (second !== undefined) out.push(display(dig(second, args[2] ?? '')));
            }
          } else if (op === 'fail') {
            // Like a failure inside `with secret …`: only reached once the data is there.
            if (missing.size > 0) continue;
            throw new TemplateError(`fail: ${args.join(' ')}`, 'exec');
          } else {
            throw new TemplateError(`unknown instruction ${op}`, 'exec');
          }
        }
        return {
          output: missing.size === 0 ? `${out.join('\n')}\n` : undefined,
          dependencies: [...dependencies.values()],
          missing: [...missing.values()],
        };
      },
    };
  },
};
