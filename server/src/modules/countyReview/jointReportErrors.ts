import { ConflictError, NotFoundError } from '../errors';

/** The joint report's refusals, in the words the county has always had (jointReports.ts, reportCorrections.ts). */

export function notFound(): NotFoundError {
  return new NotFoundError('没有这份联合行文，或它不属于您所在的县（市）区');
}

export function staleError(): ConflictError {
  return new ConflictError('这份联合行文已被修改或已被他人处理，请刷新后再操作', 'stale_version');
}

export function docNoTaken(docNo: string): ConflictError {
  return new ConflictError(`文号“${docNo}”已用于本县（市）区的另一份联合行文，请核对文号`, 'doc_no_taken', [
    { path: 'docNo', message: '文号重复' },
  ]);
}
