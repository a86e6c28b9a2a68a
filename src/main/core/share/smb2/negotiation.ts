import { AgentError } from '../../errors/agent-error';
import type { ErrorTarget } from '../smb-common/connection-errors';
import { ALL_DIALECTS, Command, DIALECT_NAMES, Dialect, SMB1_MAGIC, type CipherId, type SigningAlgorithmId } from './constants';
import type { Smb2Connection } from './connection';
import { buildNegotiateRequest, parseNegotiateResponse, type NegotiateResponse } from './negotiate';
import { describeNtStatus, NtStatus } from './ntstatus';
import { PreauthHash } from './preauth';
import { buildSmb1Negotiate, parseSmb1NegotiateResponse, type Smb1NegotiateAnswer } from './smb1-negotiate';

export interface NegotiationOptions {
  dialects?: number[];
  ciphers?: CipherId[];
  signingAlgorithms?: SigningAlgorithmId[];
  requireSigning?: boolean;
}

export type NegotiationOutcome =
  | { kind: 'smb1'; answer: Smb1NegotiateAnswer }
  /** preauth: the connection's pre-auth integrity hash for 3.1.1, else null. */
  | { kind: 'smb2'; negotiated: NegotiateResponse; preauth: PreauthHash | null };

/** The server refused the multi-protocol opening: retry on a new connection in 'smb2' mode. */
export class RetryDirectNegotiate extends Error {}

/**
 * Dialect negotiation, shared by the client and the probe. 'multi-protocol' opens with the SMB1
 * NEGOTIATE every Windows client sends, so an SMB1-only server answers at once (instead of ignoring an
 * SMB2 packet); an SMB2 server answers with the 0x02FF wildcard and gets an SMB2 NEGOTIATE next.
 * 'smb2' sends the SMB2 NEGOTIATE first, for servers that refuse the multi-protocol form.
 */
export async function negotiateDialect(
  conn: Smb2Connection,
  mode: 'multi-protocol' | 'smb2',
  options: NegotiationOptions,
  target: ErrorTarget,
): Promise<NegotiationOutcome> {
  const dialects = options.dialects ?? ALL_DIALECTS;
  const protocolError = (reason: string, detail: string) => new AgentError('SHARE_PROTOCOL_ERROR', { host: target.host, share: target.share, reason }, detail);

  if (mode === 'multi-protocol') {
    let answer: Buffer;
    try {
      answer = await conn.negotiateSmb1(buildSmb1Negotiate());
    } catch (error) {
      if (error instanceof AgentError && error.code === 'SHARE_CONNECTION_CLOSED') throw new RetryDirectNegotiate();
      throw error;
    }
    if (answer.readUInt32LE(0) === SMB1_MAGIC) {
      const smb1 = parseSmb1NegotiateResponse(answer);
      if (smb1.dialectIndex !== 0) throw protocolError('no common SMB dialect', `SMB1 NEGOTIATE answered with dialect index ${smb1.dialectIndex}`);
      return { kind: 'smb1', answer: smb1 };
    }
    if (answer.length < 64 || answer.readUInt32LE(8) !== NtStatus.SUCCESS) throw new RetryDirectNegotiate();
    const first = parseNegotiateResponse(answer);
    if (first.dialect === Dialect.SMB202 && dialects.includes(Dialect.SMB202)) return { kind: 'smb2', negotiated: first, preauth: null };
    if (first.dialect !== Dialect.WILDCARD) throw protocolError('unexpected dialect', `multi-protocol NEGOTIATE answered with 0x${first.dialect.toString(16)}`);
  }

  const preauth = new PreauthHash();
  const response = await conn.request({
    command: Command.NEGOTIATE,
    body: buildNegotiateRequest({ dialects, ciphers: options.ciphers, signingAlgorithms: options.signingAlgorithms, requireSigning: options.requireSigning }),
    onSent: (m) => preauth.update(m),
  });
  const status = response.header.status;
  if (status !== NtStatus.SUCCESS) {
    throw protocolError('no common SMB2 dialect', `the server refused dialects ${dialects.map((d) => DIALECT_NAMES[d]).join(', ')}: ${describeNtStatus(status)}`);
  }
  preauth.update(response.message);
  const negotiated = parseNegotiateResponse(response.message);
  if (!dialects.includes(negotiated.dialect)) throw protocolError('unexpected dialect', `the server chose 0x${negotiated.dialect.toString(16)}`);
  return { kind: 'smb2', negotiated, preauth: negotiated.dialect === Dialect.SMB311 ? preauth : null };
}
