// Loopback stand-ins for GCP: the metadata server (access token, service-account email, identity
// token with format=full claims) and the IAM Credentials API's signJwt. As the real ones: the
// metadata server answers only requests with `Metadata-Flavor: Google`; signJwt wants the bearer
// token the metadata server handed out and a JSON `payload`, and signs it with the service
// account's key (RS256, the key's id in the header).
import { randomBytes } from 'node:crypto';
import type { FakeServer } from './fake-server.js';
import { reply, startFakeServer } from './fake-server.js';
import type { SigningKey } from '../helpers/jwt-rs256.js';
import { generateSigningKey, signJwt } from '../helpers/jwt-rs256.js';

export interface GcpFakes {
  /** Serves both the metadata paths and /v1/projects/-/serviceAccounts/…:signJwt. */
  readonly server: FakeServer;
  readonly email: string;
  readonly accessToken: string;
  /** kid → public key PEM of Google's identity-token key and the service account's key. */
  readonly publicKeys: Record<string, string>;
}

export async function startGcpFakes(email = 'vault-agent@my-project.iam.gserviceaccount.com', projectId = 'my-project'): Promise<GcpFakes> {
  const google: SigningKey = generateSigningKey(`google-${randomBytes(4).toString('hex')}`);
  const serviceAccountKey: SigningKey = generateSigningKey(randomBytes(20).toString('hex'));
  const accessToken = `ya29.${randomBytes(24).toString('base64url')}`;
  const prefix = '/computeMetadata/v1/instance/service-accounts/';
  const server = await startFakeServer((request) => {
    if (request.path.startsWith(prefix)) {
      if (request.headers['metadata-flavor'] !== 'Google') return reply.error(403, 'Missing Metadata-Flavor:Google header.');
      const [account = '', item = ''] = request.path.slice(prefix.length).split('/');
      if (account !== 'default' && account !== email) return reply.error(404, 'service account not found');
      if (item === 'email') return reply.text(email);
      if (item === 'token') return reply.json({ access_token: accessToken, expires_in: 3599, token_type: 'Bearer' });
      if (item === 'identity') {
        const audience = request.query.get('audience') ?? '';
        if (audience === '') return reply.error(400, 'non-empty audience parameter required');
        const now = Math.floor(Date.now() / 1000);
        const claims: Record<string, unknown> = { iss: 'https://accounts.google.com', aud: audience, azp: '1234567890', sub: '1234567890', email, email_verified: true, iat: now, exp: now + 3600 };
        if (request.query.get('format') === 'full') {
          claims['google'] = { compute_engine: { project_id: projectId, project_number: 42, zone: 'europe-west1-b', instance_id: '4242', instance_name: 'gke-node-1' } };
        }
        return reply.text(signJwt(claims, google));
      }
      return reply.error(404, 'not found');
    }
    const signJwtPath = /^\/v1\/projects\/-\/serviceAccounts\/([^/:]+):signJwt$/.exec(request.path);
    if (signJwtPath !== null && request.method === 'POST') {
      if (request.headers['authorization'] !== `Bearer ${accessToken}`) return reply.json({ error: { code: 401, message: 'Request had invalid authentication credentials.' } }, 401);
      if (signJwtPath[1] !== email) return reply.json({ error: { code: 403, message: `Permission 'iam.serviceAccounts.signJwt' denied on ${signJwtPath[1] ?? ''}` } }, 403);
      let payload: unknown;
      try {
        payload = JSON.parse((JSON.parse(request.body) as { payload: string }).payload);
      } catch {
        return reply.json({ error: { code: 400, message: 'Invalid JSON payload received.' } }, 400);
      }
      return reply.json({ keyId: serviceAccountKey.kid, signedJwt: signJwt(payload as Record<string, unknown>, serviceAccountKey) });
    }
    return reply.error(404, 'not found');
  });
  return { server, email, accessToken, publicKeys: { [google.kid]: google.publicKeyPem, [serviceAccountKey.kid]: serviceAccountKey.publicKeyPem } };
}
