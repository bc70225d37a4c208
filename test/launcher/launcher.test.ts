// The env-var launcher (image/launcher/vault-env-launcher.c, docs/env-vars.md) as a process: it
// sets exactly the named variables from their files, execs the program as the same process with
// argv untouched, and refuses unsafe input with a message naming the file and never the value.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileStatic, launcherBinary } from '../helpers/launcher-binary.js';
import { REPO_ROOT } from '../helpers/repo-paths.js';
import { exitWithOutput } from '../helpers/child-exit.js';

const SHOW_ENV_SOURCE = join(REPO_ROOT, 'test/launcher/fixtures/show-env.c');
const SECRET = 's3cr3t-Vault-value=with=equals\nand a second line ✓';
const AGENT_UID = 100;
const AGENT_GID = 1000;

let launcher: string;
let showEnv: string;
let root: string;
let envDir: string;

function writeValue(name: string, value: string | Buffer, mode = 0o440): void {
  const file = join(envDir, name);
  rmSync(file, { force: true });
  writeFileSync(file, value);
  chownSync(file, AGENT_UID, AGENT_GID);
  chmodSync(file, mode);
}

function run(args: readonly string[], env: Record<string, string> = {}): { status: number | null; signal: string | null; stdout: string; stderr: string } {
  const result = spawnSync(launcher, args, { env: { PATH: '/usr/bin:/bin', ...env }, encoding: 'utf8' });
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

function envLines(stdout: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('env:')) continue;
    const [name, ...rest] = line.slice(4).split('=');
    env.set(name ?? '', rest.join('='));
  }
  return env;
}

