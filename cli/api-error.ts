/**
 * What a failed request becomes for the user: the service's problem+json (title, detail, and field errors one per
 * line), or for a body that is not problem+json the status and the start of the body; and the exit code for it.
 */
import { CliError } from './cli-error';
import { exitCodes } from './exit-codes';

interface FieldError {
  field: string;
  message: string;
}

interface Problem {
  title?: string;
  detail?: string;
  errors?: FieldError[];
}

function asProblem(text: string): Problem | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object') return undefined;
    const { title, detail, errors } = parsed as Record<string, unknown>;
    const fieldErrors = Array.isArray(errors)
      ? errors.filter((e): e is FieldError => typeof e === 'object' && e !== null && typeof (e as FieldError).field === 'string' && typeof (e as FieldError).message === 'string')
      : undefined;
    if (typeof title !== 'string' && typeof detail !== 'string') return undefined;
    return { title: typeof title === 'string' ? title : undefined, detail: typeof detail === 'string' ? detail : undefined, errors: fieldErrors };
  } catch {
    return undefined;
  }
}

function exitCodeOf(status: number): number {
  if (status === 401 || status === 403) return exitCodes.refused;
  if (status === 404) return exitCodes.notFound;
  if (status >= 500) return exitCodes.serviceError;
  return exitCodes.rejected;
}

const signInHint = 'Say who you are: locally --as <name> --role <OTA.Viewer|OTA.Operator|OTA.Approver|OTA.Admin> (or OTA_AS / OTA_ROLES); in Azure --scope api://<app-id>/.default (or OTA_SCOPE).';

/** The CliError for a response with a status outside 2xx. */
export function apiError(request: string, status: number, body: string): CliError {
  const problem = asProblem(body);
  const lines: string[] = [];
  if (problem) {
    lines.push(`${request}: ${status} ${[problem.title, problem.detail].filter(Boolean).join(': ')}`);
    for (const error of problem.errors ?? []) lines.push(`  - ${error.field}: ${error.message}`);
  } else {
    const start = body.trim().split('\n')[0]?.slice(0, 200) ?? '';
    lines.push(`${request}: ${status}${start ? ` ${start}` : ''}`);
  }
  if (status === 401) lines.push(signInHint);
  return new CliError(lines.join('\n'), exitCodeOf(status));
}
