// `vault-injector template --in FILE|-`: the offline preview. Reads a JSON array of
// gotemplate-oracle cases and writes the array of results, exactly as the oracle does, so both
// can be diffed case by case (`--one` reads and writes a single case object).
import { readFile } from 'node:fs/promises';
import { encodeResult, encodeResults, parseCases, runCase } from './preview.js';
import { GoTemplateEngine } from './go/engine.js';

const USAGE = `Usage: vault-injector template render FILE.tpl [--secret PATH=FILE.json]... [--env K=V]...
       vault-injector template --in FILE [--one]

\`template render\` renders one template offline, like consul-template -dry (see template render --help).
\`template --in\` renders template cases offline (no Vault) with the agent's Go-template engine.
  --in FILE   JSON array of cases {id, template, data, secrets, env, options}; "-" reads stdin
  --one       the input is a single case object; print a single result object
  --oracle-functions
              only the consul-template functions gotemplate-oracle implements (for comparisons)
Output: JSON array of {id, output[, outputBase64]} or {id, error, phase} (gotemplate-oracle protocol).
`;

interface CommandArgs {
  readonly input: string;
  readonly one: boolean;
  readonly oracleFunctions: boolean;
}

const ONE_FLAGS: ReadonlySet<string> = new Set(['--one', '-one']);
const IN_FLAGS: ReadonlySet<string> = new Set(['--in', '-in']);

/** `--in=FILE` or `-in=FILE`: the file; undefined for any other argument. */
function inlineInput(arg: string): string | undefined {
  return arg.startsWith('--in=') || arg.startsWith('-in=') ? arg.slice(arg.indexOf('=') + 1) : undefined;
}

function parseArgs(args: readonly string[]): CommandArgs | { readonly errors: string[] } | 'help' {
  let input: string | undefined;
  let one = false;
  let oracleFunctions = false;
  const errors: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (arg === '-h' || arg === '--help') return 'help';
    if (ONE_FLAGS.has(arg)) one = true;
    else if (arg === '--oracle-functions') oracleFunctions = true;
    else if (IN_FLAGS.has(arg)) {
      const value = args[i + 1];
      if (value === undefined) errors.push(`${arg} needs a value (a file, or - for stdin)`);
      else input = value;
      i += 1;
    } else {
      const inline = inlineInput(arg);
      if (inline === undefined) errors.push(`unknown argument ${JSON.stringify(arg)}`);
      else input = inline;
    }
  }
  if (input === undefined && errors.length === 0) errors.push('--in FILE is required');
  if (errors.length > 0) return { errors };
  return { input: input as string, one, oracleFunctions };
}

async function readInput(path: string): Promise<string> {
  if (path !== '-') return readFile(path, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function runTemplateCommand(args: readonly string[]): Promise<number> {
  if (args[0] === 'render') {
    const { runRenderCommand } = await import('./render-command.js');
    return runRenderCommand(args.slice(1));
  }
  const parsed = parseArgs(args);
  if (parsed === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if ('errors' in parsed) {
    process.stderr.write(`vault-injector template: ${parsed.errors.join('; ')}\n\n${USAGE}`);
    return 2;
  }
  let text: string;
  try {
    text = await readInput(parsed.input);
  } catch (error) {
    process.stderr.write(`vault-injector template: reading ${parsed.input}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  let document: unknown;
  try {
    document = parseCases(text);
  } catch (error) {
    process.stderr.write(`vault-injector template: input is not a JSON document: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const engine = new GoTemplateEngine();
  if (parsed.one) {
    process.stdout.write(`${encodeResult(runCase(document, { engine, oracleFunctions: parsed.oracleFunctions }))}\n`);
    return 0;
  }
  if (!Array.isArray(document)) {
    process.stderr.write('vault-injector template: input is not a JSON array of cases (use --one for a single case)\n');
    return 2;
  }
  process.stdout.write(encodeResults(document.map((raw) => runCase(raw, { engine, oracleFunctions: parsed.oracleFunctions }))));
  return 0;
}
