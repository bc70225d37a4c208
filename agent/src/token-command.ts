// `vault-injector token revoke -self` (the preStop hook's `/bin/vault token revoke … -self`):
// reads the agent's token from $HOME/.vault-token (else /home/vault/.vault-token, the sink the
// injector configures) and calls auth/token/revoke-self. Flags as Vault's CLI takes them:
// -address -ca-cert -ca-path -client-cert -client-key -tls-skip-verify; VAULT_* as usual.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const USAGE = `Usage: vault-injector token revoke -self [-address=URL] [-ca-cert=FILE] [-client-cert=FILE] [-client-key=FILE] [-tls-skip-verify]
`;

const VALUE_FLAGS = new Set(['address', 'ca-cert', 'ca-path', 'client-cert', 'client-key', 'namespace']);

interface RevokeArguments {
  readonly values: Readonly<Record<string, string>>;
  readonly self: boolean;
  readonly skipVerify: boolean | undefined;
}

function parseRevokeArguments(args: readonly string[]): { parsed: RevokeArguments; problems: string[] } {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  let self = false;
  let skipVerify: boolean | undefined;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    const match = /^--?([a-z-]+)(?:=(.*))?$/s.exec(arg);
    const name = match?.[1];
    if (match === null || name === undefined) {
      problems.push(`unexpected argument ${JSON.stringify(arg)} (only -self revocation is supported)`);
      continue;
    }
    if (name === 'self') self = true;
    else if (name === 'tls-skip-verify') skipVerify = match[2] === undefined || match[2] === 'true';
    else if (VALUE_FLAGS.has(name)) {
      const value = match[2] ?? args[++index];
      if (value === undefined) problems.push(`flag -${name} needs a value`);
      else values[name] = value;
    } else problems.push(`unknown flag -${name}`);
  }
  if (!self) problems.push('only "token revoke -self" is supported');
  return { parsed: { values, self, skipVerify }, problems };
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
  const tokenFile = join(env.HOME !== undefined && env.HOME !== '' && env.HOME !== '/' ? env.HOME : '/home/vault', '.vault-token');
  const token = (env.VAULT_TOKEN ?? (await readFile(tokenFile, 'utf8').catch(() => ''))).trim();
  if (token === '') {
    process.stderr.write(`No token found: set VAULT_TOKEN or write it to ${tokenFile}\n`);
    return 2;
  }
  const overrides = {
    ...(parsed.values.address === undefined ? {} : { address: parsed.values.address }),
    ...(parsed.values['ca-cert'] === undefined ? {} : { caCert: parsed.values['ca-cert'] }),
    ...(parsed.values['client-cert'] === undefined ? {} : { clientCert: parsed.values['client-cert'] }),
    ...(parsed.values['client-key'] === undefined ? {} : { clientKey: parsed.values['client-key'] }),
    ...(parsed.skipVerify === undefined ? {} : { tlsSkipVerify: parsed.skipVerify }),
  };
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
