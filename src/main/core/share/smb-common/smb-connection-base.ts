import type { AgentError } from '../../errors/agent-error';
import { closedLocallyError, type ErrorTarget } from './connection-errors';
import type { FramedSocket } from './framed-socket';

/**
 * What the SMB1 and SMB2 connections share on top of their socket: a failure of the connection itself
 * (timeout, close, bad signature, garbage) fails every waiting request with one AgentError, once, and
 * drops the socket, so nothing is left waiting; closing locally is such a failure.
 */
export abstract class SmbConnectionBase {
  protected failure: AgentError | null = null;
  private closing = false;

  protected constructor(
    protected readonly link: FramedSocket,
    protected readonly target: ErrorTarget,
    protected readonly timeoutMs: number,
  ) {
    link.listen({
      onBytes: (count) => this.onBytes(count),
      onFrame: (frame) => this.onFrame(frame),
      onFailure: (error) => this.fail(error),
    });
  }

  get closed(): boolean {
    return this.failure !== null || this.closing;
  }

  /** Ends the connection; pending requests fail with SHARE_CONNECTION_CLOSED. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.fail(closedLocallyError(this.target));
    this.link.end();
  }

  /** Bytes arrived (counters, liveness). */
  protected abstract onBytes(count: number): void;
  /** One whole message from the server; throwing fails the connection as a protocol error. */
  protected abstract onFrame(frame: Buffer): void;
  /** Rejects every request still waiting, sent or queued, with `error`. */
  protected abstract rejectAll(error: AgentError): void;

  protected fail(error: AgentError): void {
    if (this.failure) return;
    this.failure = error;
    this.rejectAll(error);
    this.link.destroy();
  }
}
