import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONTACT_CSV_COLUMNS } from '../../core/contacts/csv-export.js';
import { parseCsv } from '../../core/contacts/csv.js';
import { bearer, createTestApp, type TestApp } from '../../testing/test-app.js';
import { STACKS } from '../../testing/test-databases.js';
import { CSV_IMPORT_LIMIT_BYTES } from './contact-routes.js';

const CSV = 'text/csv; charset=utf-8';

describe.each(STACKS)('contacts CSV on $name', (stack) => {
  let t: TestApp;
  let admin: { authorization: string };
  beforeEach(async () => {
    t = await createTestApp(stack);
    admin = bearer(t.first.accountToken);
  });
  afterEach(async () => {
    await t.close();
  });

  const importCsv = (payload: string, headers = admin) =>
    t.app.inject({
      method: 'POST',
      url: '/api/native/contacts/import',
      headers: { ...headers, 'content-type': CSV },
      payload,
    });

  it('imports rows one by one and reports each row that failed', async () => {
    const response = await importCsv(
      [
        'Name,Email,Phone,Company',
        'Ann,ann@example.com,+1 212-555-0100,Acme',
        'Bob,bob@example.com,+1212555,Acme', // row 3: the seed's example number is not valid
        'Nobody,,,Acme', // row 4: neither e-mail nor phone
        '',
        '"Ann, again",ANN@example.com,,"Acme ""Intl"""', // row 6: updates row 2's contact
        '"Cleo\r\nMulti-line",,0044 20 7946 0958,', // row 7: 00 prefix, empty variable
        'Dan,not-an-email,,', // row 8
      ].join('\r\n'),
    );
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({
      created: 2,
      updated: 1,
      failed: [
        { row: 3, error: '"phone" must be a valid phone number' },
        { row: 4, error: 'Either email or phone is mandatory' },
        { row: 8, error: '"email" must be a valid email' },
      ],
    });
    const listed = await t.app.inject({ url: '/api/native/contacts', headers: admin });
    expect(listed.json()).toMatchObject({
      contacts: [
        {
          name: 'Ann, again',
          email: 'ann@example.com',
          phone: '+12125550100',
          variables: { company: 'Acme "Intl"' },
        },
        { name: 'Cleo\r\nMulti-line', phone: '+442079460958', variables: {} },
      ],
    });
  });

  it('refuses a file without an email or phone column, a broken one, and a too large one', async () => {
    const noKey = await importCsv('name,company\nAnn,Acme\n');
    expect(noKey.statusCode).toBe(400);
    expect(noKey.json()).toMatchObject({
      error: { message: 'The CSV needs a header row with an "email" or "phone" column.' },
    });
    const broken = await importCsv('email,name\na@example.com,"Ann\nb@example.com,Bob\n');
    expect(broken.json()).toMatchObject({
      created: 0,
      failed: [{ row: 2, error: expect.stringMatching(/^Invalid CSV: unterminated/) as string }],
    });
    const tooLarge = await importCsv(`email\n${'x'.repeat(CSV_IMPORT_LIMIT_BYTES)}\n`);
    expect(tooLarge.statusCode).toBe(413);
    const asJson = await t.app.inject({
      method: 'POST',
      url: '/api/native/contacts/import',
      headers: admin,
      payload: { email: 'a@example.com' },
    });
    expect(asJson.statusCode).toBe(400);
  });

  it('streams thousands of contacts as CSV that parses back, and imports back unchanged', async () => {
    const account = t.first.account.id;
    const total = 2_345; // three batches of the export's keyset scan
    const now = Date.now();
    const rows = Array.from({ length: total }, (_, i) => ({
      account_id: account,
      key: `key${String(i).padStart(29, '0')}`,
      external_key: null,
      name: `Contact ${i}`,
      email: `c${i}@example.com`,
      phone: null,
      variables: JSON.stringify({ n: i }),
      blocked: 0,
      created_at: now,
      updated_at: now,
      last_activity_at: null,
    }));
    for (let i = 0; i < rows.length; i += 500) {
      await t.runtime.database.db
        .insertInto('contacts')
        .values(rows.slice(i, i + 500))
        .execute();
    }
    const tricky = await t.app.inject({
      method: 'POST',
      url: '/api/native/contacts',
      headers: admin,
      payload: {
        name: '=HYPERLINK("http://evil.test","click, me")\nnow',
        email: 'tricky@example.com',
        phone: '+12125550100',
        external_key: '-crm-7',
        variables: { note: 'a "quoted", comma', vip: true, seats: 3 },
      },
    });
    expect(tricky.statusCode).toBe(201);

    const exported = await t.app.inject({ url: '/api/native/contacts/export.csv', headers: admin });
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(exported.headers['content-disposition']).toBe('attachment; filename="contacts.csv"');
    const records = [...parseCsv(exported.body)];
    expect(records[0]).toEqual([...CONTACT_CSV_COLUMNS]);
    expect(records).toHaveLength(total + 2);
    expect(new Set(records.slice(1).map((record) => record[0])).size).toBe(total + 1);
    expect(records[1]).toEqual([
      expect.any(String) as string,
      `key${'0'.repeat(29)}`,
      '',
      'Contact 0',
      'c0@example.com',
      '',
      'false',
      new Date(now).toISOString(),
      '{"n":0}',
    ]);
    const last = records.at(-1) ?? [];
    expect(last.slice(2, 7)).toEqual([
      "'-crm-7",
      `'=HYPERLINK("http://evil.test","click, me")\nnow`,
      'tricky@example.com',
      '+12125550100',
      'false',
    ]);
    expect(JSON.parse(last[8] ?? '')).toEqual({ note: 'a "quoted", comma', vip: true, seats: 3 });

    // The export imports into another account as the same contacts.
    const other = bearer((await t.createAccount('Other')).accountToken);
    const imported = await importCsv(exported.body, other);
    expect(imported.json()).toEqual({ created: total + 1, updated: 0, failed: [] });
    const copy = await t.app.inject({ url: '/api/native/contacts?q=tricky', headers: other });
    expect(copy.json()).toMatchObject({
      contacts: [
        {
          name: '=HYPERLINK("http://evil.test","click, me")\nnow',
          external_key: '-crm-7',
          phone: '+12125550100',
          variables: { note: 'a "quoted", comma', vip: true, seats: 3 },
        },
      ],
    });
  });
});
