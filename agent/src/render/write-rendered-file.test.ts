import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, chmodSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TemplateConfig } from '../config/agent-config.js';
import { writeRenderedFile } from './write-rendered-file.js';
import { parsePemBundle, rotationPointMs } from './pem-bundle.js';

const base: TemplateConfig = {
  destination: '',
  contents: 'x',
  source: undefined,
  engine: 'go',
  createDestDirs: true,
  perms: undefined,
  backup: false,
  errorOnMissingKey: false,
  leftDelimiter: '{{',
  rightDelimiter: '}}',
  command: undefined,
  functionDenylist: [],
};

describe('writeRenderedFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'write-'));
  });
  afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

  it('creates parents, defaults to 0644, skips identical content and replaces atomically', async () => {
    const destination = join(dir, 'a/b/file');
    expect(await writeRenderedFile({ ...base, destination }, 'one')).toBe(true);
    expect(statSync(destination).mode & 0o777).toBe(0o644);
    const inode = statSync(destination).ino;
    expect(await writeRenderedFile({ ...base, destination }, 'one')).toBe(false);
    expect(statSync(destination).ino).toBe(inode);
    expect(await writeRenderedFile({ ...base, destination }, 'two')).toBe(true);
    expect(statSync(destination).ino).not.toBe(inode);
    expect(readFileSync(destination, 'utf8')).toBe('two');
    expect(readdirSync(join(dir, 'a/b'))).toEqual(['file']);
  });

  it('keeps the existing mode unless perms is set, and fixes the mode of an identical file', async () => {
    const destination = join(dir, 'file');
    writeFileSync(destination, 'old');
    chmodSync(destination, 0o600);
    await writeRenderedFile({ ...base, destination }, 'new');
    expect(statSync(destination).mode & 0o777).toBe(0o600);
    await writeRenderedFile({ ...base, destination, perms: 0o440 }, 'new');
    expect(statSync(destination).mode & 0o777).toBe(0o440);
  });

  it('refuses a missing directory when create_dest_dirs is false', async () => {
    await expect(writeRenderedFile({ ...base, destination: join(dir, 'missing/file'), createDestDirs: false }, 'x')).rejects.toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps one backup when asked', async () => {
    const destination = join(dir, 'file');
    await writeRenderedFile({ ...base, destination, backup: true }, 'v1');
    await writeRenderedFile({ ...base, destination, backup: true }, 'v2');
    await writeRenderedFile({ ...base, destination, backup: true }, 'v3');
    expect(readFileSync(`${destination}.bak`, 'utf8')).toBe('v2');
    expect(readFileSync(`${destination}.old.bak`, 'utf8')).toBe('v1');
    expect(existsSync(destination)).toBe(true);
  });
});

describe('PEM bundles for pkiCert', () => {
  it('returns empty data and no rotation point without a leaf', () => {
    const bundle = parsePemBundle('nothing here');
    expect(bundle.data).toEqual({ Cert: '', Key: '', CA: '', CAChain: [] });
    expect(rotationPointMs(bundle, 0.9)).toBeUndefined();
  });
});
