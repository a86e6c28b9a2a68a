/**
 * Parses `reg.exe query KEY /v VALUE` output, e.g.
 *
 *   HKEY_LOCAL_MACHINE\SOFTWARE\WinningSoft\HIS
 *       Version    REG_SZ    5.2.0.123
 *
 * The value name may contain spaces, so the line is split on the type token, not on whitespace.
 */
export interface RegistryValue {
  name: string;
  type: string;
  data: string;
}

const VALUE_LINE = /^\s{2,}(.*?)\s{2,}(REG_[A-Z_]+)(?:\s{2,}(.*?))?\s*$/;

export function parseRegQueryOutput(output: string): RegistryValue[] {
  const values: RegistryValue[] = [];
  for (const line of output.split(/\r?\n/)) {
    const match = VALUE_LINE.exec(line);
    if (match) values.push({ name: match[1]!, type: match[2]!, data: match[3] ?? '' });
  }
  return values;
}

/** reg.exe args for one value; "(Default)" means the key's unnamed value. */
export function regQueryArgs(key: string, value: string): string[] {
  return value === '(Default)' || value === '' ? ['query', key, '/ve'] : ['query', key, '/v', value];
}

/** REG_DWORD comes as 0x1f; a version stored that way is the plain number. */
export function registryValueToText(value: RegistryValue): string {
  if (value.type === 'REG_DWORD' || value.type === 'REG_QWORD') return String(Number.parseInt(value.data, 16));
  if (value.type === 'REG_MULTI_SZ') return value.data.split('\\0')[0] ?? '';
  return value.data;
}
