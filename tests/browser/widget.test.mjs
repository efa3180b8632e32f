// Browser tests of the widget and the demo pages: playwright-core drives Debian's Chromium
// against a running service (MAJLIS_URL, started by run.sh). Every test opens its own browser
// context (its own localStorage: a new reader) and fails on console errors it did not expect.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';

const BASE = process.env.MAJLIS_URL;
if (!BASE) throw new Error('MAJLIS_URL is unset: run tests/browser/run.sh');
const SHOTS = new URL('../../widget/screenshots/', import.meta.url).pathname;
mkdirSync(SHOTS, { recursive: true });
const TIMEOUT = 15000;

let browser;
before(async () => {
  // launch() runs Chromium on a fresh temporary user-data-dir of its own.
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
});
after(async () => { await browser?.close(); });

/** A page in a fresh context that records console errors and uncaught exceptions. */
async function open(path, { width = 1280, height = 900, userAgent } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, userAgent });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const url = m.location().url || '';
    errors.push(`console: ${m.text()} ${url}`);
  });
  if (path) await gotoThread(page, path);
  return { context, page, errors };
}

async function gotoThread(page, path) {
  await page.goto(BASE + path);
  await page.locator('#majlis article.c').first().waitFor();
}

/** Polls `fn` until it returns a truthy value. */
async function until(fn, what, timeout = TIMEOUT) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const comment = (page, text) => page.locator('#majlis article.c').filter({ hasText: text }).first();
const activeId = (page) => page.evaluate(() => document.querySelector('#majlis').shadowRoot.activeElement?.id || '');
const heading = (page) => page.locator('#majlis h2').first().textContent();

