import { DomainError } from '../errors/domain-error.js';
import type { Permission } from '../roles/role-configuration.js';
import { can, type Principal } from './principal.js';

export function requirePermission(principal: Principal, permission: Permission): void {
  if (!can(principal, permission)) {
    throw new DomainError('PERMISSION_DENIED', { details: { permission } });
  }
}
