import { AgentError } from '../../errors/agent-error';

/** What a connection error message names. */
export interface ErrorTarget {
  host: string;
  /** `\\host\share\dir` as configured. */
  share: string;
}

export function timeoutParams(target: ErrorTarget, timeoutMs: number) {
  return { host: target.host, share: target.share, seconds: Math.max(1, Math.round(timeoutMs / 1000)) };
}

/** The socket failed or the server hung up. */
export function connectionClosedError(target: ErrorTarget, cause: Error): AgentError {
  const code = (cause as NodeJS.ErrnoException).code;
  const reason = code === 'ECONNRESET' ? 'connection reset by the server' : 'the server closed the connection';
  return new AgentError('SHARE_CONNECTION_CLOSED', { host: target.host, share: target.share, reason }, cause);
}

/** What pending requests fail with when the agent itself ends the connection. */
export function closedLocallyError(target: ErrorTarget): AgentError {
  return new AgentError('SHARE_CONNECTION_CLOSED', { host: target.host, share: target.share, reason: 'closed by the agent' }, 'connection closed locally');
}

/** The server sent something this client cannot make sense of. */
export function connectionProtocolError(target: ErrorTarget, reason: string): AgentError {
  return new AgentError('SHARE_PROTOCOL_ERROR', { host: target.host, share: target.share, reason }, reason);
}
