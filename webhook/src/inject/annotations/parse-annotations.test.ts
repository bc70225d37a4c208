// Behaviours of the annotation parser the upstream sample does not pin down.
import { parseSettings } from '../../settings/parse-settings.js';
import type { Settings } from '../../settings/settings.js';
import type { K8sPod } from '../pod.js';
import { parseInjectionSpec } from './parse-annotations.js';

function settings(...args: string[]): Settings {
  const parsed = parseSettings(['-vault-address=https://vault:8200', ...args], {});
  if (parsed.kind !== 'settings') throw new Error('bad settings');
  return parsed.settings;
}

function pod(annotations: Record<string, string>): K8sPod {
  return {
    metadata: { name: 'p', annotations: { 'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/role': 'r', ...annotations } },
    spec: {
      containers: [{ name: 'app', volumeMounts: [{ name: 'sa', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] }],
      volumes: [{ name: 'sa' }],
    },
  };
}

const P = 'vault.hashicorp.com/';

describe('parseInjectionSpec', () => {
  it('numbers custom secret volumes in first-seen order and shares a path between secrets', () => {
    const { spec, issues } = parseInjectionSpec(
      pod({
        [`${P}agent-inject-secret-a`]: 'kv/a',
        [`${P}secret-volume-path-a`]: '/etc/a',
        [`${P}agent-inject-secret-b`]: 'kv/b',
        [`${P}secret-volume-path-b`]: '/etc/b',
        [`${P}agent-inject-secret-c`]: 'kv/c',
        [`${P}secret-volume-path-c`]: '/etc/a',
        [`${P}agent-inject-secret-d`]: 'kv/d',
      }),
      'ns',
      settings(),
    );
    expect(issues).toEqual([]);
    expect(spec.customSecretVolumePaths).toEqual(['/etc/a', '/etc/b']);
    expect(spec.secrets.map((secret) => secret.destination)).toEqual(['/etc/a/a', '/etc/b/b', '/etc/a/c', '/vault/secrets/d']);
  });

  it('creates a secret from a template alone, with an empty path, and lower-cases names unless preserved', () => {
    const { spec } = parseInjectionSpec(
      pod({
        [`${P}agent-inject-template-Only`]: 'static text',
        [`${P}agent-inject-secret-Kept`]: 'kv/kept',
        [`${P}preserve-secret-case-Kept`]: 'true',
        [`${P}agent-inject-secret-blank`]: '   ',
      }),
      'ns',
      settings(),
    );
    expect(spec.secrets.map((secret) => [secret.name, secret.vaultPath, secret.contents])).toEqual([
      ['only', '', 'static text'],
      ['Kept', 'kv/kept', '{{ with secret "kv/kept" }}{{ range $k, $v := .Data }}{{ $k }}: {{ $v }}\n{{ end }}{{ end }}'],
    ]);
  });

  it('uses the template file only when no inline template is given', () => {
    const { spec } = parseInjectionSpec(
      pod({
        [`${P}agent-inject-template-file-x`]: '/vault/custom/x.tmpl',
        [`${P}agent-inject-template-file-y`]: '/vault/custom/y.tmpl',
        [`${P}agent-inject-template-y`]: 'inline',
      }),
      'ns',
      settings(),
    );
    expect(spec.secrets.map((secret) => [secret.name, secret.source, secret.contents])).toEqual([
      ['x', '/vault/custom/x.tmpl', undefined],
      ['y', undefined, 'inline'],
    ]);
  });

  it('decodes telemetry values as JSON where possible and drops the stanza on a mistyped known key', () => {
    const good = parseInjectionSpec(
      pod({ [`${P}agent-telemetry-prometheus-retention-time`]: '5s', [`${P}agent-telemetry-disable-hostname`]: 'true', [`${P}agent-telemetry-unknown`]: '1' }),
      'ns',
      settings(),
    );
    expect(good.spec.telemetry).toEqual({ disable_hostname: true, prometheus_retention_time: '5s' });
    const bad = parseInjectionSpec(pod({ [`${P}agent-telemetry-disable-hostname`]: '"yes"', [`${P}agent-telemetry-statsd-address`]: 'x:1' }), 'ns', settings());
    expect(bad.spec.telemetry).toBeUndefined();
    const zero = parseInjectionSpec(pod({ [`${P}agent-telemetry-disable-hostname`]: 'false' }), 'ns', settings());
    expect(zero.spec.telemetry).toEqual({});
  });

  it('selects the Handlebars engine per secret and rejects unknown engines', () => {
    const { spec, issues } = parseInjectionSpec(
      pod({ [`${P}agent-inject-secret-a`]: 'kv/a', [`${P}agent-template-engine-a`]: 'handlebars', [`${P}agent-inject-secret-b`]: 'kv/b', [`${P}agent-template-engine-b`]: 'jinja' }),
      'ns',
      settings(),
    );
    expect(spec.secrets.map((secret) => secret.engine)).toEqual(['handlebars', 'go']);
    expect(issues).toEqual([expect.objectContaining({ annotation: 'agent-template-engine-b', value: 'jinja' })]);
  });

  it('turns the security context on when the flag is off but a user is requested (vault-k8s flip rule)', () => {
    const flag = settings('-set-security-context=false');
    expect(parseInjectionSpec(pod({}), 'ns', flag).spec.securityContext).toBeUndefined();
    expect(parseInjectionSpec(pod({ [`${P}agent-run-as-user`]: '2000' }), 'ns', flag).spec.securityContext).toEqual({ runAsUser: 2000, runAsGroup: 1000 });
    expect(
      parseInjectionSpec(pod({ [`${P}agent-run-as-user`]: '2000', [`${P}agent-set-security-context`]: 'false' }), 'ns', flag).spec.securityContext,
    ).toBeUndefined();
  });

  it('collects every problem with its annotation and value', () => {
    const { issues } = parseInjectionSpec(
      pod({ [`${P}agent-revoke-grace`]: '-1', [`${P}agent-run-as-group`]: 'wheel', [`${P}agent-requests-cpu`]: '1x' }),
      'ns',
      settings(),
    );
    expect(issues.map((issue) => [issue.stage, issue.annotation, issue.value])).toEqual([
      ['parse', 'agent-revoke-grace', '-1'],
      ['parse', 'agent-run-as-group', 'wheel'],
      ['patch', 'agent-requests-cpu', '1x'],
    ]);
  });
});
