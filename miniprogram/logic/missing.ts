/**
 * The application in steps, and what each step still lacks. The server says what is missing before
 * submit (GET /api/v1/applications/:id → missing, each with a path); this module files each item under the
 * step where it is put right, so the enterprise sees at a glance what to do and where.
 */
import type { Issue as MissingItem } from '../shared/contracts/responses';

export type StepKey = 'profile' | 'contract' | 'payments' | 'declarations' | 'bank' | 'materials';

export const STEPS: readonly { key: StepKey; title: string }[] = [
  { key: 'profile', title: '企业信息' },
  { key: 'contract', title: '服务合同' },
  { key: 'payments', title: '付款记录' },
  { key: 'declarations', title: '申报声明' },
  { key: 'bank', title: '收款账户' },
  { key: 'materials', title: '申报材料' },
];

export function stepOf(path: string): StepKey {
  const head = path.split('.')[0];
  switch (head) {
    case 'enterprise':
      return 'profile';
    case 'contract':
    case 'payments':
    case 'declarations':
    case 'bank':
    case 'materials':
      return head;
    default:
      // Anything else the server names (a rule that failed at submit) is about the declarations.
      return 'declarations';
  }
}

export interface StepStatus {
  key: StepKey;
  title: string;
  messages: string[];
  done: boolean;
}

export function stepStatuses(missing: readonly MissingItem[]): StepStatus[] {
  return STEPS.map((s) => {
    const messages = missing.filter((m) => stepOf(m.path) === s.key).map((m) => m.message);
    return { key: s.key, title: s.title, messages, done: messages.length === 0 };
  });
}

/** The material kinds still to upload (paths `materials.<kind>`). */
export function missingMaterialKinds(missing: readonly MissingItem[]): string[] {
  return missing.filter((m) => m.path.startsWith('materials.')).map((m) => m.path.slice('materials.'.length));
}
