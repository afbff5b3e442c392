import { FILING_MATERIALS, platformFunctionLabel, type ProviderFilingForm } from '../../../../shared/src/contracts/providerFiling';

/** What the form says next to each condition of 三（一） (shared/src/rules/filingConditions.ts): its evidence, shown beside it. */

export interface EvidenceField {
  label: string;
  value: string;
}

function text(v: unknown): string {
  if (v === undefined || v === null) return '（未填写）';
  // Numbers and booleans read the same either way; an object is shown as its JSON, not [object Object].
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** The form's own words next to each condition. */
export function evidenceFields(form: ProviderFilingForm, no: number): EvidenceField[] {
  const b = form.basic ?? {};
  switch (no) {
    case 1:
      return [
        { label: '企业名称', value: text(b.companyName) },
        { label: '成立时间', value: text(b.establishedOn) },
        { label: '企业及平台简介', value: text(b.introduction) },
        { label: '荣誉、专利、软件著作权', value: text(b.honors) },
        { label: '材料真实性承诺（声明）', value: form.declaration?.accepted ? '已承诺' : '未承诺' },
      ];
    case 2:
      return [
        { label: '平台功能', value: (b.platformFunctions ?? []).map((f) => platformFunctionLabel(f) ?? f).join('、') || '（未填写）' },
        { label: '主要产品或服务', value: text(form.technical?.products) },
        { label: '上云企业数量', value: text(b.servedEnterpriseCount) },
        { label: '产品或服务目录', value: `${form.catalogue?.length ?? 0} 项` },
      ];
    case 3:
      return [
        { label: '应用场景', value: text(form.application?.scenarios) },
        {
          label: '典型案例',
          value:
            (form.application?.cases ?? []).map((c) => `${c.title ?? '（无标题）'}（${c.customer ?? '客户未填写'}）`).join('；') ||
            '（未填写）',
        },
      ];
    case 4:
      return [
        { label: '核心技术', value: text(form.technical?.coreTechnology) },
        { label: '主要技术指标', value: text(form.technical?.indicators) },
        { label: '相关认证', value: text(form.technical?.certifications) },
      ];
    case 5:
      return [
        { label: '专业技术人员', value: text(b.technicalStaffCount) },
        { label: '团队人数与学历', value: `${text(form.team?.teamSize)}；${text(form.team?.educationSummary)}` },
        { label: '服务团队', value: text(form.team?.description) },
      ];
    default:
      return [];
  }
}

export function materialLabel(kind: string): string {
  return FILING_MATERIALS.find((m) => m.kind === kind)?.label ?? kind;
}
