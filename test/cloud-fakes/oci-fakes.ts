// Loopback stand-ins for OCI instance principals: the instance metadata service v2 (answers only
// with "Authorization: Bearer Oracle": instance/region, identity/cert.pem, key.pem,
// intermediate.pem — a leaf certificate naming the tenancy as "opc-tenant:<ocid>", issued by the
// intermediate) and the x509 federation endpoint POST /v1/x509, which checks what OCI's Auth
// service checks: the request signed by the leaf key with keyId "<tenancy>/fed-x509/<SHA-1 of the
// leaf, colon hex>" over date (request-target) content-length content-type x-content-sha256, the
// body hash, and the certificate in the body being that leaf; it answers {token}: a JWT (RS256,
// the federation key) with the instance as `sub`, `tenant`, `ptype` "instance" and the session
// public key the agent sent as a JWK string in `jwk` — the claims OCI security tokens carry.
import { X509Certificate, createHash, createPublicKey, verify } from 'node:crypto';
import forge from 'node-forge';
import type { FakeServer } from './fake-server.js';
import { reply, startFakeServer } from './fake-server.js';
import type { SigningKey } from '../helpers/jwt-rs256.js';
import { generateSigningKey, signJwt } from '../helpers/jwt-rs256.js';
import { generateRsaKeys } from '../vault-double/engines/pki-certificates.js';

export interface OciFakes {
  /** Serves /opc/v2/… (metadata) and /v1/x509 (federation). */
  readonly server: FakeServer;
  /** OCI_METADATA_BASE_URL for the agent. */
  readonly metadataBaseUrl: string;
  readonly tenancy: string;
  readonly instanceOcid: string;
  /** kid → public key PEM of the federation signing key (for the Vault double). */
  readonly federationPublicKeys: Record<string, string>;
  /** The leaf private key PEM (a credential: must never appear in the agent's output). */
  readonly leafKeyPem: string;
  /** Security tokens issued so far. */
  readonly issuedTokens: string[];
}

interface CertificateSpec {
  readonly subject: forge.pki.CertificateField[];
  readonly issuer: forge.pki.CertificateField[];
  readonly publicKeyPem: string;
  readonly signerKeyPem: string;
  readonly ca: boolean;
}

function certificate({ subject, issuer, publicKeyPem, signerKeyPem, ca }: CertificateSpec): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  cert.serialNumber = `0${createHash('sha1').update(publicKeyPem).digest('hex').slice(0, 15)}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 3_600_000);
  cert.setSubject(subject);
  cert.setIssuer(issuer);
  cert.setExtensions([{ name: 'basicConstraints', cA: ca }]);
  cert.sign(forge.pki.privateKeyFromPem(signerKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

function signatureParams(authorization: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const match of authorization.replace(/^Signature /, '').matchAll(/([a-zA-Z]+)="([^"]*)"/g)) params.set(match[1] ?? '', match[2] ?? '');
  return params;
}

export async function startOciFakes(options: { readonly region?: string; readonly tokenTtlSeconds?: number } = {}): Promise<OciFakes> {
  const tenancy = 'ocid1.tenancy.oc1..aaaaaaaafaketenancy';
  const instanceOcid = 'ocid1.instance.oc1.phx.aaaaaaaafakeinstance';
  const intermediateKeys = await generateRsaKeys();
  const leafKeys = await generateRsaKeys();
  const intermediateSubject = [{ name: 'commonName', value: 'PKISVC Identity Intermediate r2' }];
  const intermediatePem = certificate({ subject: intermediateSubject, issuer: intermediateSubject, publicKeyPem: intermediateKeys.publicKeyPem, signerKeyPem: intermediateKeys.privateKeyPem, ca: true });
  const leafPem = certificate({
    subject: [{ name: 'commonName', value: instanceOcid }, { shortName: 'OU', value: 'opc-certtype:instance' }, { shortName: 'OU', value: `opc-instance:${instanceOcid}` }, { shortName: 'OU', value: `opc-tenant:${tenancy}` }],
    issuer: intermediateSubject,
    publicKeyPem: leafKeys.publicKeyPem,
    signerKeyPem: intermediateKeys.privateKeyPem,
    ca: false,
  });
  const leaf = new X509Certificate(leafPem);
  const leafKeyId = `${tenancy}/fed-x509/${leaf.fingerprint.toLowerCase()}`;
  const federation: SigningKey = generateSigningKey('asw');
  const issuedTokens: string[] = [];
  const ttl = options.tokenTtlSeconds ?? 1200;

  const server = await startFakeServer((request) => {
    if (request.path.startsWith('/opc/v2/')) {
      if (request.headers['authorization'] !== 'Bearer Oracle') return reply.error(401, 'Authorization: Bearer Oracle required');
      switch (request.path.slice('/opc/v2/'.length)) {
        case 'instance/region':
          return reply.text(options.region ?? 'phx');
        case 'identity/cert.pem':
          return reply.text(leafPem);
        case 'identity/key.pem':
          return reply.text(leafKeys.privateKeyPkcs8Pem);
        case 'identity/intermediate.pem':
          return reply.text(intermediatePem);
        default:
          return reply.error(404, 'not found');
      }
    }
    if (request.path === '/v1/x509' && request.method === 'POST') {
      const params = signatureParams(request.headers['authorization'] ?? '');
      if (params.get('keyId') !== leafKeyId) return reply.json({ code: 'NotAuthenticated', message: 'unknown keyId' }, 401);
      const names = (params.get('headers') ?? '').split(' ');
      for (const required of ['date', '(request-target)', 'content-length', 'content-type', 'x-content-sha256']) {
        if (!names.includes(required)) return reply.json({ code: 'NotAuthenticated', message: `${required} not signed` }, 401);
      }
      if (request.headers['x-content-sha256'] !== createHash('sha256').update(request.body).digest('base64')) return reply.json({ code: 'NotAuthenticated', message: 'body hash mismatch' }, 401);
      const value = (name: string): string => (name === '(request-target)' ? `post ${request.path}` : (request.headers[name] ?? ''));
      const signingString = names.map((name) => `${name}: ${value(name)}`).join('\n');
      if (!verify('RSA-SHA256', Buffer.from(signingString), leaf.publicKey, Buffer.from(params.get('signature') ?? '', 'base64'))) {
        return reply.json({ code: 'NotAuthenticated', message: 'signature does not verify' }, 401);
      }
      const body = JSON.parse(request.body) as { certificate?: string; publicKey?: string; intermediateCertificates?: string[] };
      if (body.certificate !== leaf.raw.toString('base64')) return reply.json({ code: 'NotAuthenticated', message: 'certificate is not the leaf' }, 401);
      const sessionKey = createPublicKey({ key: Buffer.from(body.publicKey ?? '', 'base64'), format: 'der', type: 'spki' });
      const now = Math.floor(Date.now() / 1000);
      const token = signJwt(
        { iss: 'authService.oracle.com', sub: instanceOcid, tenant: tenancy, ptype: 'instance', jwk: JSON.stringify({ kid: 'session', ...sessionKey.export({ format: 'jwk' }) }), iat: now, exp: now + ttl },
        federation,
      );
      issuedTokens.push(token);
      return reply.json({ token });
    }
    return reply.error(404, 'not found');
  });
  return {
    server,
    metadataBaseUrl: `${server.url}/opc/v2`,
    tenancy,
    instanceOcid,
    federationPublicKeys: { [federation.kid]: federation.publicKeyPem },
    leafKeyPem: leafKeys.privateKeyPkcs8Pem,
    issuedTokens,
  };
}
