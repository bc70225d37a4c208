import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applySocketPermissions } from './socket-permissions.js';

describe('applySocketPermissions', () => {
  let dir: string;
  let server: Server | undefined;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'socket-perms-')); });
  afterEach(async () => {
    await new Promise<void>((resolve) => { if (server === undefined) resolve(); else server.close(() => { resolve(); }); });
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function bound(): Promise<string> {
    const path = join(dir, 'agent.sock');
    server = createServer();
    await new Promise<void>((resolve) => server?.listen(path, resolve));
    return path;
  }

  it('gives the socket to the user and group (names or ids) and sets the mode', async () => {
    const path = await bound();
    const uid = process.getuid?.() ?? 0;
    const gid = process.getgid?.() ?? 0;
    writeFileSync(join(dir, 'passwd'), `someone:x:${uid}:${gid}::/:/bin/sh\n`);
    writeFileSync(join(dir, 'group'), `somegroup:x:${gid}:\n`);
    await applySocketPermissions(path, { mode: 0o660, user: 'someone', group: 'somegroup' }, { passwd: join(dir, 'passwd'), group: join(dir, 'group') });
    const stats = statSync(path);
    expect([stats.isSocket(), stats.mode & 0o7777, stats.uid, stats.gid]).toEqual([true, 0o660, uid, gid]);
    await applySocketPermissions(path, { mode: 0o600, user: String(uid), group: String(gid) });
    expect(statSync(path).mode & 0o7777).toBe(0o600);
  });

  it('fails naming the socket and the unknown user', async () => {
    const path = await bound();
    writeFileSync(join(dir, 'passwd'), '');
    await expect(applySocketPermissions(path, { mode: 0o660, user: 'nobody-here', group: '0' }, { passwd: join(dir, 'passwd'), group: join(dir, 'passwd') })).rejects.toThrow(
      `failed to set file system permissions on the socket file ${path}: user "nobody-here" not found`,
    );
  });
});
