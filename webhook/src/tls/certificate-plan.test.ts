import { parseSettings } from '../settings/parse-settings.js';
import type { Settings } from '../settings/settings.js';
import { DEFAULT_SERVICE_NAME, defaultAutoHosts, planCertificates } from './certificate-plan.js';

function settings(args: readonly string[], env: Record<string, string> = {}): Settings {
  const parsed = parseSettings(['-vault-address=https://vault:8200', ...args], env);
  if (parsed.kind !== 'settings') throw new Error(JSON.stringify(parsed));
  return parsed.settings;
}

const DEFAULT_HOSTS = ['vault-agent-injector-svc', 'vault-agent-injector-svc.vault', 'vault-agent-injector-svc.vault.svc'];

describe('planCertificates', () => {
  it('generates a certificate for the default Service names without flags', () => {
    expect(DEFAULT_SERVICE_NAME).toBe('vault-agent-injector-svc');
    expect(defaultAutoHosts('vault')).toEqual(DEFAULT_HOSTS);
    expect(planCertificates(settings([], { NAMESPACE: 'vault' }))).toEqual({ local: { kind: 'generated', hosts: DEFAULT_HOSTS }, cluster: undefined });
  });

  it('uses -tls-auto-hosts when given', () => {
    expect(planCertificates(settings(['-tls-auto-hosts=a,b.svc']))).toEqual({ local: { kind: 'generated', hosts: ['a', 'b.svc'] }, cluster: undefined });
  });

  it('serves files when -tls-cert-file is set, with or without -tls-auto and leader election', () => {
    const files = { kind: 'files', certFile: '/c.pem', keyFile: '/k.pem', caFile: '/ca.pem' };
    const args = ['-tls-cert-file=/c.pem', '-tls-key-file=/k.pem', '-tls-ca-cert-file=/ca.pem'];
    expect(planCertificates(settings(args))).toEqual({ local: files, cluster: undefined });
    expect(planCertificates(settings([...args, '-tls-auto=hook', '-use-leader-elector'], { NAMESPACE: 'vault' }))).toEqual({ local: files, cluster: { hosts: DEFAULT_HOSTS } });
  });

  it('adds the cluster side under -tls-auto; with leader election the shared certificate replaces the local one', () => {
    expect(planCertificates(settings(['-tls-auto=hook'], { NAMESPACE: 'vault' }))).toEqual({
      local: { kind: 'generated', hosts: DEFAULT_HOSTS },
      cluster: { hosts: DEFAULT_HOSTS },
    });
    expect(planCertificates(settings(['-tls-auto=hook', '-use-leader-elector', '-tls-auto-hosts=h']))).toEqual({ local: undefined, cluster: { hosts: ['h'] } });
  });
});
