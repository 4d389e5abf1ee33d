/** The caller's identity from App Service authentication (Easy Auth), the same header locally. */
import type { HttpRequest } from '@azure/functions';

export function callerName(request: HttpRequest): string | undefined {
  const name = request.headers.get('x-ms-client-principal-name')?.trim();
  return name ? name : undefined;
}
