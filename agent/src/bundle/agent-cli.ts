// The agent's own command line, `agent …` and `token …`: the entry scripts/build-agent-bundle.mjs
// bundles into dist/agent-bundle/agent.cjs. `vault-injector agent|token` and the image's `vault`
// shim run it through the launcher (launch-bundle.ts) when it is built. Importing it runs nothing.

export async function runAgentCommand(args: readonly string[]): Promise<number> {
  return (await import('../main.js')).runAgentCommand(args);
}

export async function runTokenCommand(args: readonly string[]): Promise<number> {
  return (await import('../token-command.js')).runTokenCommand(args);
}

export const AGENT_CLI_USAGE = `Usage: vault-injector agent -config=FILE …
       vault-injector token revoke -self …
`;

/** `argv` without node and script: `agent -config=…` or `token revoke -self …`. */
export async function runAgentCli(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'agent') return runAgentCommand(rest);
  if (name === 'token') return runTokenCommand(rest);
  process.stderr.write(`${name === undefined ? 'No command given' : `Unknown command: ${name}`}\n\n${AGENT_CLI_USAGE}`);
  return 1;
}
