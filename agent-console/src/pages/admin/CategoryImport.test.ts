import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/problem';
import { lineErrors } from './CategoryImport';

describe('category import errors', () => {
  it('names the file line (the header is line 1) and the CSV column of each bad cell', () => {
    const e = new ApiError({
      status: 400,
      code: 'CATEGORY_TABLE_INVALID',
      errors: [
        { path: 'row 7.name', message: 'Too small' },
        { path: 'row 2.parentCode', message: 'no row with code 09' },
        { path: 'csv', message: 'no rows' },
      ],
    });
    expect(lineErrors(e).map(({ line, column }) => [line, column])).toEqual([
      [8, 'name'],
      [3, 'parent_code'],
      [null, 'csv'],
    ]);
  });

  it('leaves any other refusal to the general message', () => {
    expect(lineErrors(new ApiError({ status: 403, code: 'FORBIDDEN' }))).toEqual([]);
    expect(lineErrors(new Error('offline'))).toEqual([]);
  });
});
