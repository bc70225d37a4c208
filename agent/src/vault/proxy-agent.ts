// Reaching Vault through a forward proxy (VAULT_PROXY_ADDR, HTTPS_PROXY…): every connection is an
// HTTP CONNECT tunnel through the proxy, wrapped in TLS when Vault is served over https.
import { request as httpRequest } from 'node:http';
import type { Agent } from 'node:http';
import type { AgentOptions } from 'node:http';
import type { Duplex } from 'node:stream';
import { createRequire } from 'node:module';
import type * as TlsModule from 'node:tls';

type ConnectCallback = (error: Error | null, socket?: Duplex) => void;

export function createProxyAgent(
  proxy: string,
  https: boolean,
  options: AgentOptions & Record<string, unknown>,
  AgentClass: new (options: AgentOptions) => Agent,
): Agent {
  const proxyUrl = new URL(proxy.includes('://') ? proxy : `http://${proxy}`);
  const agent = new AgentClass(options);
  const tunnel = (connectOptions: Record<string, unknown>, callback: ConnectCallback): undefined => {
    const host = String(connectOptions.host);
    const port = Number(connectOptions.port);
    const headers: Record<string, string> = { host: `${host}:${port}` };
    if (proxyUrl.username !== '') {
      headers['proxy-authorization'] = `Basic ${Buffer.from(`${decodeURIComponent(proxyUrl.username)}:${decodeURIComponent(proxyUrl.password)}`).toString('base64')}`;
    }
    const connect = httpRequest({
      host: proxyUrl.hostname,
      port: proxyUrl.port === '' ? 80 : Number(proxyUrl.port),
      method: 'CONNECT',
      path: `${host}:${port}`,
      headers,
    });
    connect.once('connect', (response, socket) => {
      if (response.statusCode !== 200) {
        socket.destroy();
        callback(new Error(`proxy CONNECT to ${host}:${port} answered ${response.statusCode}`));
        return;
      }
      if (!https) {
        callback(null, socket);
        return;
      }
      const tls = createRequire(import.meta.url)('node:tls') as typeof TlsModule;
      const secure = tls.connect({ ...options, socket, servername: (options.servername as string | undefined) ?? host });
      secure.once('secureConnect', () => { callback(null, secure); });
      secure.once('error', (error: Error) => {
        callback(error);
      });
    });
    connect.once('error', (error) => { callback(error); });
    connect.end();
    return undefined;
  };
  (agent as unknown as { createConnection: typeof tunnel }).createConnection = tunnel;
  return agent;
}
