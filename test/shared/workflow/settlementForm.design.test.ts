import { transition } from '../../../shared/src/workflow/machine';
import { FORM_EVENTS, FORM_STATES, formMachine, type FormContext } from '../../../shared/src/workflow/settlementForm';
import { checkAgainstDesign } from './designTable';

/**
 * The 兑付申请表 (三（三）1) as DESIGN.md describes it: the provider's, generated for a set of its
 * confirmed applications, versioned, uploaded back stamped; each application points to the signed
 * version that lists it; a change of figures is a new version, signed again.
 */
const PERMISSIVE: FormContext = { version: 3, scanUploaded: true, newerSignedVersion: null, applicationsPointingHere: 0 };

checkAgainstDesign(formMachine, {
  name: '兑付申请表',
  states: FORM_STATES,
  events: FORM_EVENTS,
  initial: 'generated',
  finals: ['superseded'],
  reviewerLabels: { generated: '已生成，待上传盖章扫描件', signed: '已签章确认', superseded: '已被新版本取代' },
  rows: [
    { from: 'generated', event: 'attach_scan', roles: ['provider'], to: 'generated', effects: [] },
    {
      from: 'generated',
      event: 'sign',
      roles: ['provider'],
      to: 'signed',
      effects: ['pointApplications', 'supersedeOlderVersions'],
      guards: ['scanUploaded', 'noNewerVersionSigned'],
    },
    { from: 'signed', event: 'attach_scan', roles: ['provider'], to: 'signed', effects: [] },
    { from: 'signed', event: 'supersede', roles: ['provider'], to: 'superseded', effects: [], guards: ['noApplicationPointsHere'] },
  ],
  permissive: PERMISSIVE,
  breakers: {
    scanUploaded: { ctx: { scanUploaded: false }, reason: '请先上传盖章后的兑付申请表扫描件（PDF 或照片），再确认签章' },
    noNewerVersionSigned: {
      ctx: { newerSignedVersion: 4 },
      reason: '已有更新的第4版兑付申请表签章确认，本版（第3版）不能再签章；如需变更请重新生成',
    },
    noApplicationPointsHere: { ctx: { applicationsPointingHere: 2 }, reason: '仍有 2 份申请以这一版兑付申请表为准' },
  },
  refusals: {
    generated: { supersede: '只有已签章的兑付申请表会被新版本取代' },
    signed: { sign: '这一版兑付申请表已经签章确认过了' },
    superseded: {
      attach_scan: '这一版兑付申请表已被新版本取代，请在最新版本上上传',
      sign: '这一版兑付申请表已被新版本取代，请在最新版本上操作',
    },
  },
});

describe('兑付申请表: versions', () => {
  const sign = (c: Partial<FormContext>) => transition(formMachine, 'generated', 'sign', ['provider'], { ...PERMISSIVE, ...c });

  test('an older or the same signed version does not stop signing; a newer one does', () => {
    expect(sign({ newerSignedVersion: 2 }).ok).toBe(true);
    expect(sign({ newerSignedVersion: 3 }).ok).toBe(true);
    expect(sign({ newerSignedVersion: 4 }).ok).toBe(false);
  });

  test('one application still pointing here keeps the version', () => {
    expect(transition(formMachine, 'signed', 'supersede', ['provider'], { ...PERMISSIVE, applicationsPointingHere: 1 })).toMatchObject({
      ok: false,
      message: '仍有 1 份申请以这一版兑付申请表为准',
    });
    expect(formMachine.id).toBe('settlement-form');
  });
});
