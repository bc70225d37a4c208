// Loopback stand-ins for Azure: the instance metadata service (compute metadata, managed-identity
// tokens) and the Microsoft Entra token endpoint (client-credentials grant with a federated
// client assertion, or a client secret). As the real ones: IMDS answers only with `Metadata: true`
// and wants api-version and resource; Entra wants grant_type=client_credentials, the app's client
// id, a scope, and exactly the assertion (the projected service-account token) or secret it trusts.
// Access tokens are RS256 JWTs from the tenant's key, audience the requested resource.
import { randomBytes } from 'node:crypto';
import type { FakeServer } from './fake-server.js';
import { reply, startFakeServer } from './fake-server.js';
import { generateSigningKey, signJwt } from '../helpers/jwt-rs256.js';

export interface AzureFakeOptions {
  readonly tenantId: string;
  /** The managed identity's object id (IMDS tokens) and the app's (Entra tokens). */
  readonly managedIdentityObjectId: string;
  readonly app?: { readonly clientId: string; readonly objectId: string; readonly federatedToken?: string; readonly clientSecret?: string };
  readonly compute: Readonly<Record<string, string>>;
}

export interface AzureFakes {
  readonly server: FakeServer;
  readonly publicKeys: Record<string, string>;
}

export async function startAzureFakes(options: AzureFakeOptions): Promise<AzureFakes> {
  const key = generateSigningKey(`entra-${randomBytes(4).toString('hex')}`);
  const token = (audience: string, objectId: string): string => {
    const now = Math.floor(Date.now() / 1000);
    return signJwt({ aud: audience, iss: `https://sts.windows.net/${options.tenantId}/`, tid: options.tenantId, oid: objectId, sub: objectId, iat: now, nbf: now, exp: now + 3600 }, key);
  };
  const server = await startFakeServer((request) => {
    if (request.path.startsWith('/metadata/')) {
      if (request.headers['metadata'] !== 'true') return reply.json({ error: 'bad_request', error_description: 'Required metadata header not specified' }, 400);
      if ((request.query.get('api-version') ?? '') === '') return reply.json({ error: 'Bad request. api-version was not specified in the request' }, 400);
      if (request.path === '/metadata/instance') return reply.json({ compute: options.compute, network: { interface: [] } });
      if (request.path === '/metadata/identity/oauth2/token') {
        const resource = request.query.get('resource') ?? '';
        if (resource === '') return reply.json({ error: 'invalid_request', error_description: 'Required query variable resource is missing' }, 400);
        return reply.json({ access_token: token(resource, options.managedIdentityObjectId), expires_in: '3599', resource, token_type: 'Bearer' });
      }
      return reply.error(404, 'not found');
    }
    const tokenPath = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(request.path);
    if (tokenPath !== null && request.method === 'POST') {
      const form = new URLSearchParams(request.body);
      const { app } = options;
      const fail = (description: string) => reply.json({ error: 'invalid_client', error_description: description }, 401);
      if (tokenPath[1] !== options.tenantId) return reply.json({ error: 'invalid_tenant', error_description: `tenant ${tokenPath[1] ?? ''} not found` }, 400);
      if (form.get('grant_type') !== 'client_credentials') return reply.json({ error: 'unsupported_grant_type' }, 400);
      if (app === undefined || form.get('client_id') !== app.clientId) return fail('AADSTS700016: application not found');
      const scope = form.get('scope') ?? '';
      if (!scope.endsWith('/.default')) return reply.json({ error: 'invalid_scope' }, 400);
      const assertion = form.get('client_assertion');
      if (assertion !== null) {
        if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return fail('AADSTS50027: invalid assertion type');
        if (app.federatedToken === undefined || assertion !== app.federatedToken) return fail('AADSTS700213: no matching federated identity record');
      } else if (app.clientSecret === undefined || form.get('client_secret') !== app.clientSecret) {
        return fail('AADSTS7000215: invalid client secret');
      }
      return reply.json({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token(scope.replace(/\/\.default$/, ''), app.objectId) });
    }
    return reply.error(404, 'not found');
  });
  return { server, publicKeys: { [key.kid]: key.publicKeyPem } };
}
