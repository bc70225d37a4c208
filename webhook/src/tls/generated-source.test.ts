import { X509Certificate } from 'node:crypto';
import { GeneratedCertificateSource, MAX_CHECK_INTERVAL_MS, RETRY_AFTER_ERROR_MS } from './generated-source.js';
import type { Scheduler } from './scheduler.js';
import type { CertificateBundle } from './certificate-source.js';
import { LEAF_VALIDITY_MS } from './x509.js';
import { createLogger } from '../log.js';

const HOUR = 60 * 60 * 1000;

class ManualScheduler implements Scheduler {
  readonly pending: { delayMs: number }[] = [];
  schedule(_callback: () => void, delayMs: number): () => void {
    const entry = { delayMs };
    this.pending.push(entry);
    return () => {
      this.pending.splice(this.pending.indexOf(entry), 1);
    };
  }
}

function setup(options: { validityMs?: number; ca?: { certPem: string; keyPem: string; notBefore: Date; notAfter: Date } } = {}) {
  let now = new Date('2031-05-06T07:00:00.000Z');
  const lines: Record<string, unknown>[] = [];
  const scheduler = new ManualScheduler();
  const source = new GeneratedCertificateSource({
    hosts: ['vault-agent-injector-svc', 'vault-agent-injector-svc.vault.svc', '127.0.0.1'],
    logger: createLogger({ level: 'debug', format: 'json', destination: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) } }),
    clock: () => now,
    scheduler,
    ...(options.validityMs === undefined ? {} : { leafValidityMs: options.validityMs }),
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  });
  const bundles: CertificateBundle[] = [];
  source.onChange((bundle) => bundles.push(bundle));
  return {
    source,
    scheduler,
    bundles,
    lines,
    start: new Date(now),
    advanceTo(date: Date) {
      now = date;
    },
  };
}

describe('GeneratedCertificateSource', () => {
  it('issues a CA and a leaf for the hosts on start', async () => {
    const { source, bundles, start, scheduler } = setup();
    const controller = new AbortController();
    expect(source.current()).toBeUndefined();
    await source.start(controller.signal);
    expect(bundles).toHaveLength(1);
    const bundle = source.current()!;
    expect(bundle).toBe(bundles[0]);
    expect(bundle.caPem).toBe(source.authority()!.certPem);
    const leaf = new X509Certificate(bundle.certPem);
    expect(leaf.checkIssued(new X509Certificate(bundle.caPem!))).toBe(true);
    expect(leaf.subjectAltName).toBe('DNS:vault-agent-injector-svc, DNS:vault-agent-injector-svc.vault.svc, IP Address:127.0.0.1');
    expect(bundle.notAfter.getTime()).toBe(start.getTime() + LEAF_VALIDITY_MS);
    expect(scheduler.pending).toEqual([{ delayMs: MAX_CHECK_INTERVAL_MS }]);
    controller.abort();
    expect(scheduler.pending).toEqual([]);
  });

  it('keeps the leaf until it is within 10 % of its lifetime of expiry, then re-issues it with the same CA', async () => {
    const fixture = setup();
    const { source, bundles, start, lines } = fixture;
    const advanceTo = (date: Date): void => {
      fixture.advanceTo(date);
    };
    await source.start(new AbortController().signal);
    const first = source.current()!;
    const ca = source.authority();

    advanceTo(new Date(start.getTime() + 21.5 * HOUR));
    await source.check();
    expect(bundles).toHaveLength(1);

    const due = new Date(first.notAfter.getTime() - 0.1 * LEAF_VALIDITY_MS);
    advanceTo(due);
    await source.check();
    expect(bundles).toHaveLength(2);
    const second = source.current()!;
    expect(second.certPem).not.toBe(first.certPem);
    expect(second.keyPem).not.toBe(first.keyPem);
    expect(source.authority()).toBe(ca);
    expect(second.caPem).toBe(first.caPem);
    expect(second.notAfter.getTime()).toBe(due.getTime() + LEAF_VALIDITY_MS);
    expect(new X509Certificate(second.certPem).checkIssued(new X509Certificate(ca!.certPem))).toBe(true);
    const rotations = lines.filter((line) => line['event'] === 'certificate-rotated');
    expect(rotations).toHaveLength(2);
    expect(JSON.stringify(lines)).not.toContain('PRIVATE KEY');
  });

  it('schedules the next check for the rotation time when that is sooner than the check interval', async () => {
    const { source, scheduler } = setup({ validityMs: 20_000 });
    await source.start(new AbortController().signal);
    expect(scheduler.pending).toEqual([{ delayMs: 18_000 }]);
  });

  it('reuses a given CA', async () => {
    const first = setup();
    await first.source.start(new AbortController().signal);
    const ca = first.source.authority()!;
    const second = setup({ ca });
    await second.source.start(new AbortController().signal);
    expect(second.source.current()!.caPem).toBe(ca.certPem);
  });

  it('logs a failure and retries after 5 s', async () => {
    const { source, scheduler, lines } = setup({ ca: { certPem: 'garbage', keyPem: 'garbage', notBefore: new Date(), notAfter: new Date() } });
    await source.start(new AbortController().signal);
    expect(source.current()).toBeUndefined();
    expect(scheduler.pending).toEqual([{ delayMs: RETRY_AFTER_ERROR_MS }]);
    expect(lines.some((line) => line['@level'] === 'error' && line['@message'] === 'Failed to generate certificate, retrying')).toBe(true);
  });
});
