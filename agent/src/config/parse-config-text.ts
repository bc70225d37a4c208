// Config text → generic decoded value. The injector writes JSON; configmap users write HCL1, which
// we parse with HashiCorp's own HCL1 parser (js-hcl-parser, compiled from hashicorp/hcl). That
// parser is large (≈20 MiB resident once loaded), so it runs in a short-lived worker thread whose
// memory is returned when it exits: the JSON path never loads it.
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';

export class ConfigSyntaxError extends Error {
  override readonly name = 'ConfigSyntaxError';
}

// CommonJS source run in the worker: parse, hand back the JSON text (or the parser's error text).
const HCL_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const hcl = require(workerData.parserPath);
parentPort.postMessage(hcl.parse(workerData.text));
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
  const parserPath = createRequire(import.meta.url).resolve('js-hcl-parser');
  const output = await new Promise<string>((resolve, reject) => {
    const worker = new Worker(HCL_WORKER_SOURCE, { eval: true, workerData: { parserPath, text } });
    worker.once('message', (message: unknown) => {
      resolve(String(message));
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new ConfigSyntaxError(`${fileName}: HCL parser exited with code ${code}`));
    });
  });
  // The parser reports failures as text in place of the JSON document.
  if (output.startsWith('unable to ')) {
    throw new ConfigSyntaxError(`${fileName}: invalid HCL: ${output.replace(/^unable to parse JSON: /, '')}`);
  }
  return JSON.parse(output) as unknown;
}
