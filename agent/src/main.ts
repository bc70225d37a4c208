// Placeholder until its issue lands: fails loudly rather than pretending to work.
export function runAgentCommand(_args: readonly string[]): Promise<number> {
  process.stderr.write('vault-injector: this command is not implemented yet\n');
  return Promise.resolve(2);
}
