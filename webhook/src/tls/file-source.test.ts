import { mkdtempSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileCertificateSource, FILE_POLL_INTERVAL_MS } from './file-source.js';
import type { Scheduler } from './scheduler.js';
import type { CertificateBundle } from './certificate-source.js';
import { generateCa, generateLeaf } from './x509.js';
import type { KeyedCertificate } from './x509.js';
import { createLogger } from '../log.js';

const noTimers: Scheduler & { delays: number[] } = {
  delays: [],
  schedule(_callback, delayMs) {
    this.delays.push(delayMs);
    return () => undefined;
  },
};

let dir: string;
let ca: KeyedCertificate;
let pairA: KeyedCertificate;
let pairB: KeyedCertificate;

beforeAll(async () => {
  ca = await generateCa({ now: new Date() });
  pairA = await generateLeaf(ca, { now: new Date(), hosts: ['a.example'] });
  pairB = await generateLeaf(ca, { now: new Date(), hosts: ['b.example'], validityMs: 2 * 24 * 3600 * 1000 });
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'file-source-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function setup() {
  const lines: Record<string, unknown>[] = [];
  const certFile = join(dir, 'tls.crt');
  const keyFile = join(dir, 'tls.key');
  const source = new FileCertificateSource({
    certFile,
    keyFile,
    logger: createLogger({ level: 'debug', format: 'json', destination: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) } }),
    scheduler: noTimers,
  });
  const bundles: CertificateBundle[] = [];
  source.onChange((bundle) => bundles.push(bundle));
  const rejections = (): number => lines.filter((line) => line['event'] === 'certificate-rejected').length;
  return { source, lines, bundles, certFile, keyFile, rejections };
}

describe('FileCertificateSource', () => {
  it('loads the pair on start and polls every 250 ms', async () => {
    const { source, bundles, certFile, keyFile } = setup();
    writeFileSync(certFile, pairA.certPem);
    writeFileSync(keyFile, pairA.keyPem);
    await source.start(new AbortController().signal);
    expect(bundles).toHaveLength(1);
    expect(source.current()).toEqual({ certPem: pairA.certPem, keyPem: pairA.keyPem, notAfter: pairA.notAfter });
    expect(noTimers.delays.at(-1)).toBe(FILE_POLL_INTERVAL_MS);
    await source.poll();
    expect(bundles).toHaveLength(1);
  });

  it('keeps the old pair while the new one is half-written or mismatched, then switches', async () => {
    const { source, bundles, certFile, keyFile, rejections, lines } = setup();
    writeFileSync(certFile, pairA.certPem);
    writeFileSync(keyFile, pairA.keyPem);
    await source.start(new AbortController().signal);

    writeFileSync(certFile, pairB.certPem.slice(0, 200));
    await source.poll();
    expect(source.current()?.certPem).toBe(pairA.certPem);
    expect(rejections()).toBe(1);
    await source.poll();
    expect(rejections()).toBe(1);

    writeFileSync(certFile, pairB.certPem);
    await source.poll();
    expect(source.current()?.certPem).toBe(pairA.certPem);
    expect(rejections()).toBe(2);
    expect(lines.at(-1)?.['error']).toBe('private key does not match public key');

    writeFileSync(keyFile, pairB.keyPem);
    await source.poll();
    expect(source.current()).toEqual({ certPem: pairB.certPem, keyPem: pairB.keyPem, notAfter: pairB.notAfter });
    expect(bundles.map((bundle) => bundle.certPem)).toEqual([pairA.certPem, pairB.certPem]);
    expect(JSON.stringify(lines)).not.toContain('PRIVATE KEY');
  });

  it('survives missing files and picks them up when they appear (atomic rename)', async () => {
    const { source, certFile, keyFile, rejections } = setup();
    await source.start(new AbortController().signal);
    expect(source.current()).toBeUndefined();
    expect(rejections()).toBe(1);
    writeFileSync(join(dir, 'tmp.crt'), pairA.certPem);
    writeFileSync(join(dir, 'tmp.key'), pairA.keyPem);
    renameSync(join(dir, 'tmp.crt'), certFile);
    renameSync(join(dir, 'tmp.key'), keyFile);
    await source.poll();
    expect(source.current()?.certPem).toBe(pairA.certPem);
  });

  it('attaches the CA file when given', async () => {
    const caFile = join(dir, 'ca.crt');
    writeFileSync(caFile, ca.certPem);
    writeFileSync(join(dir, 'tls.crt'), pairA.certPem);
    writeFileSync(join(dir, 'tls.key'), pairA.keyPem);
    const source = new FileCertificateSource({
      certFile: join(dir, 'tls.crt'),
      keyFile: join(dir, 'tls.key'),
      caFile,
      logger: createLogger({ level: 'error', format: 'json', destination: { write: () => undefined } }),
      scheduler: noTimers,
    });
    await source.start(new AbortController().signal);
    expect(source.current()?.caPem).toBe(ca.certPem);
  });
});
