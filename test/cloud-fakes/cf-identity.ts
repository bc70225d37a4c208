// Cloud Foundry instance identity credentials as Diego issues them
// (https://docs.cloudfoundry.org/devguide/deploy-apps/instance-identity.html): a root CA (what the
// operator configures as identity_ca_certificates), an intermediate CA, and per instance a leaf
// certificate with CN = the instance GUID, OUs "organization:<guid>", "space:<guid>", "app:<guid>"
// and the container's IP as its one IP SAN. CF_INSTANCE_CERT holds the leaf then the intermediate;
// CF_INSTANCE_KEY the leaf's PKCS#1 key. node-forge builds and signs; Node generates the keys.
import { randomBytes, randomUUID } from 'node:crypto';
import forge from 'node-forge';
import { generateRsaKeys } from '../vault-double/engines/pki-certificates.js';

export interface CfCa {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  readonly subject: forge.pki.CertificateField[];
}

export interface CfInstanceIdentity {
  /** The root to configure as identity_ca_certificates. */
  readonly rootCaPem: string;
  /** The CF_INSTANCE_CERT file: identity certificate, then the intermediate. */
  readonly certificateFile: string;
  /** The CF_INSTANCE_KEY file (PKCS#1). */
  readonly keyPem: string;
  readonly instanceId: string;
  readonly appId: string;
  readonly spaceId: string;
  readonly orgId: string;
}

export interface CfIdentityOptions {
  readonly ip?: string;
  readonly appId?: string;
  readonly spaceId?: string;
  readonly orgId?: string;
  /** Validity of the identity certificate (default: a minute ago to a day ahead). */
  readonly notBeforeMs?: number;
  readonly notAfterMs?: number;
  /** Issue under this root (default a fresh one). */
  readonly root?: CfCa;
}

const DAY_MS = 86_400_000;

function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

interface ToSign {
  readonly subject: forge.pki.CertificateField[];
  /** null: self-signed with privateKeyPem. */
  readonly issuer: { subject: forge.pki.CertificateField[]; privateKeyPem: string } | null;
  readonly publicKeyPem: string;
  readonly privateKeyPem: string;
  readonly validity: { notBeforeMs: number; notAfterMs: number };
  readonly extensions: Record<string, unknown>[];
}

function sign({ subject, issuer, publicKeyPem, privateKeyPem, validity, extensions }: ToSign): string {
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  certificate.serialNumber = serial();
  certificate.validity.notBefore = new Date(validity.notBeforeMs);
  certificate.validity.notAfter = new Date(validity.notAfterMs);
  certificate.setSubject(subject);
  certificate.setIssuer(issuer?.subject ?? subject);
  certificate.setExtensions(extensions);
  certificate.sign(forge.pki.privateKeyFromPem(issuer?.privateKeyPem ?? privateKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(certificate);
}

const CA_EXTENSIONS = [
  { name: 'basicConstraints', cA: true, critical: true },
  { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
];

async function createCa(commonName: string, issuer: CfCa | null): Promise<CfCa> {
  const keys = await generateRsaKeys();
  const subject = [{ name: 'commonName', value: commonName }];
  const nowMs = Date.now();
  const validity = { notBeforeMs: nowMs - DAY_MS, notAfterMs: nowMs + 365 * DAY_MS };
  const certificatePem = sign({ subject, issuer, publicKeyPem: keys.publicKeyPem, privateKeyPem: keys.privateKeyPem, validity, extensions: CA_EXTENSIONS });
  return { certificatePem, privateKeyPem: keys.privateKeyPem, subject };
}

export function createCfRootCa(): Promise<CfCa> {
  return createCa('instanceIdentityRootCA', null);
}

export async function issueCfInstanceIdentity(options: CfIdentityOptions = {}): Promise<CfInstanceIdentity> {
  const root = options.root ?? (await createCfRootCa());
  const intermediate = await createCa('instanceIdentityCA', root);
  const keys = await generateRsaKeys();
  const ids = { instanceId: randomUUID(), appId: options.appId ?? randomUUID(), spaceId: options.spaceId ?? randomUUID(), orgId: options.orgId ?? randomUUID() };
  const nowMs = Date.now();
  const subject = [
    { name: 'commonName', value: ids.instanceId },
    { shortName: 'OU', value: `organization:${ids.orgId}` },
    { shortName: 'OU', value: `space:${ids.spaceId}` },
    { shortName: 'OU', value: `app:${ids.appId}` },
  ];
  const leafPem = sign({
    subject,
    issuer: intermediate,
    publicKeyPem: keys.publicKeyPem,
    privateKeyPem: keys.privateKeyPem,
    validity: { notBeforeMs: options.notBeforeMs ?? nowMs - 60_000, notAfterMs: options.notAfterMs ?? nowMs + DAY_MS },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyAgreement: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: options.ip ?? '127.0.0.1' }, { type: 2, value: ids.instanceId }] },
    ],
  });
  return { rootCaPem: root.certificatePem, certificateFile: `${leafPem}${intermediate.certificatePem}`, keyPem: keys.privateKeyPem, ...ids };
}
