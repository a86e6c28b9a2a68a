import { AgentError } from '../../errors/agent-error';

/** NTSTATUS values this client meets or reports (MS-ERREF 2.3.1). */
export const NtStatus = {
  SUCCESS: 0x00000000,
  PENDING: 0x00000103,
  BUFFER_OVERFLOW: 0x80000005,
  NO_MORE_FILES: 0x80000006,
  INVALID_HANDLE: 0xc0000008,
  INVALID_PARAMETER: 0xc000000d,
  NO_SUCH_FILE: 0xc000000f,
  INVALID_DEVICE_REQUEST: 0xc0000010,
  END_OF_FILE: 0xc0000011,
  MORE_PROCESSING_REQUIRED: 0xc0000016,
  ACCESS_DENIED: 0xc0000022,
  OBJECT_NAME_INVALID: 0xc0000033,
  OBJECT_NAME_NOT_FOUND: 0xc0000034,
  OBJECT_PATH_INVALID: 0xc0000039,
  OBJECT_PATH_NOT_FOUND: 0xc000003a,
  OBJECT_PATH_SYNTAX_BAD: 0xc000003b,
  SHARING_VIOLATION: 0xc0000043,
  DELETE_PENDING: 0xc0000056,
  NO_LOGON_SERVERS: 0xc000005e,
  PRIVILEGE_NOT_HELD: 0xc0000061,
  NO_SUCH_USER: 0xc0000064,
  WRONG_PASSWORD: 0xc000006a,
  LOGON_FAILURE: 0xc000006d,
  ACCOUNT_RESTRICTION: 0xc000006e,
  INVALID_LOGON_HOURS: 0xc000006f,
  INVALID_WORKSTATION: 0xc0000070,
  PASSWORD_EXPIRED: 0xc0000071,
  ACCOUNT_DISABLED: 0xc0000072,
  INSUFFICIENT_RESOURCES: 0xc000009a,
  IO_TIMEOUT: 0xc00000b5,
  FILE_IS_A_DIRECTORY: 0xc00000ba,
  NOT_SUPPORTED: 0xc00000bb,
  BAD_NETWORK_PATH: 0xc00000be,
  INVALID_NETWORK_RESPONSE: 0xc00000c3,
  NETWORK_NAME_DELETED: 0xc00000c9,
  NETWORK_ACCESS_DENIED: 0xc00000ca,
  BAD_NETWORK_NAME: 0xc00000cc,
  REQUEST_NOT_ACCEPTED: 0xc00000d0,
  NOT_A_DIRECTORY: 0xc0000103,
  CANCELLED: 0xc0000120,
  FILE_CLOSED: 0xc0000128,
  TIME_DIFFERENCE_AT_DC: 0xc0000133,
  LOGON_TYPE_NOT_GRANTED: 0xc000015b,
  TRUSTED_RELATIONSHIP_FAILURE: 0xc000018d,
  ACCOUNT_EXPIRED: 0xc0000193,
  USER_SESSION_DELETED: 0xc0000203,
  PASSWORD_MUST_CHANGE: 0xc0000224,
  NOT_FOUND: 0xc0000225,
  ACCOUNT_LOCKED_OUT: 0xc0000234,
  PATH_NOT_COVERED: 0xc0000257,
  NETWORK_SESSION_EXPIRED: 0xc000035c,
  DOWNGRADE_DETECTED: 0xc0000388,
} as const;

const NAMES = new Map<number, string>(Object.entries(NtStatus).map(([name, code]) => [code, `STATUS_${name}`]));

export function ntStatusName(status: number): string {
  return NAMES.get(status >>> 0) ?? 'STATUS_UNKNOWN';
}

/** "STATUS_LOGON_FAILURE (0xC000006D)": the raw form kept in AgentError.detail. */
export function describeNtStatus(status: number): string {
  return `${ntStatusName(status)} (0x${(status >>> 0).toString(16).toUpperCase().padStart(8, '0')})`;
}

/** An error status (severity bits 11). Warnings such as NO_MORE_FILES and BUFFER_OVERFLOW are not. */
export const isErrorStatus = (status: number): boolean => status >>> 30 === 3;

/** What the user-facing message can name; never holds a password. */
export interface StatusContext {
  host: string;
  /** `\\host\share\dir`, as configured. */
  share: string;
  user?: string;
  /** Release-relative path of the file or folder concerned. */
  file?: string;
  /** The request that failed, for the raw detail. */
  operation: string;
  /** The session is neither signed by SMB3 encryption nor able to encrypt (dialect < 3.0 or no cipher). */
  unencrypted?: boolean;
}

