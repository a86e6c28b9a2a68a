/** Protocol numbers from MS-CIFS / MS-SMB (NT LM 0.12) used by the read-only SMB1 client. */

export const SMB1_HEADER_SIZE = 32;
/** The dialect string of Windows NT 4 … Server 2003 (MS-CIFS 1.7). */
export const NT_LM_012 = 'NT LM 0.12';

export const Command = {
  CLOSE: 0x04,
  ECHO: 0x2b,
  READ_ANDX: 0x2e,
  TRANSACTION2: 0x32,
  FIND_CLOSE2: 0x34,
  TREE_DISCONNECT: 0x71,
  NEGOTIATE: 0x72,
  SESSION_SETUP_ANDX: 0x73,
  LOGOFF_ANDX: 0x74,
  TREE_CONNECT_ANDX: 0x75,
  NT_CREATE_ANDX: 0xa2,
} as const;

/** "No further command" in an AndX block. */
export const ANDX_NONE = 0xff;

export const Flags = {
  CASE_INSENSITIVE: 0x08,
  CANONICALIZED_PATHS: 0x10,
  REPLY: 0x80,
} as const;

export const Flags2 = {
  LONG_NAMES: 0x0001,
  EAS: 0x0002,
  SECURITY_SIGNATURE: 0x0004,
  SECURITY_SIGNATURE_REQUIRED: 0x0010,
  IS_LONG_NAME: 0x0040,
  EXTENDED_SECURITY: 0x0800,
  NT_STATUS: 0x4000,
  UNICODE: 0x8000,
} as const;

/** NEGOTIATE response SecurityMode bits. */
export const SecurityMode = {
  USER_SECURITY: 0x01,
  ENCRYPT_PASSWORDS: 0x02,
  SIGNATURES_ENABLED: 0x04,
  SIGNATURES_REQUIRED: 0x08,
} as const;

export const Capability = {
  RAW_MODE: 0x00000001,
  MPX_MODE: 0x00000002,
  UNICODE: 0x00000004,
  LARGE_FILES: 0x00000008,
  NT_SMBS: 0x00000010,
  RPC_REMOTE_APIS: 0x00000020,
  STATUS32: 0x00000040,
  LEVEL_II_OPLOCKS: 0x00000080,
  LOCK_AND_READ: 0x00000100,
  NT_FIND: 0x00000200,
  DFS: 0x00001000,
  INFOLEVEL_PASSTHRU: 0x00002000,
  LARGE_READX: 0x00004000,
  LARGE_WRITEX: 0x00008000,
  UNIX: 0x00800000,
  EXTENDED_SECURITY: 0x80000000,
} as const;

/** TRANS2 subcommands (MS-CIFS 2.2.6). */
export const Trans2 = {
  FIND_FIRST2: 0x0001,
  FIND_NEXT2: 0x0002,
  QUERY_PATH_INFORMATION: 0x0005,
} as const;

export const FindFlag = {
  CLOSE_AFTER_REQUEST: 0x0001,
  CLOSE_AT_EOS: 0x0002,
  RETURN_RESUME_KEYS: 0x0004,
  CONTINUE_FROM_LAST: 0x0008,
} as const;

/** Information levels: FIND (MS-CIFS 2.2.8.1) and QUERY (2.2.8.3). */
export const InfoLevel = {
  FIND_FILE_DIRECTORY_INFO: 0x0101,
  QUERY_FILE_ALL_INFO: 0x0107,
} as const;

/** Search attributes: include hidden, system and directories (normal files are always included). */
export const SEARCH_ALL = 0x0016;

export const FileAttribute = {
  DIRECTORY: 0x00000010,
} as const;

export const AccessMask = {
  FILE_READ_DATA: 0x00000001,
  FILE_READ_ATTRIBUTES: 0x00000080,
  SYNCHRONIZE: 0x00100000,
} as const;

export const ShareAccess = { READ: 0x1, WRITE: 0x2, DELETE: 0x4 } as const;
export const CreateDisposition = { FILE_OPEN: 0x1 } as const;
export const CreateOption = { FILE_DIRECTORY_FILE: 0x1, FILE_NON_DIRECTORY_FILE: 0x40 } as const;
export const ImpersonationLevel = { IMPERSONATION: 0x2 } as const;

/** SESSION_SETUP_ANDX response Action bit: logged on as guest. */
export const ACTION_GUEST = 0x0001;

/** Oplock-break requests from the server use this MID; we hold no oplocks, so it never matters. */
export const OPLOCK_BREAK_MID = 0xffff;
