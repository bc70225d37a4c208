import { encodeAgentConfig } from './render-agent-config.js';
import type { AgentConfigDocument } from '../../../../common/src/agent-config-document.js';

describe('encodeAgentConfig', () => {
  it("escapes <, >, &, U+2028 and U+2029 as Go's json.Marshal does, and nothing else", () => {
    const config = { vault: { address: 'https://v?a=1&b=<2>' }, note: 'line\u2028sep\u2029 "q" é' } as unknown as AgentConfigDocument;
    expect(encodeAgentConfig(config)).toBe('{"vault":{"address":"https://v?a=1\\u0026b=\\u003c2\\u003e"},"note":"line\\u2028sep\\u2029 \\"q\\" é"}');
  });
});
