// `vault agent` flags as the injector passes them: single-dash, `-flag=value` or `-flag value`,
// -config repeatable.

export interface AgentArguments {
  readonly configPaths: readonly string[];
  readonly exitAfterAuth: boolean;
  readonly logLevel: string | undefined;
  readonly logFormat: string | undefined;
  readonly help: boolean;
}

const VALUE_FLAGS = new Set(['config', 'log-level', 'log-format']);
const BOOLEAN_FLAGS = new Set(['exit-after-auth', 'h', 'help']);

interface ArgumentsBeingParsed {
  configPaths: string[];
  exitAfterAuth: boolean;
  logLevel: string | undefined;
  logFormat: string | undefined;
  help: boolean;
}

function setBooleanFlag(parsed: ArgumentsBeingParsed, name: string, value: string | undefined): void {
  const on = value === undefined || value === 'true' || value === '1';
  if (name === 'exit-after-auth') parsed.exitAfterAuth = on;
  else parsed.help = true;
}

function setValueFlag(parsed: ArgumentsBeingParsed, name: string, value: string): void {
  if (name === 'config') parsed.configPaths.push(value);
  else if (name === 'log-level') parsed.logLevel = value;
  else parsed.logFormat = value;
}

export function parseAgentArguments(args: readonly string[]): { arguments: AgentArguments; problems: string[] } {
  const problems: string[] = [];
  const parsed: ArgumentsBeingParsed = { configPaths: [], exitAfterAuth: false, logLevel: undefined, logFormat: undefined, help: false };
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    const match = /^--?([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (match === null) {
      problems.push(`unexpected argument ${JSON.stringify(arg)}`);
      continue;
    }
    const name = match[1] ?? '';
    const inlineValue = match[2];
    if (BOOLEAN_FLAGS.has(name)) {
      setBooleanFlag(parsed, name, inlineValue);
      continue;
    }
    if (!VALUE_FLAGS.has(name)) {
      problems.push(`unknown flag -${name}`);
      continue;
    }
    // `-flag value`: the value is the next argument.
    if (inlineValue === undefined) index += 1;
    const value = inlineValue ?? args[index];
    if (value === undefined) {
      problems.push(`flag -${name} needs a value`);
      continue;
    }
    setValueFlag(parsed, name, value);
  }
  const { configPaths, exitAfterAuth, logLevel, logFormat, help } = parsed;
  if (configPaths.length === 0 && !help) problems.push('at least one -config=FILE is required');
  return { arguments: { configPaths, exitAfterAuth, logLevel, logFormat, help }, problems };
}

export const AGENT_USAGE = `Usage: vault-injector agent -config=FILE [-config=FILE…] [-exit-after-auth] [-log-level=LEVEL] [-log-format=standard|json]

Runs the Vault agent with a Vault Agent configuration (JSON as the injector writes it, or HCL).
`;
