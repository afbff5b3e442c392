import { transition } from '../../../shared/src/workflow/machine';
import {
  PROFILE_CHANGE_EVENTS,
  PROFILE_CHANGE_STATES,
  profileChangeMachine,
  type ProfileChangeContext,
} from '../../../shared/src/workflow/profileChange';
import { checkAgainstDesign } from './designTable';

/**
 * A change of the enterprise's verified profile as DESIGN.md ("Corrections after the fact", "Four
 * eyes") describes it: the enterprise asks, its county verifies or refuses with a reason, and nobody
 * verifies an enterprise they belong to.
 */
const PERMISSIVE: ProfileChangeContext = { reviewerHasStake: false, reason: '营业执照已变更' };

checkAgainstDesign(profileChangeMachine, {
  name: '企业信息变更',
  states: PROFILE_CHANGE_STATES,
  events: PROFILE_CHANGE_EVENTS,
  initial: 'pending',
  finals: ['verified', 'refused', 'withdrawn'],
  reviewerLabels: { pending: '企业信息变更待核验', verified: '变更已核验', refused: '变更未通过核验', withdrawn: '变更已被企业撤回' },
  rows: [
    {
      from: 'pending',
      event: 'verify',
      roles: ['county_miit', 'county_finance'],
      to: 'verified',
      effects: ['applyToEnterprise', 'notifyEnterprise'],
      guards: ['notOwnEnterprise'],
    },
    {
      from: 'pending',
      event: 'refuse',
      roles: ['county_miit', 'county_finance'],
      to: 'refused',
      effects: ['notifyEnterprise'],
      guards: ['notOwnEnterprise', 'reasonGiven'],
    },
    { from: 'pending', event: 'withdraw', roles: ['enterprise'], to: 'withdrawn', effects: [] },
  ],
  permissive: PERMISSIVE,
  breakers: {
    notOwnEnterprise: {
      ctx: { reviewerHasStake: true },
      reason: '您是这家企业的成员或认领人，不能核验它的信息变更，请交由本县其他审核人员办理',
    },
    reasonGiven: { ctx: { reason: '  ' }, reason: '请写明不予核验的原因，企业会看到它' },
  },
  refusals: {
    verified: { verify: '这项变更已经核验过了', refuse: '这项变更已经核验生效，不能再退回', withdraw: '这项变更已经核验生效，不能撤回' },
    refused: { verify: '这项变更已被退回，请企业重新提交', withdraw: '这项变更已被退回，无需撤回' },
    withdrawn: { verify: '企业已撤回这项变更', refuse: '企业已撤回这项变更' },
  },
});

describe('企业信息变更: who may decide', () => {
  test('a city reviewer cannot verify a county matter', () => {
    expect(transition(profileChangeMachine, 'pending', 'verify', ['city_miit'], PERMISSIVE)).toMatchObject({
      ok: false,
      reason: 'role_not_allowed',
    });
  });
  test('a reason of blanks is no reason', () => {
    expect(transition(profileChangeMachine, 'pending', 'refuse', ['county_miit'], { ...PERMISSIVE, reason: null })).toMatchObject({
      ok: false,
      guard: 'reasonGiven',
    });
  });
});

describe('企业信息变更: what the enterprise is told it can expect', () => {
  test('while pending: the county will send its verdict; the machine is named for the history', () => {
    expect(profileChangeMachine.id).toBe('profile-change');
    expect(profileChangeMachine.states.pending.labels.next).toBe('县里核验后会通知您结果');
    expect(profileChangeMachine.states.pending.labels.applicant).toBe('企业信息变更已提交，待县里核验；核验前仍以原信息为准');
  });
});
