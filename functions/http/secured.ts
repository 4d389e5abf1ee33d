/** Every endpoint declares the permission it needs; the App Service principal's roles must grant it (401/403 otherwise). */
import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { Permission } from '../../domain/access/roles';
import { authorizeRequest, type PrincipalOptions } from './principal';

export type SecuredHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

export function secured(permission: Permission, handler: SecuredHandler, options: PrincipalOptions = {}): HttpHandler {
  return async (request, context) => {
    const auth = authorizeRequest(request, permission, options);
    return auth.ok ? handler(request, context) : auth.response;
  };
}
