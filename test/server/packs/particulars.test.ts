import { particularsIn } from '../../helpers/packWalk';

/** The search of the pack walk's last step (test/helpers/packWalk.ts) finds what it must and only that. */
describe('particularsIn', () => {
  const forbidden = ['伊春', '0458', '伊云备', '230717', '伊美区'];

  test('finds a word, a phone’s area code and a county code, each with its context', () => {
    const found = particularsIn(
      '{"title":"伊春市工业企业","phone":"0458-3878126","county":"230717","no":"伊云备〔2026〕001号"}',
      forbidden,
    );
    expect(found.map((f) => f.slice(0, f.indexOf(':')))).toEqual(['伊春', '0458', '伊云备', '230717']);
    expect(found[0]).toContain('伊春市工业企业');
  });

  test('digits count only as a whole number: not inside an id, a time, a credit code or a longer number', () => {
    const text = '01M95HSC7Y9TN0458BB8HE8SD0 1730717045812 91230717MA1B2C3D4E 204580 2307171';
    expect(particularsIn(text, forbidden)).toEqual([]);
  });
});
