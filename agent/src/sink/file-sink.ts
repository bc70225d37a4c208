// The token file sink (Vault Agent's `sink "file"`): the raw token, no newline, written atomically
// with the configured mode (default 0640). With a sink wrap_ttl the token is response-wrapped per
// write and the wrap info JSON is written instead.
import { open, unlink } from 'node:fs/promises';
import type { FileSinkConfig } from '../config/agent-config.js';
import { tempPathFor, writeFileAtomic } from './atomic-file.js';

export interface TokenWrapper {
  /** sys/wrapping/wrap of {token}; returns the wrap info as the JSON text to write. */
  wrap(token: string, wrapTtl: string): Promise<string>;
}

export class FileSink {
  constructor(
    readonly config: FileSinkConfig,
    private readonly wrapper: TokenWrapper,
  ) {}

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
    const text =
      this.config.wrapTtl !== undefined && !options.alreadyWrapped ? await this.wrapper.wrap(content, this.config.wrapTtl) : content;
    await writeFileAtomic(this.config.path, text, { mode: this.config.mode });
  }
}