test('the Arabic demo renders right to left with its seeded comments', async () => {
  const { context, page, errors } = await open('/demo');
  assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
  const wrap = page.locator('#majlis .mj');
  assert.equal(await wrap.getAttribute('dir'), 'rtl');
  assert.equal(await wrap.evaluate((el) => getComputedStyle(el).direction), 'rtl');
  assert.match(await heading(page), /^التعليقات \((1[2-9]|[2-9]\d)\)$/);

  const first = comment(page, 'خطوة في الاتجاه الصحيح');
  assert.match(await first.locator('time').first().textContent(), /قبل|منذ/);
  assert.ok((await first.locator('.av').first().textContent()).trim().length > 0, 'initials avatar');
  assert.equal(await page.locator('#majlis .badge').first().textContent(), 'فريق التحرير');
  const link = comment(page, 'مجموعة الأزمات').locator('a');
  assert.equal(await link.getAttribute('rel'), 'nofollow ugc noopener');
  assert.equal(await link.getAttribute('href'), 'https://www.crisisgroup.org/middle-east-north-africa');

  // Three of five replies are shown; the button brings the other two.
  assert.equal(await first.locator('.replies > article.c').count(), 3);
  await page.getByRole('button', { name: 'عرض ردّين آخرين' }).click();
  await until(async () => (await first.locator('.replies > article.c').count()) === 5, 'five replies');
  assert.equal(await page.getByRole('button', { name: 'عرض ردّين آخرين' }).count(), 0);

  // The sort switch: oldest first, then most liked.
  await page.getByLabel('ترتيب التعليقات').selectOption('oldest');
  await until(async () => /خطوة في الاتجاه الصحيح/.test(await page.locator('#majlis .list > article.c').first().textContent()), 'oldest first');
  await page.getByLabel('ترتيب التعليقات').selectOption('top');
  await until(async () => (await page.locator('#majlis .list > article.c').count()) >= 5, 'top comments');
  assert.match(await page.locator('#majlis .list > article.c .like').first().textContent(), /4/);
  await page.getByLabel('ترتيب التعليقات').selectOption('newest');
  await page.screenshot({ path: `${SHOTS}demo-ar.png`, fullPage: true });

  // The English page: left to right, English strings and comments.
  await gotoThread(page, '/demo/en');
  assert.equal(await page.locator('#majlis .mj').getAttribute('dir'), 'ltr');
  assert.match(await heading(page), /^Comments \(\d+\)$/);
  await comment(page, 'Talking is better than escalating').waitFor();
  assert.equal(await page.locator('#majlis .badge').first().textContent(), 'Staff');
  await page.screenshot({ path: `${SHOTS}demo-en.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('a guest posts, replies, likes, reports, edits and deletes', async () => {
  const { context, page, errors } = await open('/demo');
  const posts = [];
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/comments')) posts.push(r); });
  const before = await heading(page);

  // Post: name and text, then the comment is first in the list and has the focus.
  await page.getByLabel('تعليقك').fill('تغطية متوازنة، شكراً لفريق التحرير.');
  await page.getByLabel('الاسم').fill('ضيف الاختبار');
  await page.getByRole('button', { name: 'نشر التعليق' }).click();
  const mine = comment(page, 'تغطية متوازنة');
  await mine.waitFor();
  assert.match(await activeId(page), /^c-/);
  assert.equal(await page.locator('#majlis .list > article.c').first().getAttribute('id'), await activeId(page));
  assert.notEqual(await heading(page), before);
  assert.equal(await page.getByLabel('تعليقك').inputValue(), '');
  await until(async () => (await page.locator('#majlis [role=status]').textContent()) === 'نُشر تعليقك.', 'announcement');
  const sent = posts[0].postDataJSON();
  assert.equal(sent.author_name, 'ضيف الاختبار');
  assert.equal(typeof sent.form_ms, 'number');
  assert.equal(sent.hp, undefined, 'the honeypot stays empty');
  assert.ok(posts[0].headers()['idempotency-key'], 'an Idempotency-Key');
  assert.ok(await page.evaluate(() => localStorage.getItem('majlis:guest:demo')), 'the guest token is kept');
  // From now on the guest is known: no name field, a "commenting as" line.
  assert.equal(await page.getByLabel('الاسم').isVisible(), false);
  await page.getByText('تعلّق باسم ضيف الاختبار').first().waitFor();

  // Reply to a seeded comment: sent with the guest token, shown under its parent.
  const question = comment(page, 'هل هناك موعد محدد');
  await question.getByRole('button', { name: 'رد', exact: true }).first().click();
  await question.getByLabel('الرد على خالد العتيبي').fill('أتوقع الإعلان عنه قريباً.');
  await question.getByRole('button', { name: 'نشر الرد' }).click();
  await question.locator('.replies').getByText('أتوقع الإعلان عنه قريباً.').waitFor();
  assert.match(posts[1].headers().authorization, /^Guest /);
  assert.ok(posts[1].postDataJSON().parent_id);

  // Like, optimistically; the server agrees after a reload.
  const target = comment(page, 'التهدئة تنعكس مباشرة');
  const like = target.locator('.like').first();
  assert.equal(await like.getAttribute('aria-pressed'), 'false');
  await like.click();
  assert.equal(await like.getAttribute('aria-pressed'), 'true');
  assert.match(await like.textContent(), /1/);

  // Report with a reason from the menu.
  await target.getByRole('button', { name: 'إبلاغ' }).first().click();
  await target.getByRole('radio', { name: 'خارج الموضوع' }).check();
  await target.getByRole('button', { name: 'إرسال البلاغ' }).click();
  await target.getByText('شكراً، سيراجع المشرفون هذا التعليق.').waitFor();
  assert.equal(await target.getByRole('button', { name: 'تم الإبلاغ' }).isDisabled(), true);

  // Edit within the window, then delete.
  await mine.getByRole('button', { name: 'تعديل' }).click();
  await mine.getByLabel('تعليقك').fill('تغطية متوازنة ودقيقة، شكراً لفريق التحرير.');
  await mine.getByRole('button', { name: 'حفظ التعديل' }).click();
  const edited = comment(page, 'تغطية متوازنة ودقيقة');
  await edited.locator('.edited').waitFor();
  await edited.getByRole('button', { name: 'حذف' }).click();
  await edited.getByRole('button', { name: 'نعم، احذف' }).click();
  await until(async () => (await page.locator('#majlis').getByText('تغطية متوازنة ودقيقة').count()) === 0, 'the deletion');

  await gotoThread(page, '/demo');
  const again = comment(page, 'التهدئة تنعكس مباشرة').locator('.like').first();
  assert.equal(await again.getAttribute('aria-pressed'), 'true');
  await comment(page, 'هل هناك موعد محدد').getByText('أتوقع الإعلان عنه قريباً.').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

/** An HS256 token as the host site would sign it for its reader. */
function ssoToken(claims) {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  const sig = createHmac('sha256', process.env.MAJLIS_TEST_SSO_SECRET).update(unsigned).digest('base64url');
  return `${unsigned}.${sig}`;
}

test('a reader signed in by the host site comments through window.majlis.getToken', async () => {
  const token = ssoToken({ sub: `reader-${Math.random().toString(36).slice(2)}`, name: 'Nadia Reader', exp: Math.floor(Date.now() / 1000) + 3600 });
  const { context, page, errors } = await open();
  await context.addInitScript((t) => { window.majlis = { getToken: () => Promise.resolve(t) }; }, token);
  const posts = [];
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/comments')) posts.push(r); });
  await gotoThread(page, '/demo/en');
  // No name to type: the host site said who this is.
  assert.equal(await page.getByLabel('Name').isVisible(), false);
  await page.getByText('Commenting as Nadia Reader').waitFor();
  await page.getByLabel('Your comment').fill('Signed in through the host site.');
  await page.getByRole('button', { name: 'Post comment' }).click();
  const mine = comment(page, 'Signed in through the host site.');
  await mine.waitFor();
  assert.equal(posts[0].headers().authorization, `Bearer ${token}`);
  assert.equal(posts[0].postDataJSON().author_name, undefined);
  assert.equal(await mine.locator('.name').textContent(), 'Nadia Reader');
  // Recognised as the reader's own after a reload (the UUIDv5 of site and sub): edit, delete, no report.
  await gotoThread(page, '/demo/en');
  const again = comment(page, 'Signed in through the host site.');
  await again.getByRole('button', { name: 'Edit' }).waitFor();
  assert.equal(await again.getByRole('button', { name: 'Delete' }).count(), 1);
  assert.equal(await again.getByRole('button', { name: 'Report' }).count(), 0);
  assert.equal(await page.evaluate(() => localStorage.getItem('majlis:guest:demo')), null, 'no guest token');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the widget works from a host page on another origin (CORS)', async () => {
  // The host page comes from a second server (another port: another origin), as in production.
  const html = `<!doctype html><html lang="en"><meta charset="utf-8"><link rel="icon" href="data:,">
    <div id="majlis" data-site="demo" data-article="muscat-talks-en" data-lang="en"></div>
    <script src="${BASE}/widget/embed.js" async></script></html>`;
  const server = createServer((req, res) => { res.setHeader('Content-Type', 'text/html; charset=utf-8'); res.end(html); });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `http://127.0.0.1:${server.address().port}/article`;
  await fetch(`${BASE}/demo/en`); // seeds the demo site, if no test has yet
  const { context, page, errors } = await open();
  await context.addInitScript(() => {
    const send = navigator.sendBeacon.bind(navigator);
    window.beacons = [];
    navigator.sendBeacon = (url, data) => { window.beacons.push({ url, type: typeof data }); return send(url, data); };
  });
  await page.goto(host);
  await comment(page, 'Talking is better than escalating').waitFor();
  await page.locator('#majlis .mj[data-live=open]').waitFor();
  // A post with Authorization-free credentials, an Idempotency-Key and JSON: a preflighted request.
  await page.getByLabel('Your comment').fill('Posted from a page on another origin.');
  await page.getByLabel('Name').fill('Cross reader');
  await page.getByRole('button', { name: 'Post comment' }).click();
  await comment(page, 'Posted from a page on another origin.').waitFor();
  // Then a like, which sends the guest token: Authorization crosses origins too.
  const like = comment(page, 'Talking is better than escalating').locator('.like').first();
  await like.click();
  await until(async () => (await like.getAttribute('aria-pressed')) === 'true' && /2/.test(await like.textContent()), 'the like');
  // The beacon goes as a text/plain string, which needs no preflight.
  assert.deepEqual(await page.evaluate(() => window.beacons), [{ url: `${BASE}/v1/sites/demo/articles/muscat-talks-en/views`, type: 'string' }]);
  assert.deepEqual(errors, []);
  await context.close();
  server.close();
});

test('a held comment shows as awaiting moderation to its author only', async () => {
  const host = `${BASE}/test/held`;
  const html = '<!doctype html><html lang="ar" dir="rtl"><meta charset="utf-8"><link rel="icon" href="data:,">'
    + '<div id="majlis" data-site="held" data-article="held-article" data-lang="ar"></div>'
    + '<script src="/widget/embed.js" async></script></html>';
  const { context, page, errors } = await open();
  // A host page on the service's origin for the pre-moderated `held` site.
  await context.route(host, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }));
  await page.goto(host);
  await page.locator('#majlis .status').filter({ hasText: 'لا تعليقات بعد' }).waitFor();
  await page.getByLabel('تعليقك').fill('أتمنى أن تنجح المحادثات هذه المرة.');
  await page.getByLabel('الاسم').fill('قارئ');
  await page.getByRole('button', { name: 'نشر التعليق' }).click();
  const held = comment(page, 'أتمنى أن تنجح المحادثات');
  await held.locator('.pending').waitFor();
  assert.match(await held.locator('.pending').textContent(), /بانتظار المراجعة/);
  assert.match(await page.locator('#majlis h2').first().textContent(), /\(0\)/, 'not counted as published');

  // Still there, still marked, after a reload; a stranger does not see it.
  await page.reload();
  await comment(page, 'أتمنى أن تنجح المحادثات').locator('.pending').waitFor();
  const stranger = await open();
  await stranger.context.route(host, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }));
  await stranger.page.goto(host);
  await stranger.page.locator('#majlis .status').filter({ hasText: 'لا تعليقات بعد' }).waitFor();
  assert.deepEqual(errors, []);
  assert.deepEqual(stranger.errors, []);
  await stranger.context.close();
  await context.close();
});

