/** One row of a benchmark table: what was measured, against what reference in the same run, the goal. */
export interface BenchRow {
  name: string;
  value: string;
  reference: string;
  ratio: string;
  goal: string;
  met: boolean;
}

export function printTable(title: string, rows: BenchRow[], log: (line: string) => void = console.log): void {
  log(`\n${title}`);
  const header = ['benchmark', 'measured', 'reference (same run)', 'ratio', 'goal', 'met'];
  const body = rows.map((r) => [r.name, r.value, r.reference, r.ratio, r.goal, r.met ? 'yes' : 'NO']);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  log(line(header));
  log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const b of body) log(line(b));
}
