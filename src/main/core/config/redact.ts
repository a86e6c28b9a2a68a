/**
 * Process-wide list of secret values seen by the resolver. Every sink (logger, status writer,
 * JSON output, support bundle) passes text through redact().
 */
const secrets = new Set<string>();

/** Short values would turn common words into "***"; passwords that short are refused elsewhere. */
const MIN_SECRET_LENGTH = 3;

export function registerSecret(value: string): void {
  if (value.length >= MIN_SECRET_LENGTH) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join('***');
  }
  return out;
}

/** Deep copy of a JSON-able value with redacted strings, and every key that names a secret masked. */
export function redactValue<T>(value: T): T {
  return JSON.parse(redact(JSON.stringify(value)), (key, v: unknown) =>
    typeof v === 'string' && /^(password|pwd|secret|protected)$/i.test(key) ? '***' : v,
  ) as T;
}
