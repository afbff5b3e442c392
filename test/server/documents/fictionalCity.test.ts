import JSZip from 'jszip';
import { installPolicyPack, policyPack } from '../../../shared/src/pack';
import { YICHUN } from '../../../shared/src/pack/yichun';
import { LANJIANG, YICHUN_PARTICULARS, generateFictionalCityDocuments, inLanjiang } from './fictionalCityDocuments';
import { openDocx, openXlsx, sheet } from './openDocument';
import type { GeneratedDocument } from './realisticDocuments';

/**
 * Issue 18 item 4: the printed documents read the city's words from the installed pack when drawn. Under a
 * fictional city's pack no part of any generated file — body, headers, footers, sheets, shared strings,
 * document properties — names Yichun, and the fictional city's own words are there instead. Rendering
 * is pure (no database): the same on SQLite and MariaDB.
 */

interface Part {
  document: string;
  part: string;
  /** The part's XML as stored. */
  xml: string;
  /** Its text with the markup taken out, so that a word split over runs is found too. */
  text: string;
}

async function parts(doc: GeneratedDocument): Promise<Part[]> {
  const zip = await JSZip.loadAsync(doc.buffer);
  const names = Object.keys(zip.files).filter((n) => /\.(xml|rels)$/.test(n));
  return Promise.all(
    names.map(async (part) => {
      const xml = (await zip.file(part)?.async('string')) ?? '';
      return { document: doc.name, part, xml, text: xml.replace(/<[^>]*>/g, '') };
    }),
  );
}

describe('documents under a fictional city’s pack', () => {
  let documents: GeneratedDocument[];
  let previous: ReturnType<typeof installPolicyPack>;

  beforeAll(async () => {
    previous = installPolicyPack(LANJIANG);
    documents = await generateFictionalCityDocuments();
  });
  afterAll(() => {
    installPolicyPack(previous);
  });

  test('the inputs themselves carry none of Yichun’s particulars', () => {
    const text = JSON.stringify(inLanjiang({ any: ['伊春市伊美区', '0458-1', { k: '乌翠区' }] }));
    expect(YICHUN_PARTICULARS.filter((p) => text.includes(p))).toEqual([]);
    expect(text).toContain('澜江市澜东区');
  });

  test('no part of any document names Yichun: no 伊春, 0458, 伊云备, county name or code', async () => {
    expect(documents.map((d) => d.name)).toEqual(['filing', 'filingDraft', 'settlement', 'jointReport', 'proposedList', 'ledger']);
    const found: string[] = [];
    for (const doc of documents) {
      for (const part of await parts(doc)) {
        for (const p of YICHUN_PARTICULARS) {
          if (part.xml.includes(p) || part.text.includes(p)) found.push(`${part.document}/${part.part}: ${p}`);
        }
      }
    }
    expect(found).toEqual([]);
  });

  test('the check would see a particular: Yichun’s own documents are full of them', async () => {
    installPolicyPack(YICHUN);
    try {
      const yichunDocs = await generateFictionalCityDocuments();
      const texts = (await Promise.all(yichunDocs.map(parts))).flat().map((p) => p.text);
      for (const p of ['伊春市工业企业上云补助兑付申请表', '伊春市工业和信息化局制', '伊春市企业优惠价', '服务伊春市上云企业明细'])
        expect(texts.some((t) => t.includes(p))).toBe(true);
    } finally {
      installPolicyPack(LANJIANG);
    }
  });

  test('the 备案申报书 is the city’s: its form name, bureau, plans and offers', async () => {
    const doc = await openDocx(documents.find((d) => d.name === 'filing')?.buffer ?? Buffer.alloc(0));
    expect(doc.paragraphs).toContain('澜江市云服务商');
    expect(doc.paragraphs).toContain('备案登记表');
    expect(doc.paragraphs).toContain('澜江市经济和信息化委员会制');
    expect(doc.paragraphs).toContain('（三）针对澜江市企业上云的推广和培训计划');
    expect(doc.paragraphs).toContain('（一）针对澜江市企业制定的上云优惠政策');
    expect(doc.rows.some((r) => r.includes('澜江市企业优惠价'))).toBe(true);
    expect(doc.paragraphs.some((p) => p.includes('备案编号：澜云备〔2026〕0007号'))).toBe(true);
    expect(doc.xml).not.toContain('工业企业上云补助');
  });

  test('the 兑付申请表: the city’s subsidy in its title and footer, its enterprises’ heading', async () => {
    const doc = await openDocx(documents.find((d) => d.name === 'settlement')?.buffer ?? Buffer.alloc(0));
    expect(doc.paragraphs).toContain('澜江市企业数字化上云扶持兑付申请表');
    expect(doc.footers.some((f) => f.includes('澜江市企业数字化上云扶持兑付申请表'))).toBe(true);
    expect(doc.rows.some((r) => r.includes('服务澜江市上云企业明细'))).toBe(true);
  });

  test('the joint report: the city’s title, addressees and policy, the county’s attachment', async () => {
    const doc = await openDocx(documents.find((d) => d.name === 'jointReport')?.buffer ?? Buffer.alloc(0));
    expect(doc.paragraphs).toContain('关于报送澜江市企业数字化上云扶持审核意见的报告');
    expect(doc.paragraphs).toContain('市经济和信息化委员会、市财政局：');
    expect(doc.paragraphs.some((p) => p.startsWith('根据《澜江市企业数字化上云扶持办法》的规定，澜东区工业和信息化局'))).toBe(true);
    expect(doc.paragraphs).toContain('附件：澜东区企业数字化上云扶持审核意见汇总表');
    expect(doc.paragraphs).toContain('澜东经信联〔2026〕3号');
  });

  test('the 拟补贴名单 and the ledger: the city’s titles, its bureaus signing, its platform as author', async () => {
    const list = await openXlsx(documents.find((d) => d.name === 'proposedList')?.buffer ?? Buffer.alloc(0));
    const ws = sheet(list, '拟补贴名单');
    expect(ws.getCell('A1').value).toBe('2026年澜江市企业数字化上云扶持拟补贴名单（第1批）');
    const cells: string[] = [];
    ws.eachRow((row) => row.eachCell((c) => cells.push(typeof c.value === 'string' ? c.value : '')));
    expect(cells.some((c) => c.startsWith('拟稿：市经信委（盖章）'))).toBe(true);
    expect(cells.some((c) => c.startsWith('会签：市财政局（盖章）'))).toBe(true);
    expect(list.creator).toBe('澜江市企业上云扶持平台');

    const ledger = await openXlsx(documents.find((d) => d.name === 'ledger')?.buffer ?? Buffer.alloc(0));
    expect(sheet(ledger, '拨付台账').getCell('A1').value).toBe('澜江市企业数字化上云扶持资金拨付台账');
    expect(ledger.creator).toBe('澜江市企业上云扶持平台');
  });

  test('the pack is read when a document is drawn, not when the code was loaded', async () => {
    expect(policyPack()).toBe(LANJIANG);
    installPolicyPack(YICHUN);
    try {
      const [filing] = await generateFictionalCityDocuments();
      const doc = await openDocx(filing?.buffer ?? Buffer.alloc(0));
      expect(doc.paragraphs).toContain('伊春市“企业上云”云服务商');
    } finally {
      installPolicyPack(LANJIANG);
    }
  });
});
