// Real X.509: a root CA and leaf certificates signed by it (node-forge builds and signs; Node's
// crypto generates the RSA keys, which is far faster than forge's pure-JS key generation).
import { generateKeyPair } from 'node:crypto';
import { isIP } from 'node:net';
import { promisify } from 'node:util';
import forge from 'node-forge';

const generateRsaKeyPair = promisify(generateKeyPair);

export interface KeyPairPem {
  /** PKCS#1 "RSA PRIVATE KEY", Vault's default private_key format for RSA. */
  readonly privateKeyPem: string;
  readonly privateKeyPkcs8Pem: string;
  readonly publicKeyPem: string;
}

export interface IssuedCertificate extends KeyPairPem {
  readonly certificatePem: string;
  /** Colon-separated lowercase hex, as Vault reports serial_number. */
  readonly serialNumber: string;
}

export interface CertificateAuthority {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

export async function generateRsaKeys(): Promise<KeyPairPem> {
  const { privateKey, publicKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    privateKeyPkcs8Pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** Positive 20-byte serial (high bit clear), as hex pairs. */
export function serialHex(randomHex: string): string {
  const first = (Number.parseInt(randomHex.slice(0, 2), 16) & 0x7f).toString(16).padStart(2, '0');
  return `${first}${randomHex.slice(2)}`;
}

function colonSerial(hex: string): string {
  return (hex.match(/../g) ?? []).join(':');
}

interface CertificateRequest {
  readonly subjectCommonName: string;
  readonly serial: string;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
  readonly publicKeyPem: string;
  readonly extensions: readonly Record<string, unknown>[];
}

function buildAndSign(request: CertificateRequest, issuer: { subject: forge.pki.CertificateField[]; privateKeyPem: string }): string {
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(request.publicKeyPem);
  certificate.serialNumber = request.serial;
  certificate.validity.notBefore = new Date(request.notBeforeMs);
  certificate.validity.notAfter = new Date(request.notAfterMs);
  certificate.setSubject([{ name: 'commonName', value: request.subjectCommonName }]);
  certificate.setIssuer(issuer.subject.length > 0 ? issuer.subject : [{ name: 'commonName', value: request.subjectCommonName }]);
  certificate.setExtensions([...request.extensions]);
  certificate.sign(forge.pki.privateKeyFromPem(issuer.privateKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(certificate);
}

export async function createCertificateAuthority(options: { commonName: string; serial: string; notBeforeMs: number; notAfterMs: number }): Promise<CertificateAuthority> {
  const keys = await generateRsaKeys();
  const certificatePem = buildAndSign(
    {
      subjectCommonName: options.commonName,
      serial: options.serial,
      notBeforeMs: options.notBeforeMs,
      notAfterMs: options.notAfterMs,
      publicKeyPem: keys.publicKeyPem,
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
        { name: 'subjectKeyIdentifier' },
      ],
    },
    { subject: [], privateKeyPem: keys.privateKeyPem },
  );
  return { certificatePem, privateKeyPem: keys.privateKeyPem };
}

export interface LeafRequest {
  readonly commonName: string;
  /** DNS names and/or IP addresses; the common name is included automatically. */
  readonly subjectAltNames: readonly string[];
  readonly serial: string;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
}

export async function issueLeafCertificate(ca: CertificateAuthority, request: LeafRequest): Promise<IssuedCertificate> {
  const keys = await generateRsaKeys();
  const caCertificate = forge.pki.certificateFromPem(ca.certificatePem);
  const names = [...new Set([request.commonName, ...request.subjectAltNames].filter((name) => name !== ''))];
  const altNames = names.map((name) => (isIP(name) ? { type: 7, ip: name } : { type: 2, value: name }));
  const certificatePem = buildAndSign(
    {
      subjectCommonName: request.commonName,
      serial: request.serial,
      notBeforeMs: request.notBeforeMs,
      notAfterMs: request.notAfterMs,
      publicKeyPem: keys.publicKeyPem,
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyAgreement: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
        { name: 'subjectAltName', altNames },
        { name: 'subjectKeyIdentifier' },
        { name: 'authorityKeyIdentifier', keyIdentifier: caCertificate.generateSubjectKeyIdentifier().getBytes() },
      ],
    },
    { subject: caCertificate.subject.attributes, privateKeyPem: ca.privateKeyPem },
  );
  return { ...keys, certificatePem, serialNumber: colonSerial(request.serial) };
}

/** A throwaway CA and a server certificate for the double's own TLS listener. */
export async function generateTestTls(options: { readonly hosts?: readonly string[] } = {}): Promise<{ caPem: string; certPem: string; keyPem: string }> {
  const nowMs = Date.now();
  const randomSerial = (): string => serialHex(createPrivateKeySerial());
  const ca = await createCertificateAuthority({ commonName: 'vault-double test CA', serial: randomSerial(), notBeforeMs: nowMs - 60_000, notAfterMs: nowMs + 365 * 86_400_000 });
  const hosts = options.hosts ?? ['127.0.0.1', 'localhost'];
  const leaf = await issueLeafCertificate(ca, { commonName: hosts[0] ?? '127.0.0.1', subjectAltNames: hosts, serial: randomSerial(), notBeforeMs: nowMs - 60_000, notAfterMs: nowMs + 30 * 86_400_000 });
  return { caPem: ca.certificatePem, certPem: leaf.certificatePem, keyPem: leaf.privateKeyPem };
}

function createPrivateKeySerial(): string {
  return forge.util.bytesToHex(forge.random.getBytesSync(20));
}
