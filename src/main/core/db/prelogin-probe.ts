import net from 'node:net';
import { AgentError } from '../errors/agent-error';

/** What a SQL Server says about itself in PRELOGIN, before any login. */
export interface SqlServerProbe {
  host: string;
  port: number;
  /** major.minor.build, e.g. 9.0.5000. */
  version: string;
  /** Marketing name by major version, e.g. "SQL Server 2005"; "SQL Server (unknown version)" otherwise. */
  productName: string;
  /** The server's answer to a client asking for encryption: ON/REQ (can encrypt), NOT_SUP/OFF (cannot). */
  encryption: 'OFF' | 'ON' | 'NOT_SUP' | 'REQ' | 'UNKNOWN';
  /** SQL Server 2005/2008 (before the TLS 1.2 updates) speak only TLS 1.0: the agent then needs legacyTls. */
  likelyTls10Only: boolean;
  elapsedMs: number;
}

const ENCRYPTION_NAMES = ['OFF', 'ON', 'NOT_SUP', 'REQ'] as const;

/**
 * Sends one PRELOGIN (asking for encryption) and reads the answer, then hangs up: tells whether a
 * SQL Server listens, its version and whether it can encrypt. Never logs in, so needs no password.
 */
export function probeSqlServer(host: string, port: number, timeoutMs: number): Promise<SqlServerProbe> {
  const started = Date.now();
  const names = { server: host, port: String(port) };
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let received = Buffer.alloc(0);
    const finish = (error: AgentError | undefined, probe?: SqlServerProbe): void => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(probe!);
    };
    const timer = setTimeout(
      () => finish(new AgentError('DB_TIMEOUT', { ...names, seconds: Math.round(timeoutMs / 100) / 10 }, `no PRELOGIN answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on('connect', () => socket.write(preloginRequest()));
    socket.on('error', (error: NodeJS.ErrnoException) => finish(socketError(error, names)));
    socket.on('close', () => finish(new AgentError('DB_CONNECTION_CLOSED', { ...names, reason: 'closed before answering PRELOGIN' }, 'connection closed by the server')));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const payload = completeMessage(received);
      if (payload === 'not-tds') return finish(new AgentError('DB_NOT_SQL_SERVER', names, `unexpected answer ${received.subarray(0, 16).toString('hex')}`));
      if (!payload) return;
      try {
        finish(undefined, describe(host, port, payload, Date.now() - started));
      } catch (error) {
        finish(new AgentError('DB_NOT_SQL_SERVER', names, error));
      }
    });
  });
}

function socketError(error: NodeJS.ErrnoException, names: { server: string; port: string }): AgentError {
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') return new AgentError('DB_HOST_NOT_FOUND', names, error);
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return new AgentError('DB_CONNECTION_CLOSED', { ...names, reason: error.code }, error);
  return new AgentError('DB_UNREACHABLE', names, error);
}

/** PRELOGIN with VERSION, ENCRYPTION=ON, INSTOPT (empty instance), THREADID, MARS off. */
function preloginRequest(): Buffer {
  const options: Array<[number, Buffer]> = [
    [0x00, Buffer.from([0, 1, 0, 0, 0, 0])],
    [0x01, Buffer.from([0x01])],
    [0x02, Buffer.from([0x00])],
    [0x03, Buffer.alloc(4)],
    [0x04, Buffer.from([0x00])],
  ];
  const table = Buffer.alloc(options.length * 5 + 1);
  let offset = table.length;
  options.forEach(([token, data], i) => {
    table.writeUInt8(token, i * 5);
    table.writeUInt16BE(offset, i * 5 + 1);
    table.writeUInt16BE(data.length, i * 5 + 3);
    offset += data.length;
  });
  table.writeUInt8(0xff, options.length * 5);
  const payload = Buffer.concat([table, ...options.map(([, data]) => data)]);
  const header = Buffer.from([0x12, 0x01, 0, 0, 0, 0, 1, 0]);
  header.writeUInt16BE(header.length + payload.length, 2);
  return Buffer.concat([header, payload]);
}

/** The payload of the first whole TDS message, undefined while incomplete, 'not-tds' for anything else. */
function completeMessage(data: Buffer): Buffer | undefined | 'not-tds' {
  if (data.length >= 1 && data[0] !== 0x04 && data[0] !== 0x12) return 'not-tds';
  const parts: Buffer[] = [];
  for (let at = 0; at + 8 <= data.length; ) {
    const length = data.readUInt16BE(at + 2);
    if (length < 8) return 'not-tds';
    if (at + length > data.length) return undefined;
    parts.push(data.subarray(at + 8, at + length));
    if (data[at + 1]! & 0x01) return Buffer.concat(parts);
    at += length;
  }
  return undefined;
}

function describe(host: string, port: number, payload: Buffer, elapsedMs: number): SqlServerProbe {
  let version = '';
  let major = 0;
  let minor = 0;
  let encryption: SqlServerProbe['encryption'] = 'UNKNOWN';
  for (let at = 0; at < payload.length && payload[at] !== 0xff; at += 5) {
    const offset = payload.readUInt16BE(at + 1);
    if (payload[at] === 0x00) {
      major = payload.readUInt8(offset);
      minor = payload.readUInt8(offset + 1);
      version = `${major}.${minor}.${payload.readUInt16BE(offset + 2)}`;
    } else if (payload[at] === 0x01) {
      encryption = ENCRYPTION_NAMES[payload.readUInt8(offset)] ?? 'UNKNOWN';
    }
  }
  if (!version) throw new Error('PRELOGIN answer without VERSION');
  return { host, port, version, productName: productName(major, minor), encryption, likelyTls10Only: major > 0 && major <= 10, elapsedMs };
}

export function productName(major: number, minor = 0): string {
  const names: Record<number, string> = { 8: 'SQL Server 2000', 9: 'SQL Server 2005', 11: 'SQL Server 2012', 12: 'SQL Server 2014', 13: 'SQL Server 2016', 14: 'SQL Server 2017', 15: 'SQL Server 2019', 16: 'SQL Server 2022', 17: 'SQL Server 2025' };
  if (major === 10) return minor >= 50 ? 'SQL Server 2008 R2' : 'SQL Server 2008';
  return names[major] ?? 'SQL Server (unknown version)';
}