beforeAll(() => {
  launcher = launcherBinary();
  showEnv = compileStatic(SHOW_ENV_SOURCE, 'show-env');
});

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'launcher-'));
  chmodSync(root, 0o755);
  envDir = join(root, 'env');
  mkdirSync(envDir, { mode: 0o755 });
  chownSync(envDir, AGENT_UID, AGENT_GID);
  writeValue('DB_PASSWORD', SECRET);
  writeValue('API_KEY', 'k-123456');
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('vault-env-launcher', () => {
  it('sets exactly the named variables, byte for byte, over any inherited value, and keeps argv', () => {
    writeValue('NOT_LISTED', 'must-not-appear');
    const result = run([envDir, 'DB_PASSWORD', 'API_KEY', '--', showEnv, 'exit', '0', '--flag=x', ''], { API_KEY: 'from-pod-spec', KEEP: 'kept' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(`argv:${showEnv}|exit|0|--flag=x|`);
    const env = envLines(result.stdout);
    expect(env.get('DB_PASSWORD')).toBe(SECRET.replace('\n', '\\n'));
    expect(env.get('API_KEY')).toBe('k-123456');
    expect(env.get('KEEP')).toBe('kept');
    expect(env.has('NOT_LISTED')).toBe(false);
  });

  it.each([0, 3, 255])('passes exit code %i through', (code) => {
    expect(run([envDir, 'API_KEY', '--', showEnv, 'exit', String(code)]).status).toBe(code);
  });

  it('is replaced by the program: same PID, a signal reaches its handler, values absent from /proc/PID/cmdline', async () => {
    const child = spawn(launcher, [envDir, 'DB_PASSWORD', '--', showEnv, 'wait'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const ready = new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('ready')) resolve();
      });
    });
    // Not on 'exit': that can come before the last stdout chunk ("got SIGTERM") is read.
    const exited = exitWithOutput(child);
    await ready;
    expect(stdout).toContain(`ready pid=${child.pid}`);
    const cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8');
    expect(cmdline.split('\0').filter(Boolean)).toEqual([showEnv, 'wait']);
    expect(cmdline).not.toContain('s3cr3t');
    // The documented flip side of env vars: the same user (and root) can read /proc/PID/environ.
    expect(readFileSync(`/proc/${child.pid}/environ`, 'utf8')).toContain(`DB_PASSWORD=${SECRET}`);
    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: 42, signal: null });
    expect(stdout).toContain('got SIGTERM');
  });

  it('lets a fatal signal end the process as the container sees it (killed by the signal, not an exit code)', () => {
    expect(run([envDir, 'API_KEY', '--', showEnv, 'kill', '15'])).toMatchObject({ status: null, signal: 'SIGTERM' });
  });

  it('finds a bare program name on the PATH the container started with, not on an injected PATH', () => {
    const bin = join(root, 'bin');
    mkdirSync(bin);
    copyFileSync(showEnv, join(bin, 'show-env'));
    chmodSync(join(bin, 'show-env'), 0o755);
    writeValue('PATH', '/nonexistent');
    const result = run([envDir, 'PATH', '--', 'show-env', 'exit', '5'], { PATH: bin });
    expect(result.status).toBe(5);
    expect(envLines(result.stdout).get('PATH')).toBe('/nonexistent');
  });

  it.each([
    ['a missing program (127)', ['--', '/nonexistent/app'], 127, '/nonexistent/app: cannot execute'],
    ['a bare name not on PATH (127)', ['--', 'no-such-program'], 127, 'no-such-program: not found on PATH'],
    ['a program that is not executable (126)', ['--', '/etc/hostname'], 126, '/etc/hostname: cannot execute'],
  ])('reports %s', (_label, tail, code, message) => {
    const result = run([envDir, 'API_KEY', ...tail]);
    expect(result.status).toBe(code);
    expect(result.stderr).toContain(message);
  });

  describe('refuses unsafe input (exit 125, the file named, the value never printed)', () => {
    const cases: [string, () => string[], string][] = [
      ['a symlink', () => { symlinkSync(join(envDir, 'DB_PASSWORD'), join(envDir, 'LINKED')); return ['LINKED']; }, 'LINKED: refusing a symbolic link'],
      ['a world-readable file', () => { writeValue('OPEN', SECRET, 0o444); return ['OPEN']; }, 'OPEN: refusing mode 0444'],
      ['a group-writable file', () => { writeValue('SHARED', SECRET, 0o460); return ['SHARED']; }, 'SHARED: refusing mode 0460'],
      ['a missing file', () => ['ABSENT'], 'ABSENT: cannot open: No such file or directory'],
      ['a directory', () => { mkdirSync(join(envDir, 'ADIR'), { mode: 0o750 }); return ['ADIR']; }, 'ADIR: not a regular file'],
      ['a NUL byte', () => { writeValue('BINARY', Buffer.from(`${SECRET}\0tail`)); return ['BINARY']; }, 'BINARY: contains a NUL byte'],
      ['a value over 128 KiB', () => { writeValue('HUGE', `${SECRET}${'x'.repeat(128 * 1024)}`); return ['HUGE']; }, 'HUGE: too large'],
      ['an invalid name', () => ['1ABC'], 'invalid variable name "1ABC"'],
      ['a path as a name', () => ['../DB_PASSWORD'], 'invalid variable name "../DB_PASSWORD"'],
      ['a world-writable directory', () => { chmodSync(envDir, 0o777); return ['DB_PASSWORD']; }, 'refusing a world-writable directory'],
    ];
    it.each(cases)('%s', (_label, prepare, message) => {
      const names = prepare();
      const result = run([envDir, ...names, '--', showEnv, 'exit', '0']);
      expect(result.status).toBe(125);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toContain('s3cr3t');
    });

    it('more than 1 MiB in total', () => {
      const names = Array.from({ length: 9 }, (_, i) => `V${i}`);
      for (const name of names) writeValue(name, 'y'.repeat(120 * 1024));
      const result = run([envDir, ...names, '--', showEnv, 'exit', '0']);
      expect(result.status).toBe(125);
      expect(result.stderr).toContain('V8: the values add up to more than 1048576 bytes');
    });

    it('a relative directory and a missing "--"', () => {
      expect(run(['env', 'API_KEY', '--', showEnv]).stderr).toContain('env: the directory must be an absolute path');
      expect(run([envDir, 'API_KEY']).stderr).toContain('usage:');
      expect(run([envDir, 'API_KEY', showEnv]).stderr).toContain(`invalid variable name "${showEnv}"`);
    });
  });

  it('--install copies itself through a temporary file and a rename, 0755 (the agent image has no cp)', () => {
    const destination = join(envDir, 'vault-env-launcher');
    expect(run(['--install', destination]).status).toBe(0);
    expect(readFileSync(destination).equals(readFileSync(launcher))).toBe(true);
    expect(statSync(destination).mode & 0o7777).toBe(0o755);
    expect(existsSync(`${destination}.tmp~`)).toBe(false);
    expect(run(['--install', 'relative']).stderr).toContain('relative: the destination must be an absolute path');
  });

  describe('restart on change: --record and --probe', () => {
    const generation = (token: string): void => {
      writeValue('.generation', token);
    };

    it('records the generation at start; the probe passes until the agent writes a new one', () => {
      const state = join(root, 'state');
      expect(run(['--record', state, envDir, 'API_KEY', '--', showEnv, 'exit', '0']).status).toBe(0);
      expect(readFileSync(state, 'utf8')).toBe('none');
      expect(run(['--probe', envDir, state]).status).toBe(0);
      generation('g1');
      const failed = run(['--probe', envDir, state]);
      expect(failed.status).toBe(1);
      expect(failed.stderr).toContain(`values in ${envDir} changed since this container started (generation g1, started with none)`);
      expect(run(['--record', state, envDir, 'API_KEY', '--', showEnv, 'exit', '0']).status).toBe(0);
      expect(run(['--probe', envDir, state]).status).toBe(0);
    });

    it('fails the probe when nothing was recorded, and refuses to start when it cannot record', () => {
      expect(run(['--probe', envDir, join(root, 'never-written')]).status).toBe(1);
      const result = run(['--record', join(root, 'no-dir', 'state'), envDir, 'API_KEY', '--', showEnv, 'exit', '0']);
      expect(result.status).toBe(125);
      expect(result.stderr).toContain('cannot record the generation');
    });
  });

  it('runs in a distroless-like root holding only itself and a static program, as a non-root user of the agent group', () => {
    const jail = join(root, 'jail');
    for (const dir of ['vault/env/app', 'app']) mkdirSync(join(jail, dir), { recursive: true, mode: 0o755 });
    copyFileSync(launcher, join(jail, 'vault/env/vault-env-launcher'));
    copyFileSync(showEnv, join(jail, 'app/show-env'));
    chmodSync(join(jail, 'vault/env/vault-env-launcher'), 0o755);
    chmodSync(join(jail, 'app/show-env'), 0o755);
    envDir = join(jail, 'vault/env/app');
    chownSync(envDir, AGENT_UID, AGENT_GID);
    writeValue('DB_PASSWORD', SECRET);
    expect(existsSync(join(jail, 'bin/sh'))).toBe(false);
    const result = spawnSync(
      'chroot',
      ['--userspec=2000:1000', jail, '/vault/env/vault-env-launcher', '/vault/env/app', 'DB_PASSWORD', '--', '/app/show-env', 'exit', '0'],
      { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' }, encoding: 'utf8' },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(envLines(result.stdout).get('DB_PASSWORD')).toBe(SECRET.replace('\n', '\\n'));
    // A user outside the agent's group is told which file it cannot read.
    const stranger = spawnSync('chroot', ['--userspec=2000:2000', jail, '/vault/env/vault-env-launcher', '/vault/env/app', 'DB_PASSWORD', '--', '/app/show-env'], {
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
      encoding: 'utf8',
    });
    expect(stranger.status).toBe(125);
    expect(stranger.stderr).toContain('/vault/env/app/DB_PASSWORD: cannot open: Permission denied');
  });
});
