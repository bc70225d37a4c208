// Parser-level checks of Dockerfile.webhook and Dockerfile.agent (no Docker engine here): the
// multi-stage recipe, pinned Node LTS base (the major package.json's engines names), numeric non-root user, health check stated, and that
// every COPY source exists and the build copies everything tsconfig.build.json compiles.
import { existsSync, readFileSync, statSync } from 'node:fs';

import { LAUNCHER_CFLAGS } from '../helpers/launcher-binary.js';
import { flagOf, instructionsOf, parseDockerfile, REPO_ROOT, wordsOf, type ParsedDockerfile, type Stage } from './parse-dockerfile.js';

const DOCKERFILES = ['Dockerfile.webhook', 'Dockerfile.agent'] as const;
// Node 24 "Krypton": LTS since 2025-10-28, end of life 2028-04-30 (https://github.com/nodejs/Release).
// Node 20 reached end of life on 2026-04-30 and Node 22 ends on 2027-04-30.
const LTS_MAJOR = 24;

test('package.json engines names the images\' Node major', () => {
  const pkg = JSON.parse(readFileSync(`${REPO_ROOT}/package.json`, 'utf8')) as { engines: { node: string } };
  expect(pkg.engines.node).toBe(`>=${LTS_MAJOR}`);
});

function stageNamed(parsed: ParsedDockerfile, name: string): Stage {
  const stage = parsed.stages.find((candidate) => candidate.name === name);
  if (stage === undefined) throw new Error(`no stage ${name}`);
  return stage;
}

function runLines(stage: Stage): string[] {
  return instructionsOf(stage, 'RUN').map((run) => run.getArgumentsContent() ?? '');
}

function execForm(parsed: ParsedDockerfile, keyword: string): string[] {
  const [instruction] = instructionsOf(parsed.finalStage, keyword).slice(-1);
  if (instruction === undefined) throw new Error(`no ${keyword}`);
  return JSON.parse(instruction.getArgumentsContent() ?? '') as string[];
}

