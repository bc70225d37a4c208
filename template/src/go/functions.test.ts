// The engine side of consul-template's `file`: a dependency like any other (no I/O in the engine).
import { GoTemplateEngine, type DependencyStore, type FileContent, type TemplateDependency } from '../index.js';

const engine = new GoTemplateEngine();

function storeWith(files: Record<string, FileContent>): DependencyStore {
  return {
    read: () => undefined,
    list: () => undefined,
    pki: () => undefined,
    file: (dependency: TemplateDependency & { kind: 'file' }) => files[dependency.path],
  };
}

const render = (source: string, store: DependencyStore, sandboxPath?: string) =>
  engine.compile(source, {}).render({ store, env: () => undefined, destination: '/d', ...(sandboxPath === undefined ? {} : { sandboxPath }) });

describe('file', () => {
  it('is missing until the store has the file, then renders its content; paths are cleaned', () => {
    const first = render('[{{ file " /etc/app/../app/x.conf " }}]', storeWith({}));
    expect(first.output).toBeUndefined();
    expect(first.missing).toEqual([{ kind: 'file', id: 'file(/etc/app/x.conf)', path: '/etc/app/x.conf' }]);
    expect(render('[{{ file "/etc/app/x.conf" }}]{{ file "" }}', storeWith({ '/etc/app/x.conf': { content: 'a=1' } })).output).toBe('[a=1]');
  });

  it('checks the sandbox_path on the cleaned path, and reports the agent\'s refusal as an error', () => {
    expect(() => render('{{ file "/box/../etc/passwd" }}', storeWith({}), '/box')).toThrow(`error calling file: '/box/../etc/passwd' is outside of sandbox`);
    const inside = render('{{ file "/box/a" }}', storeWith({ '/box/a': { content: 'in' } }), '/box/');
    expect(inside.output).toBe('in');
    expect(inside.dependencies).toEqual([{ kind: 'file', id: 'file(/box/a) sandbox /box', path: '/box/a', sandbox: '/box' }]);
    expect(() => render('{{ file "/box/link" }}', storeWith({ '/box/link': { error: "'/box/link' is outside of sandbox" } }), '/box')).toThrow(/error calling file: '\/box\/link' is outside of sandbox/);
  });

  it('fails clearly where no store can read files', () => {
    expect(() => render('{{ file "/x" }}', { read: () => undefined, list: () => undefined, pki: () => undefined })).toThrow('error calling file: reading local files is not available here');
  });
});
