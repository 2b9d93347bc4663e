import { POSTGRES_FEEDBACK_MIGRATIONS, SQLITE_FEEDBACK_MIGRATIONS } from './feedback-migrations';

describe('feedback migrations', () => {
  it('should describe the same schema versions, in order, in both dialects', () => {
    const outline = (list: typeof SQLITE_FEEDBACK_MIGRATIONS) => list.map((m) => `${m.version} ${m.name}`);
    expect(outline(SQLITE_FEEDBACK_MIGRATIONS)).toEqual(outline(POSTGRES_FEEDBACK_MIGRATIONS));
    expect(SQLITE_FEEDBACK_MIGRATIONS.map((m) => m.version)).toEqual([1, 2]);
  });

  it('should create the same tables and indexes in both dialects', () => {
    const created = (list: typeof SQLITE_FEEDBACK_MIGRATIONS) =>
      list.flatMap((m) => [...m.sql.matchAll(/CREATE (?:TABLE|INDEX) (\w+)/gu)].map((match) => match[1]));
    expect(created(SQLITE_FEEDBACK_MIGRATIONS)).toEqual(created(POSTGRES_FEEDBACK_MIGRATIONS));
  });
});
