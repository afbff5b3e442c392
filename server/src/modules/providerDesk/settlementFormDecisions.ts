import type { Role } from '../../../../shared/src/contracts/roles';
import { transition } from '../../../../shared/src/workflow/machine';
import {
  formMachine,
  type FormContext,
  type FormEffect,
  type FormEvent,
  type FormState,
} from '../../../../shared/src/workflow/settlementForm';
import { ConflictError, ForbiddenError, InvalidInputError } from '../errors';

/**
 * Where a 兑付申请表 version's state changes are decided: transition() of its machine
 * (shared/src/workflow/settlementForm.ts), its refusals turned into the errors the provider's routes have
 * always answered with. The use case carries out the effects (pointApplications, supersedeOlderVersions).
 */

/** The provider acts as the owner of the provider record the form belongs to (checked before). */
export const FORM_OWNER_ROLES: readonly Role[] = ['provider'];

const REFUSED_IN_STATE: Partial<Record<FormState, 'already_signed' | 'form_superseded'>> = {
  signed: 'already_signed',
  superseded: 'form_superseded',
};

export function decideForm(
  form: { status: FormState; version: number },
  event: FormEvent,
  context: Partial<FormContext> = {},
): { to: FormState; effects: readonly FormEffect[] } {
  const decided = transition(formMachine, form.status, event, FORM_OWNER_ROLES, {
    version: form.version,
    scanUploaded: false,
    newerSignedVersion: null,
    applicationsPointingHere: 0,
    ...context,
  });
  if (decided.ok) return { to: decided.to, effects: decided.effects };
  if (decided.reason === 'role_not_allowed') throw new ForbiddenError(decided.message);
  if (decided.reason === 'guard_failed') {
    if (decided.guard === 'scanUploaded')
      throw new InvalidInputError(decided.message, [{ path: 'files.signed_scan', message: '尚未上传盖章兑付申请表' }]);
    throw new ConflictError(decided.message, decided.guard === 'noNewerVersionSigned' ? 'newer_version_signed' : 'invalid_transition');
  }
  // The machine speaks of 这一版; the provider is told which version it acted on.
  throw new ConflictError(decided.message.replace(/^这一版/, `第${form.version}版`), REFUSED_IN_STATE[form.status] ?? 'invalid_transition');
}

/** Whether an older signed version may be superseded now (no application points to it any more). */
export function mayBeSuperseded(applicationsPointingHere: number): boolean {
  // Applications only ever point to signed versions, so an older version pointed to is a signed one.
  return transition(formMachine, 'signed', 'supersede', FORM_OWNER_ROLES, {
    version: 0,
    scanUploaded: true,
    newerSignedVersion: null,
    applicationsPointingHere,
  }).ok;
}
