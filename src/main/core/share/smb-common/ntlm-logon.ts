import os from 'node:os';
import type { AgentError } from '../../errors/agent-error';
import { NtStatus } from '../smb2/ntstatus';
import { buildAnonymousAuthenticateMessage, buildAuthenticateMessage, buildNegotiateMessage, NtlmV1OnlyError, parseChallengeMessage } from '../smb2/ntlm';
import { parseServerToken, wrapNegTokenInit, wrapNegTokenResp } from '../smb2/spnego';
import type { ShareAccount, ShareErrors } from './share-errors';

export interface NtlmLogonOptions<R> {
  /** Sends one SESSION_SETUP carrying `token`; resolves with its answer, whatever its status. */
  setup: (token: Buffer) => Promise<R>;
  status: (response: R) => number;
  securityBlob: (response: R) => Buffer;
  /** Sees the CHALLENGE answer (SMB 3.1.1 hashes it into the pre-auth integrity value). */
  onChallenge?: (response: R) => void;
  /** The error for a status that ends the logon. */
  refused: (status: number) => AgentError;
  /** SESSION_SETUP's name in messages. */
  operation: string;
  account: ShareAccount & { password: string };
  errors: ShareErrors;
}

/**
 * An NTLM logon inside SPNEGO, the same over SMB1 and SMB2: NEGOTIATE → CHALLENGE, then AUTHENTICATE
 * (NTLMv2, or anonymous without a user name). Resolves with the final answer and the session key.
 */
export async function ntlmLogon<R>(o: NtlmLogonOptions<R>): Promise<{ final: R; sessionKey: Buffer | null }> {
  const first = await o.setup(wrapNegTokenInit(buildNegotiateMessage()));
  const firstStatus = o.status(first);
  if (firstStatus !== NtStatus.MORE_PROCESSING_REQUIRED) throw o.refused(firstStatus);
  o.onChallenge?.(first);
  const challengeToken = parseServerToken(o.securityBlob(first)).responseToken;
  if (!challengeToken) throw o.errors.protocol('no NTLM challenge', `${o.operation} response carried no NTLMSSP token`);
  const challenge = parseChallengeMessage(challengeToken);

  let auth;
  try {
    auth = !o.account.username
      ? buildAnonymousAuthenticateMessage(challenge)
      : buildAuthenticateMessage(challenge, {
          user: o.account.username,
          domain: o.account.domain ?? '',
          password: o.account.password,
          workstation: os.hostname().split('.')[0]!.toUpperCase().slice(0, 15),
        });
  } catch (error) {
    if (error instanceof NtlmV1OnlyError) throw o.errors.authUnsupported(error.message);
    throw error;
  }

  const final = await o.setup(wrapNegTokenResp(auth.message));
  const finalStatus = o.status(final);
  if (finalStatus !== NtStatus.SUCCESS) throw o.refused(finalStatus);
  return { final, sessionKey: auth.sessionKey };
}
