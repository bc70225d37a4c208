import { SecretRegistry, safeText } from './redaction.js';
import { createAgentLogger } from '../log.js';

describe('SecretRegistry', () => {
  it('redacts registered values, longest first, in raw and JSON-escaped form', () => {
    const registry = new SecretRegistry();
    registry.add('hvs.short');
    registry.add('hvs.short-and-longer');
    registry.add('pa"ss\\word');
    registry.add('ok');
    expect(registry.redact('a hvs.short-and-longer b hvs.short c ok')).toBe('a [redacted] b [redacted] c ok');
    expect(registry.redact(JSON.stringify({ v: 'pa"ss\\word' }))).toBe('{"v":"[redacted]"}');
  });

  it('registers the string leaves of decoded data, not lossless numbers', () => {
    const registry = new SecretRegistry();
    registry.addAll({ data: { password: 'db-pass-1', nested: [{ key: 'key-material' }] }, n: 12345n });
    expect(registry.redact('db-pass-1 key-material 12345')).toBe('[redacted] [redacted] [redacted]');
  });

  it('every line the logger writes passes through it, whatever field or message carries the value', () => {
    const registry = new SecretRegistry();
    const lines: string[] = [];
    const log = createAgentLogger({ level: 'trace', write: (line) => lines.push(line), redaction: registry });
    registry.add('s.tokenvalue');
    log.trace({ anything: 'x s.tokenvalue y', err: new Error('boom s.tokenvalue') }, 'msg s.tokenvalue');
    expect(lines.join('')).not.toContain('s.tokenvalue');
    expect(lines.join('')).toContain('[redacted]');
  });

  it('safeText redacts before it cuts, so a value straddling the cut never leaks a prefix', () => {
    const registry = new SecretRegistry();
    const secret = `SECRET-${'q'.repeat(3000)}`;
    registry.add(secret);
    const text = `${'a'.repeat(1000)}${secret}${'b'.repeat(5 * 1024 * 1024)}`;
    const safe = safeText(text, registry);
    expect(safe).not.toContain('SECRET-');
    expect(safe.length).toBeLessThan(1100);
    expect(safe).toContain(`cut to 1024 of ${text.length} characters`);
  });
});
