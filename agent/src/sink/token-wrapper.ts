// Response wrapping for sinks: the token is wrapped per write (sys/wrapping/wrap) and the wrap info
// is written as JSON, with Vault's field names and plain numbers.
import type { VaultClient } from '../vault/vault-client.js';
import { numberField } from '../vault/vault-client.js';
import type { TokenWrapper } from './file-sink.js';

export function wrapInfoJson(wrapInfo: Readonly<Record<string, unknown>>): string {
  const field = (key: string): unknown => numberField(wrapInfo[key]) ?? wrapInfo[key] ?? '';
  return JSON.stringify({
    token: field('token'),
    accessor: field('accessor'),
    ttl: field('ttl'),
    creation_time: field('creation_time'),
    creation_path: field('creation_path'),
    wrapped_accessor: field('wrapped_accessor'),
  });
}

export function createTokenWrapper(client: VaultClient): TokenWrapper {
  return {
    async wrap(token: string, wrapTtl: string): Promise<string> {
      const response = await client.request({ method: 'POST', path: 'sys/wrapping/wrap', body: { token }, token, wrapTtl });
      const wrapInfo = (response.body as { wrap_info?: Record<string, unknown> | null } | undefined)?.wrap_info;
      if (wrapInfo === undefined || wrapInfo === null) throw new Error('sys/wrapping/wrap returned no wrap_info');
      return wrapInfoJson(wrapInfo);
    },
  };
}
