#!/usr/bin/env node
// The one command line. Each subcommand is imported lazily so the agent never loads fastify; the
// webhook loads the Go template engine (its admission-time syntax check) but never Handlebars.
// `agent` and `token` run from the agent's bundle (dist/agent-bundle, built by `npm run build`)
// when it exists: it starts several times faster.
import { fileURLToPath } from 'node:url';

type SubcommandMain = (args: readonly string[]) => Promise<number>;

const SUBCOMMANDS: Readonly<Record<string, { summary: string; load: () => Promise<SubcommandMain> }>> = {
  'agent-inject': {
    summary: 'run the mutating admission webhook (vault-k8s flags)',
    load: async () => (await import('../webhook/src/main.js')).runWebhookCommand,
  },
  agent: {
    summary: 'run the Vault agent: agent -config=FILE',
    load: async () => (await loadAgentBundle())?.runAgentCommand ?? (await import('../agent/src/main.js')).runAgentCommand,
  },
  token: {
    summary: 'token revoke -self: revoke the agent token (preStop hook)',
    load: async () => (await loadAgentBundle())?.runTokenCommand ?? (await import('../agent/src/token-command.js')).runTokenCommand,
  },
  inject: {
    summary: 'inject -f FILE|-: preview the injection of manifests offline (like istioctl kube-inject)',
    load: async () => (await import('../webhook/src/offline/inject-command.js')).runInjectCommand,
  },
  version: {
    summary: 'print the version, commit and Node.js version',
    load: () => Promise.resolve(printVersion),
  },
  template: {
    summary: 'template render FILE.tpl [--secret PATH=FILE.json] [--env K=V]: render a template offline (like consul-template -dry); template --in FILE: oracle-protocol cases',
    load: async () => (await import('../template/src/index.js')).runTemplateCommand,
  },
};

async function printVersion(): Promise<number> {
  const { buildInfo, formatBuildInfo } = await import('../common/src/build-info.js');
  process.stdout.write(`${formatBuildInfo(buildInfo())}\n`);
  return 0;
}

async function loadAgentBundle(): Promise<{ runAgentCommand: SubcommandMain; runTokenCommand: SubcommandMain } | undefined> {
  const { loadAgentBundle: load } = await import('../agent/src/bundle/launch-bundle.js');
  return load(fileURLToPath(new URL('../agent-bundle/', import.meta.url)));
}

function usage(): string {
  const lines = Object.entries(SUBCOMMANDS).map(([name, { summary }]) => `  ${name.padEnd(14)} ${summary}`);
  return `Usage: vault-injector <command> [args]\n\nCommands:\n${lines.join('\n')}\n`;
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 1 : 0;
  }
  const key = name === '--version' || name === '-version' ? 'version' : name;
  // Own keys only: `vault-injector constructor` is an unknown command, not Object's constructor.
  const subcommand = Object.hasOwn(SUBCOMMANDS, key) ? SUBCOMMANDS[key] : undefined;
  if (subcommand === undefined) {
    process.stderr.write(`Unknown command: ${name}\n\n${usage()}`);
    return 1;
  }
  const run = await subcommand.load();
  return run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
