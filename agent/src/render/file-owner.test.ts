// user/group of a rendered file: names from passwd/group files, numeric ids as given, a clear error
// for an unknown name or a refused chown.
import { chownSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyFileOwner, resolveFileOwner } from './file-owner.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'file-owner-'));
  writeFileSync(join(dir, 'passwd'), 'root:x:0:0:root:/root:/bin/sh\napp:x:1234:1234::/home/app:/bin/sh\n');
  writeFileSync(join(dir, 'group'), 'root:x:0:\nweb:x:2345:app\n');
});
afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

const files = () => ({ passwd: join(dir, 'passwd'), group: join(dir, 'group') });

describe('resolveFileOwner', () => {
  it('resolves names and keeps numeric ids; an unset side stays -1', async () => {
    expect(await resolveFileOwner('app', 'web', files())).toEqual({ uid: 1234, gid: 2345, description: 'user app (1234), group web (2345)' });
    expect(await resolveFileOwner('99', undefined, files())).toEqual({ uid: 99, gid: -1, description: 'user 99' });
    expect(await resolveFileOwner(undefined, undefined, files())).toBeUndefined();
  });

  it('names the missing user or group and the file it looked in', async () => {
    await expect(resolveFileOwner('nobody-here', undefined, files())).rejects.toThrow(`user "nobody-here" not found in ${join(dir, 'passwd')}`);
    await expect(resolveFileOwner(undefined, 'staff', files())).rejects.toThrow(`group "staff" not found in ${join(dir, 'group')}`);
  });
});

describe('applyFileOwner', () => {
  it('chowns when permitted (root here)', async () => {
    const file = join(dir, 'secret');
    writeFileSync(file, 'x');
    await applyFileOwner(file, { uid: 1234, gid: 2345, description: 'user app' });
    expect(statSync(file)).toMatchObject({ uid: 1234, gid: 2345 });
    await applyFileOwner(file, { uid: -1, gid: 0, description: 'group root' });
    expect(statSync(file)).toMatchObject({ uid: 1234, gid: 0 });
  });

  it('refuses with a clear error when the process may not chown', () => {
    const file = join(dir, 'secret');
    writeFileSync(file, 'x');
    chownSync(file, 100, 1000);
    chownSync(dir, 100, 1000);
    // A non-root process (uid 100) asking to give its file to another user.
    const script = `import(${JSON.stringify(new URL('./file-owner.ts', import.meta.url).pathname)}).then((m) => m.applyFileOwner(${JSON.stringify(file)}, { uid: 0, gid: -1, description: 'user root (0)' })).then(() => console.log('ok'), (e) => console.log(e.message))`;
    const result = spawnSync('setpriv', ['--reuid=100', '--regid=1000', '--clear-groups', process.execPath, '--import', 'tsx', '-e', script], { encoding: 'utf8', cwd: process.cwd() });
    expect(result.stdout.trim()).toBe(`cannot give ${file} to user root (0): not permitted (the agent runs as uid 100; changing a file's owner needs root or CAP_CHOWN)`);
    expect(statSync(file).uid).toBe(100);
  });
});
