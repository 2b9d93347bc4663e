import { csvRecords, decodeUtf8 } from './csv-records';
import { DatasetError } from './dataset-error';

const parse = (text: string) => [...csvRecords(text, 'x.csv')];

describe('csvRecords', () => {
  it('should split fields on commas and records on CRLF or LF', () => {
    expect(parse('a,b\r\nc,d\ne,f')).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['c', 'd'], line: 2 },
      { fields: ['e', 'f'], line: 3 },
    ]);
  });

  it('should unquote fields, keep commas and doubled quotes inside them, and count lines inside quotes', () => {
    const records = parse('"x, y","say ""hi""\nthere",z\r\nnext,"",end\n');
    expect(records).toEqual([
      { fields: ['x, y', 'say "hi"\nthere', 'z'], line: 1 },
      { fields: ['next', '', 'end'], line: 3 },
    ]);
  });

  it('should keep a quote inside an unquoted field and empty trailing fields', () => {
    expect(parse('a"b,c,,\r\n')).toEqual([{ fields: ['a"b', 'c', '', ''], line: 1 }]);
  });

  it('should skip empty lines but keep counting them', () => {
    expect(parse('a\n\r\n\nb\n').map((r) => r.line)).toEqual([1, 4]);
  });

  it('should reject a quote left open, naming the line it opened on', () => {
    expect(() => parse('a,b\nc,"never closed\nmore')).toThrow(
      new DatasetError('x.csv', 2, 'a quoted field is never closed'),
    );
  });

  it('should reject text after a closing quote with its line', () => {
    expect(() => parse('ok\n"a"b,c')).toThrow('x.csv:2: unexpected character "b" after a closing quote');
  });
});

describe('decodeUtf8', () => {
  it('should decode UTF-8 and drop a byte order mark', () => {
    expect(decodeUtf8(Buffer.from('\uFEFFhé ✓', 'utf8'), 'f')).toBe('hé ✓');
  });

  it('should name the line of an invalid byte sequence', () => {
    const bytes = Buffer.concat([Buffer.from('one\ntwo\nth'), Buffer.from([0xff, 0xfe]), Buffer.from('ree\n')]);
    expect(() => decodeUtf8(bytes, 'bad.jsonl')).toThrow('bad.jsonl:3: the file is not valid UTF-8');
  });
});
