import { AgentError } from '../errors/agent-error';
import { withTimeout } from '../util/timeout';
import { timeoutParams, type ErrorTarget } from './smb-common/connection-errors';
import { Capability, Dialect, DIALECT_NAMES, SecurityMode, type DialectName } from './smb2/constants';
import { Smb2Connection } from './smb2/connection';
import { negotiateDialect, RetryDirectNegotiate, type NegotiationOutcome } from './smb2/negotiation';

export interface SmbProbeResult {
  /** Highest dialect the server agreed to; 'NT1' for an SMB1-only server. */
  dialect: DialectName | 'NT1';
  smb1Only: boolean;
  signingRequired: boolean;
  /** SMB3 encryption available (3.0/3.0.2 capability, or a 3.1.1 cipher in common); absent for SMB1. */
  encryptionSupported?: boolean;
  durationMs: number;
}

/**
 * Asks a server which SMB dialect it speaks, without logging on: the SMB1 multi-protocol NEGOTIATE
 * ("NT LM 0.12", "SMB 2.002", "SMB 2.???"), then an SMB2 NEGOTIATE when the answer is the SMB2
 * wildcard. One or two round trips (~ms on a LAN). Used by the transports to turn an SMB1-only server
 * into SHARE_SMB1_ONLY and by the diagnosis. Rejects with SHARE_UNREACHABLE, SHARE_TIMEOUT (whole probe
 * bounded by timeoutMs), SHARE_CONNECTION_CLOSED or SHARE_PROTOCOL_ERROR.
 */
export async function probeSmbDialect(host: string, port = 445, timeoutMs = 5000): Promise<SmbProbeResult> {
  const started = performance.now();
  const target: ErrorTarget = { host, share: `\\\\${host}` };
  const connections: Smb2Connection[] = [];
  let finished = false;
  const attempt = async (mode: 'multi-protocol' | 'smb2'): Promise<NegotiationOutcome> => {
    const conn = await Smb2Connection.connect(host, port, target, timeoutMs);
    connections.push(conn);
    if (finished) conn.close(); // the probe already timed out
    return negotiateDialect(conn, mode, {}, target);
  };
  const run = async (): Promise<SmbProbeResult> => {
    let outcome: NegotiationOutcome;
    try {
      outcome = await attempt('multi-protocol');
    } catch (error) {
      if (!(error instanceof RetryDirectNegotiate)) throw error;
      outcome = await attempt('smb2');
    }
    const durationMs = Math.round(performance.now() - started);
    if (outcome.kind === 'smb1') {
      return { dialect: 'NT1', smb1Only: true, signingRequired: outcome.answer.signingRequired, durationMs };
    }
    const n = outcome.negotiated;
    const encryptionSupported =
      n.dialect === Dialect.SMB311 ? n.cipher !== 0 : n.dialect >= Dialect.SMB300 && (n.capabilities & Capability.ENCRYPTION) !== 0;
    return {
      dialect: DIALECT_NAMES[n.dialect]!,
      smb1Only: false,
      signingRequired: (n.securityMode & SecurityMode.SIGNING_REQUIRED) !== 0,
      encryptionSupported,
      durationMs,
    };
  };
  try {
    return await withTimeout(run(), timeoutMs, () =>
      new AgentError('SHARE_TIMEOUT', timeoutParams(target, timeoutMs), `SMB dialect probe of ${host}:${port} got no answer within ${timeoutMs} ms`),
    );
  } finally {
    finished = true;
    for (const conn of connections) conn.close();
  }
}
