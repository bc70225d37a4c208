// Every shell block in README.md and docs/ says how it is kept honest (issue 14): a comment line
// right above it, `<!-- tested: FILE -->` naming the test (or CI script) that runs the command, or
// `<!-- cluster-only -->` for commands that need what no test here has (a cluster, a registry, a
// Docker engine, a Vault server). The named file must exist and run commands of that kind.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { REPO_ROOT } from '../helpers/repo-paths.js';

interface ShellBlock {
  readonly file: string;
  readonly line: number;
  readonly body: string;
  readonly markers: readonly string[];
}

const SHELL_LANGUAGES = new Set(['sh', 'bash', 'shell', 'console']);

function shellBlocks(file: string): ShellBlock[] {
  const lines = readFileSync(join(REPO_ROOT, file), 'utf8').split('\n');
  const blocks: ShellBlock[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const open = /^(\s*)```(\w*)\s*$/.exec(lines[index] ?? '');
    if (open === null) continue;
    const indent = open[1] ?? '';
    let end = index + 1;
    while (end < lines.length && lines[end] !== `${indent}\`\`\``) end += 1;
    if (SHELL_LANGUAGES.has(open[2] ?? '')) {
      const markers: string[] = [];
      for (let above = index - 1; above >= 0 && /^\s*<!--.*-->\s*$/.test(lines[above] ?? ''); above -= 1) markers.push((lines[above] ?? '').trim());
      blocks.push({ file, line: index + 1, body: lines.slice(index + 1, end).join('\n'), markers });
    }
    index = end;
  }
  return blocks;
}

const documents = ['README.md', ...readdirSync(join(REPO_ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
const blocks = documents.flatMap(shellBlocks);

/** What a block's marker says: cluster-only, or the file that runs it. */
function status(block: ShellBlock): { readonly kind: 'cluster-only' } | { readonly kind: 'tested'; readonly by: string } | undefined {
  for (const marker of block.markers) {
    if (marker === '<!-- cluster-only -->') return { kind: 'cluster-only' };
    const tested = /^<!-- tested: (\S+) -->$/.exec(marker);
    if (tested !== null) return { kind: 'tested', by: tested[1]! };
  }
  return undefined;
}

test('README.md and docs/ have shell blocks (the scan finds them, including ones nested in lists)', () => {
  expect(blocks.length).toBeGreaterThan(15);
  expect(blocks.some((block) => block.file === 'docs/install.md')).toBe(true);
  expect(blocks.some((block) => block.file === 'docs/operations.md' && block.body.startsWith('kubectl'))).toBe(true);
});

test('every shell block is marked tested (naming the test) or cluster-only', () => {
  expect(blocks.filter((block) => status(block) === undefined).map((block) => `${block.file}:${block.line}`)).toEqual([]);
});

test.each(blocks.flatMap((block) => {
  const marked = status(block);
  return marked?.kind === 'tested' ? [[`${block.file}:${block.line}`, marked.by, block] as const] : [];
}))('%s is run by %s', (_where, by, block) => {
  expect(existsSync(join(REPO_ROOT, by))).toBe(true);
  const runner = readFileSync(join(REPO_ROOT, by), 'utf8');
  // The runner runs this kind of command: every program the block starts (first word of each
  // command line, `$ ` prompts removed) appears in it, or the runner reads the block itself.
  const programs = block.body
    .split('\n')
    .map((line) => line.replace(/^\$ /, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#') && !/^[{"]/.test(line))
    .flatMap((line) => line.split(/&&|\|/).map((part) => part.trim().split(/\s+/)[0] ?? ''))
    .filter((program) => program !== '' && !/^[A-Z_]+=/.test(program));
  const readsTheDocument = runner.includes(block.file) || runner.includes(block.file.replace(/^docs\//, ''));
  for (const program of programs) expect([program, readsTheDocument || runner.includes(program)]).toEqual([program, true]);
});

test('cluster-only blocks are the ones that need a cluster, a registry, Docker, Helm or a Vault server', () => {
  for (const block of blocks.filter((candidate) => status(candidate)?.kind === 'cluster-only')) {
    expect([`${block.file}:${block.line}`, /\b(kubectl|docker|helm|vault)\b/.test(block.body)]).toEqual([`${block.file}:${block.line}`, true]);
  }
});
