// `vault-injector token revoke -self` (the preStop hook's `/bin/vault token revoke … -self`):
// reads the agent's token from $HOME/.vault-token (else /home/vault/.vault-token, the sink the
// injector configures) and calls auth/token/revoke-self. Flags as Vault's CLI takes them:
// -address -ca-cert -ca-path -client-cert -client-key -tls-skip-verify; VAULT_* as usual.
import { readCredentialText } from './auth/auth-method.js';
import { join } from 'node:path';
import type { ConnectionOverrides } from './config/vault-environment.js';

const USAGE = `Usage: vault-injector token revoke -self [-address=URL] [-ca-cert=FILE] [-client-cert=FILE] [-client-key=FILE] [-tls-skip-verify]
`;

const VALUE_FLAGS = new Set(['address', 'ca-cert', 'ca-path', 'client-cert', 'client-key', 'namespace']);

interface RevokeArguments {
  readonly values: Readonly<Record<string, string>>;
  readonly self: boolean;
  readonly skipVerify: boolean | undefined;
}

/** `-name` or `--name`, optionally `=value`; undefined for anything else. */
function flagOf(arg: string): { name: string; inlineValue: string | undefined } | undefined {
  const match = /^--?([a-z-]+)(?:=(.*))?$/s.exec(arg);
  const name = match?.[1];
  return match === null || name === undefined ? undefined : { name, inlineValue: match[2] };
}

function parseRevokeArguments(args: readonly string[]): { parsed: RevokeArguments; problems: string[] } {
  const parsed = { values: {} as Record<string, string>, self: false, skipVerify: undefined as boolean | undefined };
  const problems: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    const flag = flagOf(arg);
    if (flag === undefined) {
      problems.push(`unexpected argument ${JSON.stringify(arg)} (only -self revocation is supported)`);
      continue;
    }
    const { name, inlineValue } = flag;
    if (name === 'self') parsed.self = true;
    else if (name === 'tls-skip-verify') parsed.skipVerify = inlineValue === undefined || inlineValue === 'true';
    else if (!VALUE_FLAGS.has(name)) problems.push(`unknown flag -${name}`);
    else {
      // `-flag value`: the value is the next argument.
      const value = inlineValue ?? args[++index];
      if (value === undefined) problems.push(`flag -${name} needs a value`);
      else parsed.values[name] = value;
    }
  }
  if (!parsed.self) problems.push('only "token revoke -self" is supported');
  return { parsed, problems };
}

/** The agent's token: VAULT_TOKEN, else the sink file under $HOME (/home/vault when HOME is unset or /). */
async function readAgentToken(env: NodeJS.ProcessEnv): Promise<{ token: string; tokenFile: string }> {
  const tokenFile = join(env.HOME !== undefined && env.HOME !== '' && env.HOME !== '/' ? env.HOME : '/home/vault', '.vault-token');
  const token = (env.VAULT_TOKEN ?? (await readCredentialText(tokenFile).catch(() => ''))).trim();
  return { token, tokenFile };
}

/** The CLI's flags as connection overrides (flags beat VAULT_* variables). */
function connectionOverrides(parsed: RevokeArguments): ConnectionOverrides {
  const { values, skipVerify } = parsed;
  return {
    ...(values.address === undefined ? {} : { address: values.address }),
    ...(values['ca-cert'] === undefined ? {} : { caCert: values['ca-cert'] }),
    ...(values['client-cert'] === undefined ? {} : { clientCert: values['client-cert'] }),
    ...(values['client-key'] === undefined ? {} : { clientKey: values['client-key'] }),
    ...(skipVerify === undefined ? {} : { tlsSkipVerify: skipVerify }),
  };
}

export async function runTokenCommand(args: readonly string[]): Promise<number> {
  const [subcommand, ...rest] = args;
  if (subcommand !== 'revoke') {
    process.stderr.write(USAGE);
    return 1;
  }
  const { parsed, problems } = parseRevokeArguments(rest);
  if (problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}\n\n${USAGE}`);
    return 1;
  }
  const [{ resolveVaultConnection }, { VaultClient }, { coerceError }] = await Promise.all([
    import('./config/vault-environment.js'),
    import('./vault/vault-client.js'),
    import('./vault/vault-error.js'),
  ]);
  const env = process.env;
  const { token, tokenFile } = await readAgentToken(env);
  if (token === '') {
    process.stderr.write(`No token found: set VAULT_TOKEN or write it to ${tokenFile}\n`);
    return 2;
  }
  const overrides = connectionOverrides(parsed);
  const caPath = parsed.values['ca-path'];
  const namespace = parsed.values.namespace;
  const { connection, problems: connectionProblems } = resolveVaultConnection(undefined, env, overrides);
  if (connectionProblems.length > 0) {
    process.stderr.write(`${connectionProblems.join('\n')}\n`);
    return 1;
  }
  const client = new VaultClient(
    { ...connection, ...(caPath === undefined ? {} : { caPath }), ...(namespace === undefined ? {} : { namespace }) },
    { userAgent: 'vault-injector-token-revoke' },
  );
  try {
    await client.request({ method: 'PUT', path: 'auth/token/revoke-self', token });
    process.stdout.write('Success! Revoked token (if it existed)\n');
    return 0;
  } catch (error) {
    process.stderr.write(`Error revoking token: ${coerceError(error).message}\n`);
    return 2;
  } finally {
    client.close();
  }
}
