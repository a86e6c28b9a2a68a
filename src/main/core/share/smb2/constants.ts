/** Protocol numbers from MS-SMB2 (section 2.2) used by this client. */

export const SMB2_MAGIC = 0x424d53fe; // "\xfeSMB" read as uint32 LE
export const SMB2_TRANSFORM_MAGIC = 0x424d53fd; // "\xfdSMB"
export const SMB1_MAGIC = 0x424d53ff; // "\xffSMB"
export const HEADER_SIZE = 64;

export const Command = {
  NEGOTIATE: 0x0000,
  SESSION_SETUP: 0x0001,
  LOGOFF: 0x0002,
  TREE_CONNECT: 0x0003,
  TREE_DISCONNECT: 0x0004,
  CREATE: 0x0005,
  CLOSE: 0x0006,
  READ: 0x0008,
  CANCEL: 0x000c,
  ECHO: 0x000d,
  QUERY_DIRECTORY: 0x000e,
  QUERY_INFO: 0x0010,
} as const;

export const HeaderFlag = {
  SERVER_TO_REDIR: 0x00000001,
  ASYNC_COMMAND: 0x00000002,
  RELATED_OPERATIONS: 0x00000004,
  SIGNED: 0x00000008,
} as const;

export const Dialect = {
  SMB202: 0x0202,
  SMB210: 0x0210,
  SMB300: 0x0300,
  SMB302: 0x0302,
  SMB311: 0x0311,
  WILDCARD: 0x02ff,
} as const;
export type DialectName = '2.0.2' | '2.1' | '3.0' | '3.0.2' | '3.1.1';

export const DIALECT_NAMES: Record<number, DialectName> = {
  [Dialect.SMB202]: '2.0.2',
  [Dialect.SMB210]: '2.1',
  [Dialect.SMB300]: '3.0',
  [Dialect.SMB302]: '3.0.2',
  [Dialect.SMB311]: '3.1.1',
};
export const ALL_DIALECTS = [Dialect.SMB202, Dialect.SMB210, Dialect.SMB300, Dialect.SMB302, Dialect.SMB311];

export const SecurityMode = {
  SIGNING_ENABLED: 0x0001,
  SIGNING_REQUIRED: 0x0002,
} as const;

export const Capability = {
  DFS: 0x00000001,
  LEASING: 0x00000002,
  LARGE_MTU: 0x00000004,
  MULTI_CHANNEL: 0x00000008,
  PERSISTENT_HANDLES: 0x00000010,
  DIRECTORY_LEASING: 0x00000020,
  ENCRYPTION: 0x00000040,
} as const;

export const NegotiateContextType = {
  PREAUTH_INTEGRITY_CAPABILITIES: 0x0001,
  ENCRYPTION_CAPABILITIES: 0x0002,
  SIGNING_CAPABILITIES: 0x0008,
} as const;

export const HASH_SHA512 = 0x0001;

export const Cipher = {
  AES_128_CCM: 0x0001,
  AES_128_GCM: 0x0002,
  AES_256_CCM: 0x0003,
  AES_256_GCM: 0x0004,
} as const;
export type CipherId = (typeof Cipher)[keyof typeof Cipher];
export const SigningAlgorithm = {
  HMAC_SHA256: 0x0000,
  AES_CMAC: 0x0001,
  AES_GMAC: 0x0002,
} as const;
export type SigningAlgorithmId = (typeof SigningAlgorithm)[keyof typeof SigningAlgorithm];

export const SessionFlag = {
  IS_GUEST: 0x0001,
  IS_NULL: 0x0002,
  ENCRYPT_DATA: 0x0004,
} as const;

export const ShareFlag = {
  ENCRYPT_DATA: 0x00008000,
} as const;

export const ShareType = {
  DISK: 0x01,
  PIPE: 0x02,
  PRINT: 0x03,
} as const;

export const AccessMask = {
  FILE_READ_DATA: 0x00000001, // FILE_LIST_DIRECTORY on folders
  FILE_READ_EA: 0x00000008,
  FILE_READ_ATTRIBUTES: 0x00000080,
  READ_CONTROL: 0x00020000,
  SYNCHRONIZE: 0x00100000,
} as const;

export const ShareAccess = {
  READ: 0x1,
  WRITE: 0x2,
  DELETE: 0x4,
} as const;

export const CreateDisposition = { FILE_OPEN: 0x1 } as const;

export const CreateOption = {
  FILE_DIRECTORY_FILE: 0x00000001,
  FILE_NON_DIRECTORY_FILE: 0x00000040,
} as const;

export const FileAttribute = {
  DIRECTORY: 0x00000010,
} as const;

export const ImpersonationLevel = { IMPERSONATION: 0x2 } as const;

export const FileInfoClass = {
  FileDirectoryInformation: 0x01,
} as const;

export const QueryDirectoryFlag = {
  RESTART_SCANS: 0x01,
} as const;
