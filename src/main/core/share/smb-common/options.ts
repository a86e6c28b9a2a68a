/** Account and limits every SMB connection needs, whichever the protocol. */
export interface SmbLogonOptions {
  port?: number;
  /** Absent or empty: anonymous/guest logon. */
  username?: string;
  domain?: string;
  /** Already resolved from its secret reference; never logged, never in an error. */
  password?: string;
  /** Per request, and for connecting. */
  timeoutMs: number;
  /** Sign every request even when the server does not require signing. */
  requireSigning?: boolean;
}

/** What a protocol client (Smb2Client, Smb1Client) is given. */
export interface SmbClientOptions extends SmbLogonOptions {
  host: string;
  /** Share name (the part after the host in `\\host\share`). */
  share: string;
  /** How errors name the target, `\\host\share\dir`. */
  location?: string;
}

/** What a share wrapper (Smb2ShareClient, Smb1ShareClient) is given. */
export interface SmbShareOptions extends SmbLogonOptions {
  /** UNC path of the release folder: `\\host\share\dir`. */
  path: string;
  /** Bytes per read request, capped by what the server allows. Default 4 MiB. */
  readChunkSize?: number;
  /** Read requests in flight per file. Default 4. */
  readsInFlight?: number;
  /** Folders listed at once by list(). Default 8. */
  listConcurrency?: number;
}
