// The agent's main wait: until shutdown is requested (a signal, /agent/v1/quit, init's exit, a
// fatal error). It holds a timer of its own because nothing else need keep Node's event loop alive:
// a sidecar whose token cannot be renewed (a method wrap_ttl hands the sinks wrap info; a
// token_file root token never expires) and that has no template or listener would otherwise see
// Node exit 0 right after its token was written. Vault Agent pauses there until shutdown
// ("authentication successful, sending wrapped token to sinks and pausing", then it waits on
// ctx.Done(): https://github.com/hashicorp/vault/blob/main/command/agentproxyshared/auth/auth.go).

/** Resolves when `signal` aborts; the event loop stays alive until then. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    // Longest delay Node accepts (~24.8 days); re-armed for as long as the wait lasts.
    const keepAlive = setInterval(() => undefined, 2 ** 31 - 1);
    signal.addEventListener('abort', () => {
      clearInterval(keepAlive);
      resolve();
    }, { once: true });
  });
}
