// The agent's one redaction layer. Every value the agent learns that must never be printed — the
// tokens it sends or receives (auto-auth, clients' through the proxy, wrapping tokens), accessors,
// the service-account JWT, AppRole secret IDs, and every secret value Vault returns — is registered
// here as it is learnt (the Vault client does it for every request and response). Every log line
// passes through `redact` on its way out (log.ts), and error texts built from Vault's answers are
// redacted before they are truncated, so a partial echo cannot slip through. consul-template does
// the same for template errors ("[redacted]"); we apply it to every record.
// docs/agent.md, "What it logs", states the guarantee.

export const REDACTED = '[redacted]';

/** Values shorter than this are not registered: "1" or "ok" would blank every log line. */
const MIN_LENGTH = 3;
/** Values kept (oldest forgotten first); bounds memory in a sidecar that runs for months. */
const MAX_VALUES = 20_000;
/** Vault error bodies are cut to this many characters before they are logged or put in an error. */
export const MAX_ERROR_TEXT = 1024;

export class SecretRegistry {
  readonly #values = new Set<string>();
  #pattern: RegExp | null | undefined;
  #longest = 0;

  /** Registers a value (and its JSON-escaped form, which is how it appears in a JSON log line). */
  add(value: string | undefined | null): void {
    if (typeof value !== 'string' || value.length < MIN_LENGTH) return;
    this.#put(value);
    const escaped = JSON.stringify(value).slice(1, -1);
    if (escaped !== value) this.#put(escaped);
    // The standard format prints the first line of a multi-line value on its own.
    for (const line of value.split('\n')) if (line.length >= 8 && line !== value) this.#put(line);
  }

  /** Registers every string (and bigint) leaf of a decoded JSON value. */
  addAll(value: unknown): void {
    const stack: unknown[] = [value];
    while (stack.length > 0) {
      const item = stack.pop();
      if (typeof item === 'string') this.add(item);
      else if (typeof item === 'bigint') this.add(item.toString());
      else if (Array.isArray(item)) stack.push(...(item as unknown[]));
      else if (typeof item === 'object' && item !== null) {
        // Lossless numbers (common/src/vault-json.ts) are objects with a string `value`: not secrets.
        if (Object.getPrototypeOf(item) !== Object.prototype && Object.getPrototypeOf(item) !== null) continue;
        stack.push(...Object.values(item as Record<string, unknown>));
      }
    }
  }

  /** The longest value registered so far (never decreases). */
  get longest(): number {
    return this.#longest;
  }

  get size(): number {
    return this.#values.size;
  }

  /** The text with every registered value replaced by "[redacted]" (longest values first). */
  redact(text: string): string {
    if (this.#values.size === 0 || text.length < MIN_LENGTH) return text;
    if (this.#pattern === undefined) this.#pattern = this.#compile();
    return this.#pattern === null ? text : text.replace(this.#pattern, REDACTED);
  }

  clear(): void {
    this.#values.clear();
    this.#pattern = undefined;
  }

  #put(value: string): void {
    if (this.#values.has(value)) return;
    this.#values.add(value);
    this.#longest = Math.max(this.#longest, value.length);
    if (this.#values.size > MAX_VALUES) {
      const oldest = this.#values.values().next().value;
      if (oldest !== undefined) this.#values.delete(oldest);
    }
    this.#pattern = undefined;
  }

  #compile(): RegExp | null {
    const sorted = [...this.#values].sort((a, b) => b.length - a.length);
    if (sorted.length === 0) return null;
    return new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The process-wide registry: the Vault client, the persistent cache and the logger share it. */
export const secretRegistry = new SecretRegistry();

/**
 * An untrusted text (a Vault error body, a template error) made safe to print: registered values
 * redacted first, then cut to `limit` characters with the number of characters dropped named.
 */
export function safeText(text: string, registry: SecretRegistry = secretRegistry, limit = MAX_ERROR_TEXT): string {
  // Redact a bounded window only (a 5 MB body must not cost a 5 MB pass), wide enough that a value
  // starting inside the kept part is matched whole.
  const windowEnd = limit + registry.longest;
  const redacted = registry.redact(text.length > windowEnd ? text.slice(0, windowEnd) : text);
  if (redacted.length <= limit && text.length <= windowEnd) return redacted;
  return `${redacted.slice(0, limit)}… [cut to ${limit} of ${text.length} characters]`;
}
