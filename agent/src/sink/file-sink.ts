// The token file sink (Vault Agent's `sink "file"`): the raw token, no newline, written atomically
// with the configured mode (default 0640). With a sink wrap_ttl the token is response-wrapped per
// write and the wrap info JSON is written instead; with dh_type that text is sealed for the reader
// whose public key is at dh_path (dh-envelope.ts).
import { open, unlink } from 'node:fs/promises';
import type { FileSinkConfig } from '../config/agent-config.js';
import { tempPathFor, writeFileAtomic } from './atomic-file.js';
import type { TokenEncryptor } from './dh-envelope.js';

export interface TokenWrapper {
  /** sys/wrapping/wrap of {token}; returns the wrap info as the JSON text to write. */
  wrap(token: string, wrapTtl: string): Promise<string>;
}

export class FileSink {
  #encryptor: Promise<TokenEncryptor> | undefined;

  constructor(
    readonly config: FileSinkConfig,
    private readonly wrapper: TokenWrapper,
  ) {}

  /** The sink's own key pair lives as long as the sink; node:crypto's X25519 loads only when used. */
  #encrypt(text: string): Promise<string> {
    const encryption = this.config.encryption;
    if (encryption === undefined) return Promise.resolve(text);
    this.#encryptor ??= import('./dh-envelope.js').then(({ TokenEncryptor: Encryptor }) => new Encryptor(encryption));
    return this.#encryptor.then((encryptor) => encryptor.encrypt(text));
  }

  get path(): string {
    return this.config.path;
  }

  /** Vault's startup check: the sink's directory must accept a new file. */
  async checkWritable(): Promise<void> {
    const probe = tempPathFor(this.config.path);
    const handle = await open(probe, 'wx', this.config.mode);
    await handle.close();
    await unlink(probe);
  }

  /** `content` is the token, or already-serialised wrap info when auto-auth itself was wrapped. */
  async write(content: string, options: { alreadyWrapped: boolean }): Promise<void> {
    // As Vault's sink server: wrap first (sink wrap_ttl), then encrypt (dh_type), then write.
    const text =
      this.config.wrapTtl !== undefined && !options.alreadyWrapped ? await this.wrapper.wrap(content, this.config.wrapTtl) : content;
    await writeFileAtomic(this.config.path, await this.#encrypt(text), { mode: this.config.mode });
  }
}
