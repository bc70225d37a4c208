// The README's worked examples of `template render` and `version`, run verbatim (the `inject` one is
// run by inject-command.test.ts), and the injected Deployment the README links to, compared with
// what `inject` prints for the example Deployment.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_PATH, REPO_ROOT } from '../helpers/webhook-process.js';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

/** The `$ command` line and the output under it, from the shell block after `<!-- marker -->`. */
function example(marker: string): { args: string[]; output: string } {
  const match = new RegExp(`<!-- ${marker} -->\\s*\`\`\`sh\\n\\$ (?<command>[^\\n]+)\\n(?<output>[\\s\\S]*?)\`\`\``).exec(readme);
  if (match?.groups === undefined) throw new Error(`README.md has no ${marker} block`);
  const args = (match.groups.command ?? '').split(' ');
  expect(args[0]).toBe('vault-injector');
  return { args: args.slice(1), output: match.groups.output ?? '' };
}

function cli(args: readonly string[]) {
  const result = spawnSync(process.execPath, [CLI_PATH, ...args], { encoding: 'utf8', cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('README: the template render example prints what the README shows', () => {
  const { args, output } = example('template-render-example');
  expect(args.slice(0, 2)).toEqual(['template', 'render']);
  expect(cli(args)).toEqual({ code: 0, stdout: output, stderr: '' });
});

test('README: the version example prints the README\'s line, with this build\'s commit and Node version', () => {
  const { args, output } = example('version-example');
  const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  const shown = /^vault-injector (?<version>\S+) \(commit [0-9a-f]{7,40}, node v[0-9.]+\)\n$/.exec(output);
  expect(shown?.groups?.version).toBe(version);
  const result = cli(args);
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(new RegExp(`^vault-injector ${version.replaceAll('.', '\\.')} \\(commit ([0-9a-f]{7,40}|unknown), node ${process.version.replaceAll('.', '\\.')}\\)\\n$`));
});

test('README: docs/examples/inject/web.injected.yaml is what inject prints for docs/examples/inject/web.yaml', () => {
  expect(readme).toContain('`vault-injector inject -f docs/examples/inject/web.yaml` prints');
  const result = cli(['inject', '-f', 'docs/examples/inject/web.yaml']);
  expect(result).toEqual({ code: 0, stdout: readFileSync(join(REPO_ROOT, 'docs', 'examples', 'inject', 'web.injected.yaml'), 'utf8'), stderr: '' });
});
