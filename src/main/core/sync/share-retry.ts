import { AgentError } from '../errors/agent-error';
import type { Logger } from '../logger';
import { sleep } from '../util/timeout';

/** Share failures worth another attempt mid-transfer: a server restarting first cuts the connection, then refuses. */
export const TRANSIENT_SHARE_ERRORS = new Set(['SHARE_UNREACHABLE', 'SHARE_TIMEOUT', 'SHARE_IO_ERROR', 'SHARE_PROTOCOL_ERROR', 'SHARE_CONNECTION_CLOSED']);

/**
 * Runs a share call again when the server dropped an established connection (SHARE_CONNECTION_CLOSED),
 * waiting backoff, 2 × backoff, 4 × backoff … (agent.retries / agent.retryBackoffSeconds). A file server
 * busy at shift change drops some of many connections at once; without this the manifest read failed
 * the run until the next interval. A server that is down or silent still fails at once (the next tick
 * tries again) rather than keeping the nurse waiting for several timeouts.
 */
export async function retryDropped<T>(what: string, call: () => Promise<T>, options: { retries: number; backoffMs: number; logger: Logger; signal?: AbortSignal }): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const dropped = error instanceof AgentError && error.code === 'SHARE_CONNECTION_CLOSED';
      if (!dropped || attempt >= options.retries || options.signal?.aborted) throw error;
      const wait = options.backoffMs * 2 ** attempt;
      options.logger.warn(`${what} failed (${error.code}), retry ${attempt + 1}/${options.retries} in ${wait} ms`, { detail: error.detail });
      await sleep(wait, options.signal);
    }
  }
}
