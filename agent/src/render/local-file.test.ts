import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalFiles } from './local-file.js';
import { sandboxedSideEffects } from './write-to-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'local-file-'));
});
afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

const dep = (path: string, sandbox?: string) =>
  sandbox === undefined ? ({ kind: 'file', id: `file(${path})`, path } as const) : ({ kind: 'file', id: `file(${path}) sandbox ${sandbox}`, path, sandbox } as const);

describe('LocalFiles (the file function on the agent side)', () => {
  it('reads a file, sees changes, and refuses files over the bound or missing', async () => {
    const files = new LocalFiles(16);
    const path = join(dir, 'a.txt');
    writeFileSync(path, 'one');
    expect(await files.read(dep(path))).toEqual({ content: 'one' });
    writeFileSync(path, 'two!');
    expect(await files.read(dep(path))).toEqual({ content: 'two!' });
    writeFileSync(path, 'x'.repeat(17));
    await expect(files.read(dep(path))).rejects.toThrow(/17 bytes is more than the 16 a template may read/);
    await expect(files.read(dep(join(dir, 'missing')))).rejects.toThrow(/ENOENT/);
  });

  it('resolves symlinks before checking the sandbox', async () => {
    const sandbox = join(dir, 'box');
    mkdirSync(sandbox);
    writeFileSync(join(dir, 'outside.txt'), 'secret');
    writeFileSync(join(sandbox, 'inside.txt'), 'ok');
    symlinkSync(join(dir, 'outside.txt'), join(sandbox, 'escape.txt'));
    symlinkSync(join(sandbox, 'inside.txt'), join(sandbox, 'alias.txt'));
    const files = new LocalFiles();
    expect(await files.read(dep(join(sandbox, 'alias.txt'), sandbox))).toEqual({ content: 'ok' });
    expect(await files.read(dep(join(sandbox, 'escape.txt'), sandbox))).toEqual({ error: `'${join(sandbox, 'escape.txt')}' is outside of sandbox` });
  });
});

describe('writeToFile under a sandbox_path', () => {
  it('writes inside the sandbox and refuses paths (or symlinked directories) leading out', () => {
    const sandbox = join(dir, 'box');
    mkdirSync(sandbox);
    mkdirSync(join(dir, 'elsewhere'));
    symlinkSync(join(dir, 'elsewhere'), join(sandbox, 'door'));
    const effects = sandboxedSideEffects(sandbox);
    const request = (path: string) => ({ path, user: '', group: '', perms: '0600', content: 'c', append: false, newline: false });
    effects.writeToFile(request(join(sandbox, 'sub', 'f.txt')));
    expect(readFileSync(join(sandbox, 'sub', 'f.txt'), 'utf8')).toBe('c');
    expect(() => { effects.writeToFile(request(join(sandbox, '..', 'x.txt'))); }).toThrow(/is outside of sandbox/);
    expect(() => { effects.writeToFile(request(join(sandbox, 'door', 'x.txt'))); }).toThrow(/is outside of sandbox/);
  });
});
