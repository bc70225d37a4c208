// The pure caBundle rules: every webhook, rollover keeps the previous CA, nothing when current.
import { bundleIsCurrent, caBundlePatch, certificateFingerprint, desiredBundle, pemCertificates } from './ca-bundle.js';
import { generateCa } from '../tls/x509.js';

const now = new Date();
const b64 = (text: string): string => Buffer.from(text).toString('base64');
let caA: string;
let caB: string;
let expired: string;

beforeAll(async () => {
  caA = (await generateCa({ now })).certPem;
  caB = (await generateCa({ now })).certPem;
  expired = (await generateCa({ now: new Date(now.getTime() - 10_000_000), validityMs: 1_000_000 })).certPem;
});

test('an empty or missing bundle gets just our CA', () => {
  expect(Buffer.from(desiredBundle(undefined, caA, now), 'base64').toString()).toBe(caA);
  expect(Buffer.from(desiredBundle('', caA, now), 'base64').toString()).toBe(caA);
});

test('a different CA stays in front of ours (rollover), only its last certificate', () => {
  const written = Buffer.from(desiredBundle(b64(caA), caB, now), 'base64').toString();
  expect(pemCertificates(written)).toEqual([caA, caB]);
  const again = Buffer.from(desiredBundle(written, caA, now), 'base64').toString();
  expect(pemCertificates(Buffer.from(desiredBundle(b64(again), caA, now), 'base64').toString()).length).toBeLessThanOrEqual(2);
});

test('an expired or garbage previous bundle is dropped', () => {
  expect(pemCertificates(Buffer.from(desiredBundle(b64(expired), caA, now), 'base64').toString())).toEqual([caA]);
  expect(pemCertificates(Buffer.from(desiredBundle(b64('not a pem'), caA, now), 'base64').toString())).toEqual([caA]);
});

test('current means the bundle ends with our CA', () => {
  expect(bundleIsCurrent(b64(caA), caA)).toBe(true);
  expect(bundleIsCurrent(b64(caB + caA), caA)).toBe(true);
  expect(bundleIsCurrent(b64(caA + caB), caA)).toBe(false);
  expect(bundleIsCurrent(undefined, caA)).toBe(false);
});

test('the patch covers every webhook that is not current, and is empty when all are', () => {
  const configuration = {
    name: 'cfg',
    resourceVersion: '1',
    webhooks: [
      { name: 'a', caBundle: undefined },
      { name: 'b', caBundle: b64(caA) },
      { name: 'c', caBundle: b64(caB) },
    ],
  };
  const patch = caBundlePatch(configuration, caA, now);
  expect(patch.map((operation) => [operation.op, operation.path])).toEqual([
    ['add', '/webhooks/0/clientConfig/caBundle'],
    ['add', '/webhooks/2/clientConfig/caBundle'],
  ]);
  expect(pemCertificates(Buffer.from(patch[1]!.value as string, 'base64').toString())).toEqual([caB, caA]);
  const current = { ...configuration, webhooks: configuration.webhooks.map((webhook) => ({ ...webhook, caBundle: b64(caA) })) };
  expect(caBundlePatch(current, caA, now)).toEqual([]);
});

test('fingerprints are stable SHA-256 text and differ between CAs', () => {
  expect(certificateFingerprint(caA)).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  expect(certificateFingerprint(caA)).toBe(certificateFingerprint(`\n${caA}`));
  expect(certificateFingerprint(caA)).not.toBe(certificateFingerprint(caB));
});