test('a rejected comment shows its reason and the text is kept, also across a reload', async () => {
  const { context, page, errors } = await open('/demo');
  const insult = 'يا ابن الكلب';
  await page.getByLabel('تعليقك').fill(insult);
  await page.getByLabel('الاسم').fill('غاضب');
  await page.getByRole('button', { name: 'نشر التعليق' }).click();
  const alert = page.locator('#majlis .compose form > .msg');
  await until(async () => /كلمات غير مسموح بها/.test(await alert.textContent()), 'the reason');
  assert.equal(await page.getByLabel('تعليقك').inputValue(), insult);
  assert.equal(await page.locator('#majlis').getByText(insult).count(), 0, 'not in the thread');
  await gotoThread(page, '/demo');
  assert.equal(await page.getByLabel('تعليقك').inputValue(), insult, 'the draft survives a reload');

  // On the English page, the reason comes in English.
  await gotoThread(page, '/demo/en');
  await page.getByLabel('Your comment').fill(insult);
  await page.getByRole('button', { name: 'Post comment' }).click();
  await until(async () => (await alert.textContent()) === 'Your comment was not published: it contains words that are not allowed here.', 'the English reason');
  assert.deepEqual(errors, []);
  await context.close();
});

test('rate limits, closed articles and network failures are explained and the text is kept', async () => {
  const { context, page } = await open('/demo/en');
  const text = 'A thoughtful comment that must not be lost.';
  await page.getByLabel('Your comment').fill(text);
  await page.getByLabel('Name').fill('Reader');
  const problem = (status, code, headers = {}) => (route) => route.request().method() === 'POST'
    ? route.fulfill({ status, headers: { 'Content-Type': 'application/problem+json', ...headers }, body: JSON.stringify({ status, code }) })
    : route.continue();
  const alert = page.locator('#majlis .compose form > .msg');
  const cases = [
    [problem(429, 'rate_limited', { 'Retry-After': '42' }), 'You are posting too fast. Try again in 42 seconds.'],
    [problem(403, 'article_closed'), 'Comments are closed on this article.'],
    [(route) => (route.request().method() === 'POST' ? route.abort('connectionrefused') : route.continue()), 'Could not reach the server. Your text is kept; try again.'],
    [problem(503, 'service_unavailable', { 'Retry-After': '5' }), 'The service is briefly unavailable. Your text is kept; try again shortly.'],
  ];
  for (const [handler, message] of cases) {
    await page.route('**/v1/sites/demo/articles/muscat-talks-en/comments', handler);
    await page.getByRole('button', { name: 'Post comment' }).click();
    await until(async () => (await alert.textContent()) === message, message);
    assert.equal(await page.getByLabel('Your comment').inputValue(), text);
    await page.unroute('**/v1/sites/demo/articles/muscat-talks-en/comments');
  }
  // The service is back: the same text posts.
  await page.getByRole('button', { name: 'Post comment' }).click();
  await comment(page, text).waitFor();
  await context.close();
});

