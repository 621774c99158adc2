import * as fs from 'node:fs';
import * as path from 'node:path';
import { data as currencyCodes } from 'currency-codes';
import { ISO_4217_MINOR_UNITS, ISO_4217_PUBLISHED } from '../../functions/orders/iso-4217';
import { DEFAULT_LIST_ONE, parseListOne, renderIso4217Module, TABLE_MODULE } from '../../scripts/iso4217/list-one';

/** The shipped currency table against the ISO 4217 list it was generated from (scripts/iso4217). */

const root = path.resolve(__dirname, '..', '..');
const listOne = () => fs.readFileSync(path.join(root, DEFAULT_LIST_ONE), 'utf8');

describe('the ISO 4217 table', () => {
  it('is exactly what `npm run iso4217` generates from the list (nobody edited it by hand)', () => {
    expect(fs.readFileSync(path.join(root, TABLE_MODULE), 'utf8')).toBe(renderIso4217Module(parseListOne(listOne())));
  });

  it('comes from the list published 2024-06-25, with every current code once', () => {
    const list = parseListOne(listOne());
    expect(ISO_4217_PUBLISHED).toBe(list.published);
    expect(list.published).toBe('2024-06-25');
    expect(Object.keys(ISO_4217_MINOR_UNITS)).toHaveLength(179);
  });

  it('agrees with a second reading of the same list (currency-codes), where that one keeps the minor unit', () => {
    // currency-codes turns "N.A." into 0, so only codes with a numeric unit are compared.
    const differ = currencyCodes
      .filter((c) => ISO_4217_MINOR_UNITS[c.code] !== null && ISO_4217_MINOR_UNITS[c.code] !== c.digits)
      .map((c) => c.code);
    expect(differ).toEqual([]);
  });
});

describe('parseListOne', () => {
  const entry = (code: string, units: string, fund = false) =>
    `<CcyNtry><CtryNm>X</CtryNm><CcyNm${fund ? ' IsFund="true"' : ''}>N</CcyNm><Ccy>${code}</Ccy><CcyNbr>1</CcyNbr><CcyMnrUnts>${units}</CcyMnrUnts></CcyNtry>`;
  const list = (...entries: string[]) =>
    `<ISO_4217 Pblshd="2030-01-01"><CcyTbl>${entries.join('')}<CcyNtry><CtryNm>ANTARCTICA</CtryNm><CcyNm>No universal currency</CcyNm></CcyNtry></CcyTbl></ISO_4217>`;

  it('keeps "N.A." as null, flags funds, merges countries that share a code, sorts by code', () => {
    expect(parseListOne(list(entry('USD', '2'), entry('XAU', 'N.A.'), entry('CLF', '4', true), entry('USD', '2')))).toEqual({
      published: '2030-01-01',
      entries: [
        { code: 'CLF', digits: 4, fund: true },
        { code: 'USD', digits: 2, fund: false },
        { code: 'XAU', digits: null, fund: false },
      ],
    });
  });

  it.each([
    ['no publication date', '<ISO_4217><CcyTbl></CcyTbl></ISO_4217>', /Pblshd/],
    ['a malformed code', list(entry('usd', '2')), /unexpected code 'usd'/],
    ['a malformed minor unit', list(entry('USD', 'two')), /USD has minor unit 'two'/],
    ['one code with two minor units', list(entry('USD', '2'), entry('USD', '3')), /USD appears with different minor units/],
    ['no entries', list(), /no entries/],
  ])('refuses %s', (_, xml, message) => {
    expect(() => parseListOne(xml)).toThrow(message);
  });
});
