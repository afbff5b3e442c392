import type { MachineDef } from './machine';

/**
 * A version of a provider's 兑付申请表 (三（三）1), as the use case
 * (server/src/modules/providerDesk/settlementForms.ts, through settlementFormDecisions.ts) runs it. A version is generated for a set of the
 * provider's confirmed applications and never edited: a change is a new version. The provider signs it
 * by uploading the stamped scan; signing points each listed application to it, and an older signed
 * version that no application points to any more is superseded.
 *
 *   generated ─sign→ signed ─supersede (a newer version took its last application)→ superseded
 */
export const FORM_STATES = ['generated', 'signed', 'superseded'] as const;
export type FormState = (typeof FORM_STATES)[number];

export const FORM_EVENTS = ['attach_scan', 'sign', 'supersede'] as const;
export type FormEvent = (typeof FORM_EVENTS)[number];

export type FormGuard = 'scanUploaded' | 'noNewerVersionSigned' | 'noApplicationPointsHere';
export type FormEffect =
  /** Each listed application still alive points to this version (a column, not a state change of the application). */
  | 'pointApplications'
  /** Older signed versions left with no application pointing to them are superseded, in the same transaction. */
  | 'supersedeOlderVersions';

export interface FormContext {
  version: number;
  /** The stamped scan is uploaded (and not replaced). */
  scanUploaded: boolean;
  /** The newest signed version of this provider that lists one of this version's applications, if newer. */
  newerSignedVersion: number | null;
  /** Applications that still point to this version. */
  applicationsPointingHere: number;
}

const PROVIDER = ['provider'] as const;

export const formMachine: MachineDef<FormState, FormEvent, FormGuard, FormEffect, FormContext> = {
  id: 'settlement-form',
  initial: 'generated',
  states: {
    generated: {
      labels: { reviewer: '已生成，待上传盖章扫描件', applicant: '兑付申请表已生成，待服务商盖章上传' },
      on: {
        attach_scan: { target: 'generated', roles: PROVIDER },
        sign: {
          target: 'signed',
          roles: PROVIDER,
          guards: ['scanUploaded', 'noNewerVersionSigned'],
          effects: ['pointApplications', 'supersedeOlderVersions'],
        },
      },
      refuse: { supersede: '只有已签章的兑付申请表会被新版本取代' },
    },
    signed: {
      labels: { reviewer: '已签章确认', applicant: '服务商已签章确认兑付申请表' },
      on: {
        attach_scan: { target: 'signed', roles: PROVIDER },
        // By the provider's signing of a newer version, in its transaction.
        supersede: { target: 'superseded', roles: PROVIDER, guards: ['noApplicationPointsHere'] },
      },
      refuse: { sign: '这一版兑付申请表已经签章确认过了' },
    },
    superseded: {
      labels: { reviewer: '已被新版本取代', applicant: '兑付申请表已被新版本取代' },
      final: true,
      refuse: {
        attach_scan: '这一版兑付申请表已被新版本取代，请在最新版本上上传',
        sign: '这一版兑付申请表已被新版本取代，请在最新版本上操作',
      },
    },
  },
  guards: {
    scanUploaded: (c) => (c.scanUploaded ? null : '请先上传盖章后的兑付申请表扫描件（PDF 或照片），再确认签章'),
    // Signing an older version after a newer one would point applications back to outdated figures.
    noNewerVersionSigned: (c) =>
      (c.newerSignedVersion ?? 0) > c.version
        ? `已有更新的第${c.newerSignedVersion}版兑付申请表签章确认，本版（第${c.version}版）不能再签章；如需变更请重新生成`
        : null,
    noApplicationPointsHere: (c) =>
      c.applicationsPointingHere === 0 ? null : `仍有 ${c.applicationsPointingHere} 份申请以这一版兑付申请表为准`,
  },
};