/** Maps an NTSTATUS to the share catalog; the raw status name and hex stay in `detail`. */
export function ntStatusToAgentError(status: number, ctx: StatusContext): AgentError {
  const s = status >>> 0;
  const params = { host: ctx.host, share: ctx.share, user: ctx.user || '(guest)', file: ctx.file ?? '.' };
  const detail = `${describeNtStatus(s)} on ${ctx.operation}${ctx.file ? ` ${ctx.file}` : ''} at ${ctx.share}`;
  switch (s) {
    case NtStatus.LOGON_FAILURE:
    case NtStatus.WRONG_PASSWORD:
    case NtStatus.NO_SUCH_USER:
    case NtStatus.ACCOUNT_RESTRICTION:
    case NtStatus.INVALID_LOGON_HOURS:
    case NtStatus.INVALID_WORKSTATION:
    case NtStatus.LOGON_TYPE_NOT_GRANTED:
    case NtStatus.NO_LOGON_SERVERS:
    case NtStatus.TRUSTED_RELATIONSHIP_FAILURE:
    case NtStatus.TIME_DIFFERENCE_AT_DC:
      return new AgentError('SHARE_LOGON_FAILED', params, detail);
    case NtStatus.ACCOUNT_LOCKED_OUT:
      return new AgentError('SHARE_ACCOUNT_LOCKED', params, detail);
    case NtStatus.ACCOUNT_DISABLED:
    case NtStatus.ACCOUNT_EXPIRED:
      return new AgentError('SHARE_ACCOUNT_DISABLED', params, detail);
    case NtStatus.PASSWORD_EXPIRED:
    case NtStatus.PASSWORD_MUST_CHANGE:
      return new AgentError('SHARE_PASSWORD_EXPIRED', params, detail);
    case NtStatus.BAD_NETWORK_NAME:
    case NtStatus.BAD_NETWORK_PATH:
      return new AgentError('SHARE_NOT_FOUND', params, detail);
    case NtStatus.OBJECT_NAME_NOT_FOUND:
    case NtStatus.OBJECT_PATH_NOT_FOUND:
    case NtStatus.NO_SUCH_FILE:
    case NtStatus.NOT_FOUND:
    case NtStatus.DELETE_PENDING:
    case NtStatus.OBJECT_NAME_INVALID:
    case NtStatus.OBJECT_PATH_INVALID:
    case NtStatus.OBJECT_PATH_SYNTAX_BAD:
    case NtStatus.NOT_A_DIRECTORY:
      return new AgentError('SHARE_FILE_MISSING', params, detail);
    case NtStatus.ACCESS_DENIED:
    case NtStatus.NETWORK_ACCESS_DENIED:
    case NtStatus.PRIVILEGE_NOT_HELD:
      // A server that requires encryption refuses an unencrypted session/tree with ACCESS_DENIED.
      if (ctx.unencrypted && (ctx.operation === 'TREE_CONNECT' || ctx.operation === 'SESSION_SETUP')) {
        return new AgentError('SHARE_ENCRYPTION_REQUIRED', params, `${detail}; the session is not encrypted`);
      }
      return new AgentError('SHARE_ACCESS_DENIED', params, detail);
    case NtStatus.SHARING_VIOLATION:
      return new AgentError('SHARE_FILE_BUSY', params, detail);
    case NtStatus.NETWORK_NAME_DELETED:
    case NtStatus.USER_SESSION_DELETED:
    case NtStatus.NETWORK_SESSION_EXPIRED:
      return new AgentError('SHARE_CONNECTION_CLOSED', { ...params, reason: ntStatusName(s) }, detail);
    case NtStatus.FILE_IS_A_DIRECTORY:
    case NtStatus.INSUFFICIENT_RESOURCES:
    case NtStatus.REQUEST_NOT_ACCEPTED:
    case NtStatus.IO_TIMEOUT:
      return new AgentError('SHARE_IO_ERROR', params, detail);
    case NtStatus.PATH_NOT_COVERED:
      return new AgentError('SHARE_PROTOCOL_ERROR', { ...params, reason: 'DFS path: configure the target server\'s own share path' }, detail);
    default:
      return new AgentError('SHARE_PROTOCOL_ERROR', { ...params, reason: ntStatusName(s) }, detail);
  }
}
