/** Bicep's diagnostics as it prints them: `file(line,col) : Error|Warning|Info code: message`, one per line. */
export interface BicepDiagnostic {
  file: string;
  line: number;
  column: number;
  level: 'Error' | 'Warning' | 'Info';
  code: string;
  message: string;
}

const pattern = /^(.+)\((\d+),(\d+)\) : (Error|Warning|Info) ([A-Za-z0-9-]+): (.*)$/;

export function parseDiagnostics(output: string): BicepDiagnostic[] {
  const diagnostics: BicepDiagnostic[] = [];
  for (const line of output.split(/\r?\n/)) {
    const m = pattern.exec(line.trim());
    if (!m) continue;
    diagnostics.push({ file: m[1]!, line: Number(m[2]), column: Number(m[3]), level: m[4] as BicepDiagnostic['level'], code: m[5]!, message: m[6]! });
  }
  return diagnostics;
}

export function formatDiagnostic(d: BicepDiagnostic, relativeTo: (file: string) => string): string {
  return `${relativeTo(d.file)}(${d.line},${d.column}) ${d.level} ${d.code}: ${d.message}`;
}
