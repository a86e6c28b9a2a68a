import { NtStatus } from '../smb2/ntstatus';
import { Flags2 } from './constants';
import type { Smb1Message } from './message';

/**
 * The NTSTATUS of a response. Servers answer with NT status codes when the request asked for them
 * (FLAGS2_NT_STATUS, always set by this client); the few DOS-style codes an old server might still
 * send are translated so they reach the same catalog codes.
 */
export function responseStatus(message: Smb1Message): number {
  const { status, flags2 } = message.header;
  if (flags2 & Flags2.NT_STATUS || status === 0) return status >>> 0;
  const errorClass = status & 0xff;
  const code = status >>> 16;
  return DOS_ERRORS.get(`${errorClass}:${code}`) ?? 0xc0000001; // STATUS_UNSUCCESSFUL
}

const DOS_ERRORS = new Map<string, number>([
  ['1:2', NtStatus.OBJECT_NAME_NOT_FOUND], // ERRDOS ERRbadfile
  ['1:3', NtStatus.OBJECT_PATH_NOT_FOUND], // ERRDOS ERRbadpath
  ['1:5', NtStatus.ACCESS_DENIED], // ERRDOS ERRnoaccess
  ['1:18', NtStatus.NO_MORE_FILES], // ERRDOS ERRnofiles
  ['1:32', NtStatus.SHARING_VIOLATION], // ERRDOS ERRbadshare
  ['1:67', NtStatus.BAD_NETWORK_NAME], // ERRDOS ERRnosuchshare
  ['2:2', NtStatus.LOGON_FAILURE], // ERRSRV ERRbadpw
  ['2:4', NtStatus.ACCESS_DENIED], // ERRSRV ERRaccess
  ['2:6', NtStatus.BAD_NETWORK_NAME], // ERRSRV ERRinvnetname
  ['2:91', NtStatus.USER_SESSION_DELETED], // ERRSRV ERRbaduid
]);