test('load more brings the next page of a long thread', async () => {
  // A thread of 23 comments on a fresh article, posted through the API by one guest.
  const article = `long-thread-${Math.random().toString(36).slice(2, 8)}`;
  const words = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh',
    'twelfth', 'thirteenth', 'fourteenth', 'fifteenth', 'sixteenth', 'seventeenth', 'eighteenth', 'nineteenth', 'twentieth',
    'twenty-first', 'twenty-second', 'twenty-third'];
  let auth = null;
  for (const w of words) {
    const res = await fetch(`${BASE}/v1/sites/demo/articles/${article}/comments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(auth ? { Authorization: auth } : {}) },
      body: JSON.stringify({ body: `The ${w} comment in a long thread.`, author_name: 'Patient reader', form_ms: 5000 }),
    });
    assert.equal(res.status, 201);
    const created = await res.json();
    assert.equal(created.status, 'published');
    auth ??= `Guest ${created.guest_token}`;
  }
  const host = `${BASE}/test/long`;
  const html = `<!doctype html><html lang="en"><meta charset="utf-8"><link rel="icon" href="data:,">
    <div id="majlis" data-site="demo" data-article="${article}" data-lang="en"></div><script src="/widget/embed.js" async></script></html>`;
  const { context, page, errors } = await open();
  await context.route(host, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }));
  await gotoThread(page, '/test/long');
  const top = page.locator('#majlis .list > article.c');
  assert.equal(await top.count(), 20);
  assert.equal(await heading(page), 'Comments (23)');
  await page.getByRole('button', { name: 'Load more comments' }).click();
  await until(async () => (await top.count()) === 23, 'the next page');
  assert.match(await top.last().textContent(), /The first comment/);
  assert.equal(await page.getByRole('button', { name: 'Load more comments' }).isVisible(), false);
  assert.deepEqual(errors, []);
  await context.close();
});

test('replies to replies are fetched on demand, under their parent', async () => {
  const article = `nested-${Math.random().toString(36).slice(2, 8)}`;
  let auth = null;
  const post = async (body, parent_id) => {
    const res = await fetch(`${BASE}/v1/sites/demo/articles/${article}/comments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(auth ? { Authorization: auth } : {}) },
      body: JSON.stringify({ body, parent_id, author_name: 'Thread starter', form_ms: 5000 }),
    });
    const created = await res.json();
    assert.equal(created.status, 'published', JSON.stringify(created));
    auth ??= `Guest ${created.guest_token}`;
    return created.id;
  };
  const top = await post('What do readers expect from the next round?');
  const reply = await post('A timetable, above all.', top);
  await post('Agreed: dates, and someone to check them.', reply);
  await post('And a public report after each round.', reply);
  const html = `<!doctype html><html lang="en"><meta charset="utf-8"><link rel="icon" href="data:,">
    <div id="majlis" data-site="demo" data-article="${article}" data-lang="en"></div><script src="/widget/embed.js" async></script></html>`;
  const { context, page, errors } = await open();
  await context.route(`${BASE}/test/nested`, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }));
  await gotoThread(page, '/test/nested');
  const middle = comment(page, 'A timetable, above all.');
  await middle.getByRole('button', { name: 'Show 2 more replies' }).click();
  await middle.locator('.replies').getByText('Agreed: dates, and someone to check them.').waitFor();
  await middle.locator('.replies').getByText('And a public report after each round.').waitFor();
  assert.equal(await middle.getByRole('button', { name: /more repl/ }).count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a second page receives a new comment live, behind a pill, without moving', async () => {
  const reader = await open('/demo/en');
  await reader.page.locator('#majlis .mj[data-live=open]').waitFor();
  const writer = await open('/demo/en');
  // Letters only: a long run of digits reads as a phone number, which the filter holds.
  const text = `Live from another reader, ${Math.random().toString(36).replace(/[^a-z]/g, '')}.`;
  await writer.page.getByLabel('Your comment').fill(text);
  await writer.page.getByLabel('Name').fill('Writer');
  await writer.page.getByRole('button', { name: 'Post comment' }).click();
  await comment(writer.page, text).waitFor();
  assert.equal(await comment(writer.page, text).locator('.pending').count(), 0, 'published, not held');

  const pill = reader.page.locator('#majlis .pill');
  await until(async () => (await pill.isVisible()) && (await pill.textContent()) === '1 new comment', 'the pill');
  assert.equal(await reader.page.locator('#majlis').getByText(text).count(), 0, 'the thread did not move');
  await pill.click();
  await comment(reader.page, text).waitFor();
  assert.match(await activeId(reader.page), /^c-/);
  assert.equal(await pill.isVisible(), false);
  assert.deepEqual(reader.errors, []);
  assert.deepEqual(writer.errors, []);
  await reader.context.close();
  await writer.context.close();
});

