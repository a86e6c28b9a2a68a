import type { Connection } from 'mssql';

/** What the agent learns from tedious while a pool connects: server error numbers, TLS, the guard's verdict. */
export interface ConnectionObservations {
  /** ERROR tokens the server sent (numbers like 18456 and 4060 reach us only this way during login). */
  serverErrors: Array<{ number: number; message: string }>;
  /** ENCRYPTION value the server answered in PRELOGIN (ON, OFF, NOT_SUP, REQ). */
  preloginEncryption?: string;
  /** Server version from PRELOGIN, e.g. 9.0.5000 for SQL Server 2005. */
  serverVersion?: string;
  /** Negotiated TLS protocol (TLSv1, TLSv1.2) when the connection was encrypted. */
  tlsProtocol?: string;
  /** The guard stopped a connection before LOGIN7 because the server declined encryption. */
  encryptionRefused: boolean;
  /** The installed tedious lacks the hook the guard needs (a probe is used instead). */
  guardUnavailable: boolean;
}

export function newObservations(): ConnectionObservations {
  return { serverErrors: [], encryptionRefused: false, guardUnavailable: false };
}

export class EncryptionRefusedError extends Error {
  constructor(readonly serverAnswer: string) {
    super(`server answered PRELOGIN ENCRYPTION=${serverAnswer} although encryption was requested; LOGIN7 (with the password) was not sent`);
    this.name = 'EncryptionRefusedError';
  }
}

interface PreloginAnswer {
  encryptionString?: string;
  version?: { major: number; minor: number; build: number };
}

interface TediousInternals {
  performTlsNegotiation?: (prelogin: PreloginAnswer, signal: AbortSignal) => Promise<void>;
  messageIo?: { tlsNegotiationComplete?: boolean };
}

/**
 * A `beforeConnect` hook for mssql. tedious answers a server that declines encryption (NOT_SUP or OFF)
 * by carrying on in plaintext even when the client asked for encryption (measured). With encryption
 * required, the hook wraps tedious's TLS step: after it, no TLS means the connection is dropped
 * before LOGIN7 is sent, so the password never crosses the wire unencrypted.
 */
export function observeConnection(observations: ConnectionObservations, requireEncryption: boolean): (connection: Connection) => void {
  return (connection) => {
    connection.on('errorMessage', (token: { number: number; message: string }) => {
      observations.serverErrors.push({ number: token.number, message: token.message });
    });
    connection.on('secure', (cleartext: { getProtocol(): string | null }) => {
      observations.tlsProtocol = cleartext.getProtocol() ?? undefined;
    });
    const internals = connection as unknown as TediousInternals;
    const negotiate = internals.performTlsNegotiation;
    if (typeof negotiate !== 'function') {
      observations.guardUnavailable = true;
      return;
    }
    internals.performTlsNegotiation = async function (this: TediousInternals, prelogin, signal) {
      observations.preloginEncryption = prelogin.encryptionString;
      if (prelogin.version) observations.serverVersion = `${prelogin.version.major}.${prelogin.version.minor}.${prelogin.version.build}`;
      await negotiate.call(this, prelogin, signal);
      if (requireEncryption && !this.messageIo?.tlsNegotiationComplete) {
        observations.encryptionRefused = true;
        throw new EncryptionRefusedError(prelogin.encryptionString ?? 'none');
      }
    };
  };
}
