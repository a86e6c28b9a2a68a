/**
 * The engine logs only through this interface: the CLI prints to stderr / a file, the Electron shell
 * plugs in electron-log. Messages pass through redact() first, so secrets never reach any sink.
 */
export interface Logger {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
