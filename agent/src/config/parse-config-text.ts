// Config text → generic decoded value. The injector writes JSON; configmap users write HCL1, which
// we parse with HashiCorp's own HCL1 parser (js-hcl-parser, compiled from hashicorp/hcl). That
// parser is large (≈20 MiB resident once loaded, and a worker thread still left ≈8 MiB behind), so
// it runs in a short-lived child process: the sidecar keeps none of it, the JSON path never loads it.
import type * as ChildProcessModule from 'node:child_process';
import { createRequire } from 'node:module';

export class ConfigSyntaxError extends Error {
  override readonly name = 'ConfigSyntaxError';
}

// CommonJS source run in the child: config text on stdin, the JSON text (or the parser's error
// text) on stdout.
const HCL_PARSER_SOURCE = `
const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', () => {
  const hcl = require(process.argv[1]);
  process.stdout.write(hcl.parse(Buffer.concat(chunks).toString('utf8')));
});
`;

export async function parseConfigText(text: string, fileName: string): Promise<unknown> {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      // HCL1 also parses JSON, but a file that starts like JSON and is not JSON is almost
      // always broken JSON; the JSON parser's message is the useful one.
      throw new ConfigSyntaxError(`${fileName}: invalid JSON: ${(error as Error).message}`);
    }
  }
  return parseHcl(text, fileName);
}

export async function parseHcl(text: string, fileName: string): Promise<unknown> {
  const require = createRequire(import.meta.url);
  const parserPath = require.resolve('js-hcl-parser');
  // Loaded here, not at start-up: JSON configs (what the injector writes) never need it.
  const { spawn } = require('node:child_process') as typeof ChildProcessModule;
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', HCL_PARSER_SOURCE, parserPath], { stdio: ['pipe', 'pipe', 'pipe'], env: {} });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve(Buffer.concat(stdout).toString('utf8'));
      else reject(new ConfigSyntaxError(`${fileName}: HCL parser failed (exit ${code}): ${Buffer.concat(stderr).toString('utf8').split('\n')[0] ?? ''}`));
    });
    child.stdin.end(text);
  });
  // The parser reports failures as text in place of the JSON document.
  if (output.startsWith('unable to ')) {
    throw new ConfigSyntaxError(`${fileName}: invalid HCL: ${output.replace(/^unable to parse JSON: /, '')}`);
  }
  return JSON.parse(output) as unknown;
}
