import { AgentError } from '../../errors/agent-error';
import { describeNtStatus, NtStatus, ntStatusToAgentError } from '../smb2/ntstatus';
import type { ErrorTarget } from './connection-errors';

export interface ShareAccount {
  /** Empty or absent: anonymous logon. */
  username?: string;
  domain?: string;
}

/** The AgentErrors an SMB protocol client reports, each naming its server, share and account. */
export class ShareErrors {
  constructor(
    private readonly target: ErrorTarget,
    private readonly account: ShareAccount,
  ) {}

  /** An error NTSTATUS answered to `operation`, in the share catalog. */
  status(status: number, operation: string, file?: string, unencrypted?: boolean): AgentError {
    return ntStatusToAgentError(status, { host: this.target.host, share: this.target.share, user: this.userLabel(), file, operation, unencrypted });
  }

  /** An anonymous logon refused outright: the server lets no guests in. Null for any other refusal. */
  guestRefused(status: number, operation: string): AgentError | null {
    if (this.account.username || (status !== NtStatus.ACCESS_DENIED && status !== NtStatus.LOGON_FAILURE)) return null;
    return new AgentError('SHARE_GUEST_REFUSED', { host: this.target.host, share: this.target.share }, `${describeNtStatus(status)} on anonymous ${operation}`);
  }

  /** A guest or anonymous session on a server that requires signing. */
  guestCannotSign(): AgentError {
    return new AgentError('SHARE_GUEST_REFUSED', { host: this.target.host, share: this.target.share }, 'the server requires signing, which a guest/anonymous session cannot do');
  }

  /** The server offers only a logon this client refuses to do (NTLMv1, no NTLMSSP). */
  authUnsupported(detail: string): AgentError {
    return new AgentError('SHARE_AUTH_UNSUPPORTED', { host: this.target.host, share: this.target.share, user: this.account.username }, detail);
  }

  protocol(reason: string, detail: string): AgentError {
    return new AgentError('SHARE_PROTOCOL_ERROR', { host: this.target.host, share: this.target.share, reason }, detail);
  }

  /** Anything not already an AgentError (a parse failure on a malformed reply) becomes SHARE_PROTOCOL_ERROR. */
  wrap(error: unknown, operation: string, file?: string): AgentError {
    if (error instanceof AgentError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new AgentError('SHARE_PROTOCOL_ERROR', { host: this.target.host, share: this.target.share, file, reason: message }, `${operation}${file ? ` ${file}` : ''}: ${message}`, { cause: error });
  }

  private userLabel(): string {
    const user = this.account.username ?? '';
    if (!user) return '';
    return this.account.domain ? `${this.account.domain}\\${user}` : user;
  }
}
