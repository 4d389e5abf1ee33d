/**
 * Every endpoint declares who may call it (routes.ts); for a permission the App Service principal's roles must
 * grant it (401/403 otherwise). Every body is held to a size limit here too, so no route parses more than it
 * allows (413 otherwise), and an unexpected error answers problem+json, never a stack trace.
 */
import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { Permission } from '../../domain/access/roles';
import type { RouteAccess } from './routes';
import { checkBodySize, defaultMaxBodyBytes } from './body-limit';
import { authorizeRequest, type PrincipalOptions } from './principal';
import { unexpectedErrorResponse } from './unexpected-error';

export type SecuredHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

export interface SecuredOptions extends PrincipalOptions {
  /** The largest body the route accepts (default 256 KB). */
  maxBodyBytes?: number;
}

const isPermission = (access: RouteAccess): access is Permission => access !== 'anyone' && access !== 'signed-link';

export function secured(access: RouteAccess, handler: SecuredHandler, options: SecuredOptions = {}): HttpHandler {
  return async (request, context) => {
    if (isPermission(access)) {
      const auth = authorizeRequest(request, access, options);
      if (!auth.ok) return auth.response;
    }
    const oversize = await checkBodySize(request, options.maxBodyBytes ?? defaultMaxBodyBytes);
    if (oversize) return oversize;
    try {
      return await handler(request, context);
    } catch (err) {
      return unexpectedErrorResponse(err, context);
    }
  };
}