describe.each(DOCKERFILES)('%s', (file) => {
  const parsed = parseDockerfile(file);

  test('multi-stage: the first stage runs npm ci (with dev dependencies) and npm run build', () => {
    const build = runLines(stageNamed(parsed, 'build'));
    expect(parsed.stages[0]!.name).toBe('build');
    expect(build[0]).toMatch(/^npm ci\b/);
    expect(build[0]).not.toMatch(/--omit=dev/);
    expect(build).toContain('npm run build');
  });

  test('every stage is a pinned Node LTS slim image, the major engines names (no latest, full version), or scratch', () => {
    for (const stage of parsed.stages.filter((candidate) => candidate.image !== 'scratch')) {
      expect(stage.image).toMatch(new RegExp(String.raw`^node:${LTS_MAJOR}\.\d+\.\d+-[a-z]+-slim(@sha256:[0-9a-f]{64})?$`));
      expect(stage.image).not.toMatch(/latest/);
    }
    expect(parsed.text).not.toMatch(/:latest\b/);
  });

  test('the runtime user is numeric and not root', () => {
    const users = instructionsOf(parsed.finalStage, 'USER');
    expect(users.length).toBeGreaterThan(0);
    const [uid, gid] = (users.at(-1)!.getArgumentsContent() ?? '').split(':');
    expect(uid).toMatch(/^\d+$/);
    expect(Number(uid)).toBeGreaterThan(0);
    expect(gid).toMatch(/^\d+$/);
    const lastUser = parsed.finalStage.instructions.lastIndexOf(users.at(-1)!);
    expect(parsed.finalStage.instructions.slice(lastUser).map((i) => i.getKeyword())).not.toContain('RUN');
  });

  test('a HEALTHCHECK is stated and the entrypoint needs no shell (exec form)', () => {
    expect(instructionsOf(parsed.finalStage, 'HEALTHCHECK')).toHaveLength(1);
    expect(execForm(parsed, 'ENTRYPOINT').length).toBeGreaterThan(0);
    expect(execForm(parsed, 'CMD').length).toBeGreaterThan(0);
  });

  test('every COPY source from the build context exists in the repository', () => {
    for (const stage of parsed.stages) {
      for (const copy of instructionsOf(stage, 'COPY')) {
        if (flagOf(copy, 'from') !== undefined) continue;
        for (const source of wordsOf(copy).slice(0, -1)) expect([source, existsSync(`${REPO_ROOT}/${source}`)]).toEqual([source, true]);
      }
    }
  });

  test('the build stage copies every source tree tsconfig.build.json compiles', () => {
    const config = JSON.parse(readFileSync(`${REPO_ROOT}/tsconfig.build.json`, 'utf8')) as { include: string[]; extends?: string };
    const copied = instructionsOf(stageNamed(parsed, 'build'), 'COPY').flatMap((copy) => wordsOf(copy).slice(0, -1));
    for (const pattern of config.include) {
      const root = pattern.split('/')[0]!;
      expect([pattern, copied.includes(root)]).toEqual([pattern, true]);
    }
    expect(copied).toEqual(expect.arrayContaining(['tsconfig.json', 'tsconfig.build.json', 'scripts/post-build.mjs']));
  });

  test('the build stage copies every script `npm run build` runs', () => {
    const pkg = JSON.parse(readFileSync(`${REPO_ROOT}/package.json`, 'utf8')) as { scripts: Record<string, string> };
    const scripts = [...(pkg.scripts.build ?? '').matchAll(/\bnode (scripts\/\S+)/g)].map((match) => match[1]!);
    expect(scripts).toEqual(expect.arrayContaining(['scripts/post-build.mjs', 'scripts/build-agent-bundle.mjs']));
    const copied = instructionsOf(stageNamed(parsed, 'build'), 'COPY').flatMap((copy) => wordsOf(copy).slice(0, -1));
    for (const script of scripts) expect([script, copied.includes(script)]).toEqual([script, true]);
  });

  test('the build context excludes node_modules and dist', () => {
    const ignored = readFileSync(`${REPO_ROOT}/.dockerignore`, 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git']));
  });
});

describe('Dockerfile.webhook', () => {
  const parsed = parseDockerfile('Dockerfile.webhook');

  test('multi-stage: npm ci → build, npm ci --omit=dev, the rootfs tree, then FROM scratch with only that tree', () => {
    expect(parsed.stages.map((stage) => stage.name)).toEqual(['build', 'production-dependencies', 'rootfs', undefined]);
    expect(stageNamed(parsed, 'rootfs').image).toMatch(new RegExp(String.raw`^node:${LTS_MAJOR}\.`));
    expect(parsed.finalStage.image).toBe('scratch');
    expect(runLines(stageNamed(parsed, 'production-dependencies'))).toEqual([expect.stringMatching(/^npm ci --omit=dev\b/)]);
    expect(runLines(stageNamed(parsed, 'rootfs'))).toEqual(['NODE_BIN=/usr/local/bin/node sh /webhook-rootfs.sh /rootfs']);
    expect(instructionsOf(parsed.finalStage, 'COPY').map((copy) => ({ from: flagOf(copy, 'from'), words: wordsOf(copy) }))).toEqual([{ from: 'rootfs', words: ['/rootfs/', '/'] }]);
  });

  test('the tree takes node_modules from the production install and dist/ from the build (as scripts/image-contents.mjs measures)', () => {
    const copies = instructionsOf(stageNamed(parsed, 'rootfs'), 'COPY').map((copy) => ({ from: flagOf(copy, 'from'), words: wordsOf(copy) }));
    expect(copies).toEqual([
      { from: undefined, words: ['scripts/webhook-rootfs.sh', '/webhook-rootfs.sh'] },
      { from: 'production-dependencies', words: ['/src/node_modules', '/rootfs/app/node_modules'] },
      { from: 'build', words: ['/src/dist', '/rootfs/app/dist'] },
      { from: undefined, words: ['package.json', '/rootfs/app/package.json'] },
      { from: undefined, words: ['image/healthcheck.mjs', '/rootfs/app/healthcheck.mjs'] },
    ]);
    const script = readFileSync(`${REPO_ROOT}/scripts/image-contents.mjs`, 'utf8');
    for (const copy of copies.slice(1)) expect(script).toContain(`{ from: ${copy.from === undefined ? 'undefined' : `'${copy.from}'`}, source: '${copy.words[0]!}', target: '${copy.words[1]!}' }`);
  });


  test('the runtime stage runs nothing through a shell', () => {
    expect(instructionsOf(parsed.finalStage, 'RUN')).toEqual([]);
    expect(execForm(parsed, 'ENTRYPOINT')).toEqual(['/usr/local/bin/node', '/app/dist/cli/main.js']);
    expect(execForm(parsed, 'CMD')).toEqual(['agent-inject']);
  });

  test('the health check is an exec-form node script that ships in the image', () => {
    const healthcheck = instructionsOf(parsed.finalStage, 'HEALTHCHECK')[0]!.getArgumentsContent() ?? '';
    const command = JSON.parse(healthcheck.slice(healthcheck.indexOf('['))) as string[];
    expect(command).toEqual(['/usr/local/bin/node', '/app/healthcheck.mjs']);
    const copies = instructionsOf(stageNamed(parsed, 'rootfs'), 'COPY').map(wordsOf);
    expect(copies).toContainEqual(['image/healthcheck.mjs', '/rootfs/app/healthcheck.mjs']);
  });

  test('exposes the listen port the Deployment probes', () => {
    expect(instructionsOf(parsed.finalStage, 'EXPOSE').map((expose) => expose.getArgumentsContent())).toEqual(['8080']);
  });
});

// The container contract: the command lines vault-k8s gives the agent containers
// (https://github.com/hashicorp/vault-k8s/blob/main/agent-inject/agent/container_sidecar.go).
describe('Dockerfile.agent (container contract)', () => {
  const parsed = parseDockerfile('Dockerfile.agent');
  const runs = runLines(parsed.finalStage).join('\n');

  test('slim: build, the rootfs tree (scripts/agent-rootfs.sh), then FROM scratch with only that tree', () => {
    expect(parsed.stages.map((stage) => [stage.name, stage.image])).toEqual([
      ['build', expect.stringMatching(new RegExp(String.raw`^node:${LTS_MAJOR}\.`))],
      ['launcher', expect.stringMatching(new RegExp(String.raw`^node:${LTS_MAJOR}\.`))],
      ['rootfs', expect.stringMatching(new RegExp(String.raw`^node:${LTS_MAJOR}\.`))],
      [undefined, 'scratch'],
    ]);
    const copies = instructionsOf(parsed.finalStage, 'COPY').map((copy) => ({ from: flagOf(copy, 'from'), chown: flagOf(copy, 'chown'), words: wordsOf(copy) }));
    expect(copies).toEqual([
      { from: 'rootfs', chown: undefined, words: ['/rootfs/', '/'] },
      { from: 'rootfs', chown: '100:1000', words: ['/rootfs/home/vault', '/home/vault'] },
    ]);
    expect(parsed.text).not.toMatch(/node_modules \.\/node_modules|--omit=dev/);
  });

  test('user 100, group 1000, home /home/vault, and HOME pointing there for any uid', () => {
    const rootfsScript = readFileSync(`${REPO_ROOT}/scripts/agent-rootfs.sh`, 'utf8');
    expect(rootfsScript).toContain('vault:x:100:1000:vault:/home/vault:/bin/sh');
    expect(rootfsScript).toContain('vault:x:1000:');
    expect(instructionsOf(parsed.finalStage, 'USER').at(-1)!.getArgumentsContent()).toBe('100:1000');
    const env = instructionsOf(parsed.finalStage, 'ENV').map((e) => e.getArgumentsContent() ?? '').join(' ');
    expect(env).toMatch(/HOME=\/home\/vault/);
  });

  test('the vault shim is installed executable at /bin/vault, on PATH', () => {
    const rootfs = stageNamed(parsed, 'rootfs');
    const copy = instructionsOf(rootfs, 'COPY').find((c) => wordsOf(c)[0] === 'image/vault')!;
    expect(wordsOf(copy)).toEqual(['image/vault', '/rootfs/bin/vault']);
    expect(flagOf(copy, 'chmod')).toBe('0755');
    expect(statSync(`${REPO_ROOT}/image/vault`).mode & 0o111).toBe(0o111);
    const env = instructionsOf(parsed.finalStage, 'ENV').map((e) => e.getArgumentsContent() ?? '').join(' ');
    expect(env).toMatch(/PATH=\/bin:/);
    expect(parsed.stages.filter((stage) => stage.image !== 'scratch').every((stage) => /bookworm/.test(stage.image))).toBe(true);
  });

  test('the build fails unless /bin/sh, base64, touch, /bin/sleep and /bin/vault are there', () => {
    for (const needed of ['test -x /bin/vault', 'test -x /bin/sleep', 'test -x /bin/sh', 'command -v base64', 'command -v touch']) {
      expect(runs).toContain(needed);
    }
  });

  test('the build fails unless the agent bundle the shim runs and its code cache are there', () => {
    expect(runs).toContain('test -f /app/dist/agent-bundle/main.cjs -a -f /app/dist/agent-bundle/agent.cjs.cache');
    expect(readFileSync(`${REPO_ROOT}/image/vault`, 'utf8')).toContain('/app/dist/agent-bundle/main.cjs');
  });

  test('the env-var launcher is compiled statically with the tests\' flags and installed at /bin/vault-env-launcher', () => {
    const build = runLines(stageNamed(parsed, 'launcher')).join('\n');
    expect(build).toContain('apt-get install --yes --no-install-recommends gcc libc6-dev');
    expect(build).toContain(`gcc ${LAUNCHER_CFLAGS.join(' ')} -o /src/vault-env-launcher /src/vault-env-launcher.c`);
    const copy = instructionsOf(stageNamed(parsed, 'rootfs'), 'COPY').find((c) => flagOf(c, 'from') === 'launcher')!;
    expect(wordsOf(copy)).toEqual(['/src/vault-env-launcher', '/rootfs/bin/vault-env-launcher']);
    expect(flagOf(copy, 'chmod')).toBe('0755');
    expect(runs).toContain('test -x /bin/vault-env-launcher');
  });

  test('entrypoint is the vault shim', () => {
    expect(execForm(parsed, 'ENTRYPOINT')).toEqual(['/bin/vault']);
  });
});
