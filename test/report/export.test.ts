// XLSX and CSV from rows: read back with exceljs; the CSV is UTF-8 with a BOM, RFC 4180 quoting; formulas never get in.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { csvOf, xlsxOf, type Sheet } from '../../src/report/export.js';

const learners: Sheet = {
  name: 'Обучающиеся',
  header: ['Имя', 'Статус', 'Пройдено уроков'],
  rows: [
    ['Анна Иванова', 'Отстаёт', 2],
    ['=HYPERLINK("http://evil","x")', 'В графике', 0],
    ['Ben "B", Jr.\nline two', null, 1],
  ],
};
const attempts: Sheet = { name: 'Attempts: a/b', header: ['Learner', 'Score, %'], rows: [['Anna', 90]] };

describe('xlsxOf', () => {
  it('one sheet per table, the header first, values as given, formula-like text prefixed', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await xlsxOf([learners, attempts])) as unknown as ArrayBuffer);
    expect(book.worksheets.map((w) => w.name)).toEqual(['Обучающиеся', 'Attempts  a b']);
    const values = (name: string) => book.getWorksheet(name)!.getSheetValues().slice(1).map((r) => (r as unknown[]).slice(1));
    expect(values('Обучающиеся')).toEqual([
      ['Имя', 'Статус', 'Пройдено уроков'],
      ['Анна Иванова', 'Отстаёт', 2],
      [`'=HYPERLINK("http://evil","x")`, 'В графике', 0],
      ['Ben "B", Jr.\nline two', undefined, 1],
    ]);
    expect(values('Attempts  a b')).toEqual([['Learner', 'Score, %'], ['Anna', 90]]);
  });
});

describe('csvOf', () => {
  it('UTF-8 with a BOM, CRLF lines, quotes doubled, formula-like text prefixed', () => {
    const bytes = csvOf(learners);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)).toBe(
      '\uFEFFИмя,Статус,Пройдено уроков\r\n' +
        'Анна Иванова,Отстаёт,2\r\n' +
        `"'=HYPERLINK(""http://evil"",""x"")",В графике,0\r\n` +
        '"Ben ""B"", Jr.\nline two",,1\r\n',
    );
  });
});
