import { isGranted, type Permission, type RoleConfiguration } from '../roles/role-configuration.js';

export type PrincipalKind = 'account_token' | 'user_token' | 'app_token' | 'session';

/**
 * Who is calling, resolved from a token or session: the account every query is scoped to,
 * the user (if any), and the permissions of that user's role, narrowed by token scopes.
 */
export interface Principal {
  readonly kind: PrincipalKind;
  readonly accountId: number;
  readonly userId: number | null;
  readonly tokenId: number | null;
  readonly configuration: RoleConfiguration;
  /** null: the token carries its holder's full rights. */
  readonly scopes: readonly string[] | null;
}

export function can(principal: Principal, permission: Permission): boolean {
  if (!isGranted(principal.configuration, permission)) return false;
  return (
    principal.scopes === null ||
    principal.scopes.includes('*') ||
    principal.scopes.includes(permission)
  );
}