test('after the live stream reconnects, the reader is offered a reload', async () => {
  const { context, page, errors } = await open();
  // The first stream ends at once (as when an instance restarts); the browser reconnects.
  let streams = 0;
  await context.route('**/articles/muscat-talks-en/events', (route) => (streams++ === 0
    ? route.fulfill({ contentType: 'text/event-stream', body: 'retry: 200\n\n' })
    : route.continue()));
  await gotoThread(page, '/demo/en');
  const pill = page.locator('#majlis .pill');
  await until(async () => (await pill.isVisible()) && (await pill.textContent()) === 'New updates: select to reload', 'the reload offer');
  assert.ok(streams >= 2, 'reconnected');
  await pill.click();
  await until(async () => !(await pill.isVisible()), 'the reload');
  await comment(page, 'Talking is better than escalating').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('posting with the keyboard alone puts the focus on the new comment', async () => {
  const { context, page, errors } = await open('/demo/en');
  await page.getByLabel('Sort comments').focus();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.querySelector('#majlis').shadowRoot.activeElement.tagName), 'TEXTAREA');
  await page.keyboard.type('Posted with the keyboard only.');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Keyboard reader');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.querySelector('#majlis').shadowRoot.activeElement.textContent), 'Post comment');
  await page.keyboard.press('Enter');
  await comment(page, 'Posted with the keyboard only.').waitFor();
  await until(async () => /^c-/.test(await activeId(page)), 'focus on the new comment');
  // A reply form opens from the keyboard and Escape closes it, giving the focus back.
  const reply = comment(page, 'Posted with the keyboard only.').getByRole('button', { name: 'Reply' }).first();
  await reply.focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.querySelector('#majlis').shadowRoot.activeElement.tagName), 'TEXTAREA');
  await page.keyboard.press('Escape');
  assert.equal(await page.evaluate(() => document.querySelector('#majlis').shadowRoot.activeElement.textContent), 'Reply');
  // Ctrl+Enter posts from the text area too.
  await page.getByLabel('Your comment').focus();
  await page.keyboard.type('And once more with Ctrl+Enter.');
  await page.keyboard.press('Control+Enter');
  await comment(page, 'And once more with Ctrl+Enter.').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('the page and the widget fit a 320 px screen', async () => {
  const { context, page, errors } = await open('/demo', { width: 320, height: 800 });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 320, 'no sideways scrolling');
  const box = await page.locator('#majlis').boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 320, `the widget is within the screen: ${JSON.stringify(box)}`);
  const button = await page.getByRole('button', { name: 'نشر التعليق' }).boundingBox();
  assert.ok(button.x >= 0 && button.x + button.width <= 320, 'the post button is on screen');
  await page.locator('#majlis').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}demo-320.png`, fullPage: true });
  await page.locator('#majlis').screenshot({ path: `${SHOTS}widget-320.png` });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the view beacon is sent once per page view, with a kept visitor id', async () => {
  const { context, page } = await open();
  // The body of a beacon is not visible to the network events: record what the page hands over.
  await context.addInitScript(() => {
    const send = navigator.sendBeacon.bind(navigator);
    window.beacons = [];
    navigator.sendBeacon = (url, data) => { window.beacons.push({ url, data }); return send(url, data); };
  });
  const sent = () => page.evaluate(() => Promise.all(window.beacons.map(async (b) => ({ url: b.url, type: b.data.type, body: await b.data.text() }))));
  const network = [];
  page.on('request', (r) => { if (r.url().endsWith('/views')) network.push(r.method()); });
  await gotoThread(page, '/demo');
  const visitor = await until(() => page.evaluate(() => localStorage.getItem('majlis:visitor')), 'a visitor id');
  // One per article and page view, even though the thread and the related box both name the article.
  const first = await sent();
  assert.deepEqual(first, [{ url: `${BASE}/v1/sites/demo/articles/muscat-talks/views`, type: 'application/json', body: JSON.stringify({ visitor }) }]);
  await gotoThread(page, '/demo');
  assert.deepEqual(await sent(), first, 'the next page view sends its own, with the same visitor');
  await until(() => network.length === 2, 'two beacons on the network');
  assert.deepEqual(network, ['POST', 'POST']);
  await context.close();
});

test('the boxes render the answer SPEC §6 describes, and stay hidden on 404 and 503', async () => {
  // The service's answer is mocked here so the widget's side is checked on any build; the next
  // test checks the real endpoints.
  const answer = (titles) => JSON.stringify({
    window: '24h',
    articles: titles.map((title, i) => ({ article: `a${i}`, title, url: `/demo#a${i}`, section: 'politics', story: 'regional-talks', image: null, published_at: '2026-01-01T00:00:00Z', views: 10 - i, comments: i })),
  });
  const { context, page, errors } = await open();
  await context.route('**/v1/sites/demo/popular?*', (route) => route.fulfill({ contentType: 'application/json', body: answer(['الأول قراءة', 'الثاني قراءة']) }));
  await context.route('**/v1/sites/demo/articles/muscat-talks/related?*', (route) => route.fulfill({ contentType: 'application/json', body: answer(['خبر ذو صلة']) }));
  await gotoThread(page, '/demo');
  const mostRead = page.locator('[data-majlis-widget=most-read]');
  await mostRead.locator('li').first().waitFor();
  assert.equal(await mostRead.locator('li').count(), 2);
  assert.equal(await mostRead.locator('h2').textContent(), 'الأكثر قراءة');
  assert.equal(await mostRead.locator('li a').first().textContent(), 'الأول قراءة');
  assert.equal(await mostRead.locator('li a').first().getAttribute('href'), `${BASE}/demo#a0`);
  assert.match(await mostRead.locator('li .meta').first().textContent(), /10 قراءات|10 قراءة/);
  const related = page.locator('[data-majlis-widget=related]');
  await related.locator('li').first().waitFor();
  assert.equal(await related.locator('h2').textContent(), 'أخبار ذات صلة');
  await page.screenshot({ path: `${SHOTS}demo-boxes-mocked.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();

  for (const status of [404, 503]) {
    const quiet = await open();
    await quiet.context.route(/\/(popular|related)\?/, (route) => route.fulfill({ status, contentType: 'application/problem+json', body: JSON.stringify({ status, code: 'x' }) }));
    await gotoThread(quiet.page, '/demo');
    await quiet.page.waitForLoadState('networkidle');
    assert.equal(await quiet.page.locator('[data-majlis-widget=most-read]').isVisible(), false, `most read hidden on ${status}`);
    assert.equal(await quiet.page.locator('[data-majlis-widget=related]').isVisible(), false, `related hidden on ${status}`);
    await quiet.context.close();
  }
});

test('the most-read and related boxes fill', async () => {
  // Readers view both pages, so the views count; the boxes are filled from the service. The
  // service does not count headless browsers (they are bots), so this one says it is Chrome.
  const probe = await browser.newPage();
  const userAgent = (await probe.evaluate(() => navigator.userAgent)).replace('HeadlessChrome', 'Chrome');
  await probe.close();
  const { context, page, errors } = await open('/demo/en', { userAgent });
  await gotoThread(page, '/demo');
  const mostRead = page.locator('[data-majlis-widget=most-read]');
  const related = page.locator('[data-majlis-widget=related]');
  const filled = async (box) => (await box.isVisible()) && (await box.locator('li').count()) > 0;
  // Views are flushed in batches and rankings cached briefly: reload until both boxes fill.
  await until(async () => {
    await gotoThread(page, '/demo');
    await page.waitForLoadState('networkidle');
    return (await filled(mostRead)) && (await filled(related));
  }, 'the most-read and related boxes', 45000);
  assert.equal(await mostRead.locator('h2').textContent(), 'الأكثر قراءة');
  assert.match(await mostRead.locator('li').first().textContent(), /مسقط|Muscat/);
  assert.equal(await related.locator('h2').textContent(), 'أخبار ذات صلة');
  assert.equal(await related.getByText('جولة جديدة من المحادثات في مسقط').count(), 0, 'never the article itself');
  await page.screenshot({ path: `${SHOTS}demo-boxes.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});
