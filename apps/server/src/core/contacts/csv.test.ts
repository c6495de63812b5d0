import { describe, expect, it } from 'vitest';
import {
  csvField,
  csvRecord,
  CsvSyntaxError,
  neutralizeFormula,
  parseCsv,
  restoreFormula,
} from './csv.js';

const parse = (text: string) => [...parseCsv(text)];

describe('parseCsv', () => {
  it('reads plain, quoted and escaped fields with any line ending', () => {
    expect(parse('a,b,c\r\n1,"two, with comma","say ""hi"""\n3,,"multi\r\nline"\r4,5,6')).toEqual([
      ['a', 'b', 'c'],
      ['1', 'two, with comma', 'say "hi"'],
      ['3', '', 'multi\r\nline'],
      ['4', '5', '6'],
    ]);
  });

  it('ignores a BOM and a final line break, keeps empty lines and trailing empty fields', () => {
    expect(parse('\uFEFFname,email\r\n\r\nAnn,\r\n')).toEqual([
      ['name', 'email'],
      [''],
      ['Ann', ''],
    ]);
    expect(parse('')).toEqual([]);
    expect(parse('""')).toEqual([['']]);
  });

  it('is lenient with stray quotes but refuses an unterminated quoted field', () => {
    expect(parse('a"b,"c"d')).toEqual([['a"b', 'cd']]);
    expect(() => parse('a,b\n1,"open\n2,3\n')).toThrow(CsvSyntaxError);
    try {
      parse('a,b\n1,"open\n2,3\n');
    } catch (error) {
      expect(error).toMatchObject({ record: 2 });
    }
  });
});

describe('writing CSV', () => {
  it('quotes only what needs quoting and round-trips through the parser', () => {
    const fields = ['plain', 'with, comma', 'with "quote"', 'line\nbreak', ' padded ', '', 'é✓'];
    expect(csvField('plain')).toBe('plain');
    expect(csvField('with "quote"')).toBe('"with ""quote"""');
    expect(csvRecord(['a', 'b'])).toBe('a,b\r\n');
    expect(parse(csvRecord(fields) + csvRecord(fields))).toEqual([fields, fields]);
  });

  it('neutralises formulas and restores them', () => {
    for (const formula of ['=HYPERLINK("x")', '+1+2', '-3', '@SUM(A1)', '\tx']) {
      expect(neutralizeFormula(formula)).toBe(`'${formula}`);
      expect(restoreFormula(neutralizeFormula(formula))).toBe(formula);
    }
    expect(neutralizeFormula('Ann')).toBe('Ann');
    expect(restoreFormula("'quoted")).toBe("'quoted");
  });
});
