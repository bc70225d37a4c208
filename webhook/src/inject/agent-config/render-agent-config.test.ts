import { agentConfigEncoder, encodeAgentConfig, renderAgentConfig } from './render-agent-config.js';
import type { AgentConfigDocument } from '../../../../common/src/agent-config-document.js';
import { parseInjectionSpec } from '../annotations/parse-annotations.js';
import { parseSettings } from '../../settings/parse-settings.js';
import type { K8sPod } from '../pod.js';

describe('encodeAgentConfig', () => {
  it("escapes <, >, &, U+2028 and U+2029 as Go's json.Marshal does, and nothing else", () => {
    const config = { vault: { address: 'https://v?a=1&b=<2>' }, note: 'line\u2028sep\u2029 "q" é' } as unknown as AgentConfigDocument;
    expect(encodeAgentConfig(config)).toBe('{"vault":{"address":"https://v?a=1\\u0026b=\\u003c2\\u003e"},"note":"line\\u2028sep\\u2029 \\"q\\" é"}');
  });

  it('writes the same text key by key (with a map of encoded parts) as in one go', () => {
    const shared = { address: 'https://v?a=<1>' };
    const documents = [
      { vault: shared, skipped: undefined, n: 1.5, list: [1, 'a&b', null], flag: false },
      { skipped: undefined, vault: shared, note: 'x\u2028' },
      { gone: undefined },
      {},
    ] as unknown as AgentConfigDocument[];
    const encoded = new Map<unknown, string>();
    for (const document of documents) expect(encodeAgentConfig(document, encoded)).toBe(encodeAgentConfig(document));
    expect(encoded.get(shared)).toBe('{"address":"https://v?a=\\u003c1\\u003e"}');
  });
});

describe('agentConfigEncoder', () => {
  const settings = parseSettings(['-vault-address=https://vault:8200'], {});
  if (settings.kind !== 'settings') throw new Error('bad settings');
  const pod: K8sPod = {
    metadata: {
      annotations: {
        'vault.hashicorp.com/agent-inject': 'true',
        'vault.hashicorp.com/role': 'r&d',
        'vault.hashicorp.com/agent-inject-secret-db': 'kv/db',
        'vault.hashicorp.com/agent-inject-template-db': '{{ with secret "kv/db" }}<{{ .Data.data.user }}>{{ end }}',
        'vault.hashicorp.com/agent-cache-enable': 'true',
        'vault.hashicorp.com/agent-telemetry-prefix_filter': '["+vault"]',
        'vault.hashicorp.com/agent-disable-keep-alives': 'auto-auth,templating',
      },
    },
    spec: { containers: [{ name: 'app', volumeMounts: [{ name: 'sa', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] }] },
  };

  it("gives each role the text of that role's own document, rendered and encoded alone", () => {
    const { spec, issues } = parseInjectionSpec(pod, 'ns', settings.settings);
    expect(issues).toEqual([]);
    const configFor = agentConfigEncoder(spec);
    for (const role of ['init', 'sidecar', 'init'] as const) expect(configFor(role)).toBe(encodeAgentConfig(renderAgentConfig(spec, role)));
    expect(configFor('init')).not.toBe(configFor('sidecar'));
  });
});
