// The webhook's self-managed certificates, as vault-k8s makes them
// (https://github.com/hashicorp/vault-k8s/blob/main/helper/cert/source_gen.go): an ECDSA P-256 CA
// "Agent Inject CA" valid 10 years and leaves "Agent Inject Service" valid 24 h, both back-dated
// one minute. Built with @peculiar/x509 over WebCrypto.
import 'reflect-metadata'; // @peculiar/x509's dependency injection (tsyringe) needs the polyfill first.
import * as x509 from '@peculiar/x509';
import { X509Certificate, createHash, createPrivateKey, randomBytes as nodeRandomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';

export const CA_VALIDITY_MS = 10 * 365 * 24 * 60 * 60 * 1000;
export const LEAF_VALIDITY_MS = 24 * 60 * 60 * 1000;
/** notBefore = now − 1 minute, tolerating small clock skew between replicas and the API server. */
export const BACKDATE_MS = 60 * 1000;
const DEFAULT_CERT_NAME = 'Agent Inject';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const crypto = webcrypto;
const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const RSA_2048 = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' } as const;

/** A certificate and its private key, both PEM (key as `EC PRIVATE KEY` for ECDSA, like Go). */
export interface KeyedCertificate {
  readonly certPem: string;
  readonly keyPem: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export interface CaOptions {
  readonly now: Date;
  /** Common-name prefix; vault-k8s uses "Agent Inject" ⇒ "Agent Inject CA". */
  readonly name?: string;
  readonly validityMs?: number;
  readonly randomBytes?: (size: number) => Uint8Array;
}

export interface LeafOptions {
  readonly now: Date;
  /** SANs: IP literals become IP SANs, everything else DNS SANs (Go's net.ParseIP split). */
  readonly hosts: readonly string[];
  readonly name?: string;
  readonly validityMs?: number;
  readonly randomBytes?: (size: number) => Uint8Array;
  /** The leaf's key type. vault-k8s always uses ECDSA P-256; RSA exists for tests of RSA-only cipher suites. */
  readonly keyType?: 'ecdsa-p256' | 'rsa-2048';
}

/** A DER INTEGER body below 2^159, minimal (Go rejects non-minimal serials). */
function serialNumberHex(randomBytes: (size: number) => Uint8Array): string {
  const bytes = Array.from(randomBytes(20));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  while (bytes.length > 1 && bytes[0] === 0 && (bytes[1] ?? 0) < 0x80) bytes.shift();
  return Buffer.from(bytes).toString('hex');
}

/** vault-k8s's key id: the colon-separated lower-case hex text of SHA-256(SPKI), as bytes. */
async function keyIdHex(publicKey: CryptoKey): Promise<string> {
  const spki = Buffer.from(await crypto.subtle.exportKey('spki', publicKey));
  const text = createHash('sha256').update(spki).digest('hex').match(/../g)?.join(':') ?? '';
  return Buffer.from(text, 'ascii').toString('hex');
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', key));
  const keyObject = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  if (keyObject.asymmetricKeyType === 'ec') return keyObject.export({ type: 'sec1', format: 'pem' }).toString();
  return keyObject.export({ type: 'pkcs1', format: 'pem' }).toString();
}

async function importCaKey(keyPem: string): Promise<CryptoKey> {
  const pkcs8 = createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'der' });
  return crypto.subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
}

function generalNames(hosts: readonly string[]): x509.JsonGeneralNames {
  return hosts.map((host) => (isIP(host) === 0 ? { type: 'dns' as const, value: host } : { type: 'ip' as const, value: host }));
}

function toKeyed(certificate: x509.X509Certificate, keyPem: string): KeyedCertificate {
  return { certPem: certificate.toString('pem') + '\n', keyPem, notBefore: certificate.notBefore, notAfter: certificate.notAfter };
}

/** A new self-signed CA: keyUsage certSign+digitalSignature, EKU serverAuth, SKI = AKI. */
export async function generateCa(options: CaOptions): Promise<KeyedCertificate> {
  const keys = await crypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify']);
  const keyId = await keyIdHex(keys.publicKey);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serialNumberHex(options.randomBytes ?? nodeRandomBytes),
      name: [{ CN: [`${options.name ?? DEFAULT_CERT_NAME} CA`] }],
      notBefore: new Date(options.now.getTime() - BACKDATE_MS),
      notAfter: new Date(options.now.getTime() + (options.validityMs ?? CA_VALIDITY_MS)),
      keys,
      signingAlgorithm: ECDSA_P256,
      extensions: [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.SubjectKeyIdentifierExtension(keyId, false),
        new x509.AuthorityKeyIdentifierExtension(keyId, false),
      ],
    },
    crypto,
  );
  return toKeyed(certificate, await privateKeyPem(keys.privateKey));
}

/** A leaf signed by `ca` for `hosts`: keyUsage digitalSignature+keyEncipherment, EKU serverAuth. */
export async function generateLeaf(ca: Pick<KeyedCertificate, 'certPem' | 'keyPem'>, options: LeafOptions): Promise<KeyedCertificate> {
  const caCertificate = new x509.X509Certificate(ca.certPem);
  const caKeyId = caCertificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  const algorithm = options.keyType === 'rsa-2048' ? RSA_2048 : ECDSA_P256;
  const keys: CryptoKeyPair = await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const extensions: x509.Extension[] = [
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
    new x509.BasicConstraintsExtension(false, undefined, true),
  ];
  if (caKeyId !== undefined) extensions.push(new x509.AuthorityKeyIdentifierExtension(caKeyId, false));
  if (options.hosts.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(generalNames(options.hosts), false));
  const certificate = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serialNumberHex(options.randomBytes ?? nodeRandomBytes),
      subject: [{ CN: [`${options.name ?? DEFAULT_CERT_NAME} Service`] }],
      issuer: caCertificate.subjectName,
      notBefore: new Date(options.now.getTime() - BACKDATE_MS),
      notAfter: new Date(options.now.getTime() + (options.validityMs ?? LEAF_VALIDITY_MS)),
      publicKey: keys.publicKey,
      signingKey: await importCaKey(ca.keyPem),
      signingAlgorithm: ECDSA_P256,
      extensions,
    },
    crypto,
  );
  return toKeyed(certificate, await privateKeyPem(keys.privateKey));
}

export type KeyPairCheck =
  | { readonly ok: true; readonly notAfter: Date; readonly notBefore: Date }
  | { readonly ok: false; readonly error: string };

/**
 * Checks that `certPem` starts with a parsable certificate whose public key matches `keyPem`
 * (Go's tls.X509KeyPair). Catches half-written files and a cert rotated before its key.
 */
export function checkKeyPair(certPem: string, keyPem: string): KeyPairCheck {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certPem);
  } catch (error) {
    return { ok: false, error: `cannot parse certificate: ${error instanceof Error ? error.message : String(error)}` };
  }
  try {
    if (!certificate.checkPrivateKey(createPrivateKey(keyPem))) {
      return { ok: false, error: 'private key does not match public key' };
    }
  } catch (error) {
    return { ok: false, error: `cannot parse private key: ${error instanceof Error ? error.message : String(error)}` };
  }
  return { ok: true, notAfter: new Date(certificate.validTo), notBefore: new Date(certificate.validFrom) };
}
