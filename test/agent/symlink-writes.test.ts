// Planted symlinks in the secrets volume (issue 10): the app container shares the volume and can
// put links where the agent writes. Nothing outside the directory may change, no mode may be
// inherited from a link target, nothing is read through a link. The "volume" is a temp directory
// made world-writable like an emptyDir.
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TemplateConfig } from '../../agent/src/config/agent-config.js';
import { writeRenderedFile } from '../../agent/src/render/write-rendered-file.js';
import { fileSideEffects } from '../../agent/src/render/write-to-file.js';
import { writeFileAtomic } from '../../agent/src/sink/atomic-file.js';
import { SymlinkRefusedError } from '../../agent/src/fs/no-follow.js';

const template: TemplateConfig = {
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

let root: string;
let secrets: string;
let outside: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'symlinks-'));
  secrets = join(root, 'secrets');
  outside = join(root, 'outside');
  mkdirSync(secrets);
  chmodSync(secrets, 0o1777);
  mkdirSync(outside);
  writeFileSync(join(outside, 'victim'), 'same', { mode: 0o600 });
  chmodSync(join(outside, 'victim'), 0o600);
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** Name, mode, size and content of everything outside the volume. */
function outsideState(): string {
  return readdirSync(outside).sort().map((name) => {
    const stats = lstatSync(join(outside, name));
    const content = stats.isFile() && stats.size < 1024 ? readFileSync(join(outside, name), 'utf8') : '';
    return `${name} ${(stats.mode & 0o7777).toString(8)} ${stats.size} ${content}`;
  }).join('\n');
}

describe('writes in a volume with planted symlinks', () => {
  it('a link to /dev/zero at the destination: the new file is a 0644 regular file, not 0666 from the device', async () => {
    const destination = join(secrets, 'db');
    symlinkSync('/dev/zero', destination);
    const zeroMode = statSync('/dev/zero').mode;
    expect(await writeRenderedFile({ ...template, destination }, 'password=1')).toBe(true);
    const stats = lstatSync(destination);
    expect(stats.isFile()).toBe(true);
    expect(stats.mode & 0o777).toBe(0o644);
    expect(readFileSync(destination, 'utf8')).toBe('password=1');
    expect(statSync('/dev/zero').mode).toBe(zeroMode);
  });

  it('a link to a file outside with the same content: perms are not applied through it, the link is replaced', async () => {
    const destination = join(secrets, 'config');
    symlinkSync(join(outside, 'victim'), destination);
    const before = outsideState();
    expect(await writeRenderedFile({ ...template, destination, perms: 0o644 }, 'same')).toBe(true);
    expect(outsideState()).toBe(before);
    expect(lstatSync(destination).isFile()).toBe(true);
    expect(lstatSync(destination).mode & 0o777).toBe(0o644);
  });

  it('a link to a huge file is never read', async () => {
    const huge = join(outside, 'huge');
    writeFileSync(huge, '');
    truncateSync(huge, 2 * 1024 * 1024 * 1024);
    const destination = join(secrets, 'big');
    symlinkSync(huge, destination);
    const before = process.memoryUsage().rss;
    expect(await writeRenderedFile({ ...template, destination }, 'small')).toBe(true);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
    expect(statSync(huge).size).toBe(2 * 1024 * 1024 * 1024);
    // A real (not linked) huge file with the same name: compared by size, not read.
    rmSync(destination);
    writeFileSync(destination, '');
    truncateSync(destination, 1024 * 1024 * 1024);
    expect(await writeRenderedFile({ ...template, destination }, 'small')).toBe(true);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });

  it('a symlinked directory inside the volume is not followed out of it (templates, sinks, writeToFile)', async () => {
    symlinkSync(outside, join(secrets, 'sub'));
    const before = outsideState();
    await expect(writeRenderedFile({ ...template, destination: join(secrets, 'sub', 'file') }, 'x')).rejects.toBeInstanceOf(SymlinkRefusedError);
    await expect(writeRenderedFile({ ...template, destination: join(secrets, 'sub', 'deeper', 'file') }, 'x')).rejects.toThrow(`${join(secrets, 'sub')} is a symbolic link`);
    await expect(writeFileAtomic(join(secrets, 'sub', 'victim'), 'token', { mode: 0o640 })).rejects.toBeInstanceOf(SymlinkRefusedError);
    expect(() => {
      fileSideEffects.writeToFile({ path: join(secrets, 'sub', 'victim'), content: 'x', user: '', group: '', perms: '0666', append: false, newline: false });
    }).toThrow(SymlinkRefusedError);
    expect(() => {
      fileSideEffects.writeToFile({ path: join(secrets, 'sub', 'victim'), content: 'x', user: '', group: '', perms: '0666', append: true, newline: false });
    }).toThrow(SymlinkRefusedError);
    expect(outsideState()).toBe(before);
  });

  it('writeToFile refuses a link at the path, appends included, and never chmods through one', () => {
    const path = join(secrets, 'side');
    symlinkSync(join(outside, 'victim'), path);
    const before = outsideState();
    for (const append of [false, true]) {
      expect(() => {
        fileSideEffects.writeToFile({ path, content: 'same', user: '', group: '', perms: '0666', append, newline: false });
      }).toThrow('refusing to write through symlink');
    }
    expect(outsideState()).toBe(before);
  });

  it('writeToFile still writes, appends and re-modes regular files', () => {
    const path = join(secrets, 'd', 'side');
    fileSideEffects.writeToFile({ path, content: 'a', user: '', group: '', perms: '0600', append: false, newline: true });
    fileSideEffects.writeToFile({ path, content: 'b', user: '', group: '', perms: '0640', append: true, newline: true });
    expect(readFileSync(path, 'utf8')).toBe('a\nb\n');
    expect(statSync(path).mode & 0o777).toBe(0o640);
    fileSideEffects.writeToFile({ path, content: 'a\nb\n', user: '', group: '', perms: '0600', append: false, newline: false });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('a link only root could have planted (root-owned, in a root-owned 0755 directory) is followed', async () => {
    if (process.getuid?.() !== 0) return;
    const system = join(root, 'system');
    mkdirSync(system, { mode: 0o755 });
    chmodSync(root, 0o755);
    symlinkSync(outside, join(system, 'run'));
    await writeRenderedFile({ ...template, destination: join(system, 'run', 'ok') }, 'fine');
    expect(readFileSync(join(outside, 'ok'), 'utf8')).toBe('fine');
  });
});
