/* majlis embed: the comment thread and the most-read and related boxes, each in a shadow root.
 * Plain JavaScript, no framework and no build step: this file is what the service serves.
 * User text only ever reaches the page as text nodes (never innerHTML). */
(() => {
  'use strict';
  if (window.__majlisLoaded) return;
  window.__majlisLoaded = true;

  const script = document.currentScript || document.querySelector('script[src*="/widget/embed.js"]');
  const BASE = new URL(script ? script.src : location.href).origin;
  const MAX = 2000;
  const PAGE = 20;

  // ---- strings ---------------------------------------------------------------------------
  // Plural forms follow Intl.PluralRules categories (Arabic has six).
  const T = {
    ar: {
      comments: 'التعليقات', sort: 'ترتيب التعليقات', newest: 'الأحدث', oldest: 'الأقدم', top: 'الأكثر إعجاباً',
      name: 'الاسم', body: 'تعليقك', placeholder: 'شارك برأيك باحترام…', post: 'نشر التعليق', sendReply: 'نشر الرد',
      save: 'حفظ التعديل', cancel: 'إلغاء', reply: 'رد', replyTo: (n) => `الرد على ${n}`, like: 'أعجبني',
      report: 'إبلاغ', reported: 'تم الإبلاغ', reportWhy: 'لماذا تبلغ عن هذا التعليق؟', sendReport: 'إرسال البلاغ',
      reasons: { spam: 'رسائل مزعجة أو إعلان', abuse: 'إساءة أو كراهية', off_topic: 'خارج الموضوع', other: 'سبب آخر' },
      reportThanks: 'شكراً، سيراجع المشرفون هذا التعليق.', edit: 'تعديل', delete: 'حذف',
      confirmDelete: 'حذف هذا التعليق؟', yesDelete: 'نعم، احذف', deleted: 'حُذف هذا التعليق.', edited: 'معدّل',
      staff: 'فريق التحرير', pending: 'بانتظار المراجعة', loadMore: 'تحميل المزيد من التعليقات',
      empty: 'لا تعليقات بعد. كن أول من يعلّق.', loading: 'جارٍ التحميل…', loadFailed: 'تعذّر تحميل التعليقات.',
      retry: 'إعادة المحاولة', as: (n) => `تعلّق باسم ${n}`, count: (n, m) => `${n} من ${m} حرفاً`,
      honeypot: 'اترك هذا الحقل فارغاً',
      posted: 'نُشر تعليقك.', held: 'تعليقك بانتظار المراجعة وسيظهر بعد موافقة المشرفين.', rejected: 'لم يُنشر تعليقك.',
      network: 'تعذّر الاتصال بالخادم. نصّك محفوظ، حاول مرة أخرى.',
      unavailable: 'الخدمة غير متاحة مؤقتاً. نصّك محفوظ، حاول بعد قليل.',
      rateLimited: (s) => `أرسلت تعليقات كثيرة في وقت قصير. حاول بعد ${s} ثانية.`,
      closed: 'التعليقات مغلقة على هذا المقال.', banned: 'لا يمكن لهذا الحساب التعليق هنا.',
      suspended: 'حسابك موقوف عن التعليق مؤقتاً.', login: 'سجّل الدخول لتتمكن من التعليق.',
      needName: 'اكتب اسمك (حتى 50 حرفاً).', needBody: 'اكتب تعليقك أولاً.', tooLong: 'التعليق أطول من 2000 حرف.',
      badText: 'لا يمكن قبول هذا النص كما هو.', editWindow: 'انتهت مهلة تعديل هذا التعليق.',
      parentGone: 'لم يعد هذا التعليق يقبل الردود.', mustPost: 'انشر تعليقاً أو سجّل الدخول أولاً.',
      generic: 'حدث خطأ غير متوقع. نصّك محفوظ.', tokenReset: 'انتهت جلستك كضيف. أعد الإرسال.',
      resync: 'تحديثات جديدة: اضغط لإعادة التحميل', mostRead: 'الأكثر قراءة', related: 'أخبار ذات صلة',
      newComments: { zero: 'لا تعليقات جديدة', one: 'تعليق جديد واحد', two: 'تعليقان جديدان', few: '# تعليقات جديدة', many: '# تعليقاً جديداً', other: '# تعليق جديد' },
      moreReplies: { zero: 'لا ردود أخرى', one: 'عرض رد آخر', two: 'عرض ردّين آخرين', few: 'عرض # ردود أخرى', many: 'عرض # رداً آخر', other: 'عرض # رد آخر' },
      total: { zero: 'لا تعليقات', one: 'تعليق واحد', two: 'تعليقان', few: '# تعليقات', many: '# تعليقاً', other: '# تعليق' },
      views: { zero: '', one: 'قراءة واحدة', two: 'قراءتان', few: '# قراءات', many: '# قراءة', other: '# قراءة' },
    },
    en: {
      comments: 'Comments', sort: 'Sort comments', newest: 'Newest', oldest: 'Oldest', top: 'Most liked',
      name: 'Name', body: 'Your comment', placeholder: 'Share your view, respectfully…', post: 'Post comment',
      sendReply: 'Post reply', save: 'Save', cancel: 'Cancel', reply: 'Reply', replyTo: (n) => `Reply to ${n}`,
      like: 'Like', report: 'Report', reported: 'Reported', reportWhy: 'Why are you reporting this comment?',
      sendReport: 'Send report',
      reasons: { spam: 'Spam or advertising', abuse: 'Abuse or hate', off_topic: 'Off topic', other: 'Something else' },
      reportThanks: 'Thank you: the moderators will review this comment.', edit: 'Edit', delete: 'Delete',
      confirmDelete: 'Delete this comment?', yesDelete: 'Yes, delete', deleted: 'This comment was deleted.',
      edited: 'edited', staff: 'Staff', pending: 'Awaiting moderation', loadMore: 'Load more comments',
      empty: 'No comments yet. Be the first.', loading: 'Loading…', loadFailed: 'The comments could not be loaded.',
      retry: 'Try again', as: (n) => `Commenting as ${n}`, count: (n, m) => `${n} of ${m} characters`,
      honeypot: 'Leave this field empty',
      posted: 'Your comment is published.', held: 'Your comment is awaiting moderation and will appear once approved.',
      rejected: 'Your comment was not published.',
      network: 'Could not reach the server. Your text is kept; try again.',
      unavailable: 'The service is briefly unavailable. Your text is kept; try again shortly.',
      rateLimited: (s) => `You are posting too fast. Try again in ${s} seconds.`,
      closed: 'Comments are closed on this article.', banned: 'This account may not comment here.',
      suspended: 'Your account is suspended from commenting for now.', login: 'Sign in to comment.',
      needName: 'Enter your name (up to 50 characters).', needBody: 'Write your comment first.',
      tooLong: 'The comment is longer than 2,000 characters.', badText: 'This text cannot be accepted as it is.',
      editWindow: 'The time to edit this comment has passed.', parentGone: 'This comment no longer takes replies.',
      mustPost: 'Post a comment or sign in first.', generic: 'Something went wrong. Your text is kept.',
      tokenReset: 'Your guest session expired. Send again.', resync: 'New updates: select to reload',
      mostRead: 'Most read', related: 'Related stories',
      newComments: { one: '1 new comment', other: '# new comments' },
      moreReplies: { one: 'Show 1 more reply', other: 'Show # more replies' },
      total: { one: '1 comment', other: '# comments' },
      views: { one: '1 view', other: '# views' },
    },
  };

  // ---- small helpers ---------------------------------------------------------------------
  const enc = encodeURIComponent;
  function h(tag, props, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v == null || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : v);
    }
    for (const kid of kids.flat()) if (kid != null && kid !== false) el.append(kid);
    return el;
  }
  const store = (s) => ({
    get: (k) => { try { return s.getItem(k); } catch { return null; } },
    set: (k, v) => { try { v == null ? s.removeItem(k) : s.setItem(k, v); } catch { /* private mode */ } },
  });
  const local = store(window.localStorage);
  const session = store(window.sessionStorage);
  function randomId() {
    if (crypto.randomUUID) return crypto.randomUUID();
    return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
  }
  function uuidOf(bytes) {
    const x = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
    return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
  }
  function unb64(s) {
    s = s.replace(/-/g, '+').replace(/_/g, '/');
    return Uint8Array.from(atob(s + '='.repeat((4 - (s.length % 4)) % 4)), (c) => c.charCodeAt(0));
  }
  function safeHref(u) {
    try {
      const url = new URL(u, location.href);
      return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
    } catch { return null; }
  }

  function i18n(raw) {
    // `ar`, `ar-EG`… read Arabic; anything else English.
    const lang = String(raw || '').toLowerCase().startsWith('ar') ? 'ar' : 'en';
    const t = T[lang];
    // Western digits in both languages, as most Arabic news sites print them.
    const locale = lang === 'ar' ? 'ar-u-nu-latn' : 'en';
    const nf = new Intl.NumberFormat(locale);
    const pr = new Intl.PluralRules(locale);
    const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
    const dtf = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short' });
    const plural = (forms, n) => (forms[pr.select(n)] || forms.other).replace('#', nf.format(n));
    const ago = (iso) => {
      const s = (Date.parse(iso) - Date.now()) / 1000;
      for (const [unit, secs] of [['year', 31536e3], ['month', 2592e3], ['week', 604800], ['day', 86400], ['hour', 3600], ['minute', 60]]) {
        if (Math.abs(s) >= secs) return rtf.format(Math.round(s / secs), unit);
      }
      return rtf.format(0, 'second');
    };
    return { t, nf, plural, ago, dtf, dir: lang === 'ar' ? 'rtl' : 'ltr', lang };
  }

  /** The shadow root of a mount, with the stylesheet, a live region and a wrapper in the right direction. */
  function shell(host, L) {
    const root = host.shadowRoot || host.attachShadow({ mode: 'open' });
    root.replaceChildren();
    const live = h('div', { class: 'sr', role: 'status', 'aria-live': 'polite' });
    const wrap = h('div', { class: 'mj', dir: L.dir, lang: L.lang });
    root.append(h('link', { rel: 'stylesheet', href: `${BASE}/widget/embed.css` }), live, wrap);
    const announce = (msg) => { live.textContent = ''; setTimeout(() => { live.textContent = msg; }, 50); };
    return { wrap, announce };
  }

  async function request(method, path, { body, auth, headers } = {}) {
    const hd = { ...(headers || {}) };
    if (body !== undefined) hd['Content-Type'] = 'application/json';
    if (auth) hd.Authorization = auth;
    let res;
    try {
      res = await fetch(BASE + path, { method, headers: hd, credentials: 'omit', body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      return { ok: false, status: 0, data: null };
    }
    let data = null;
    if (res.status !== 204) { try { data = await res.json(); } catch { /* not JSON */ } }
    return { ok: res.ok, status: res.status, data, code: data && data.code, retryAfter: Number(res.headers.get('Retry-After')) || 0 };
  }

  // ---- identity: SSO through window.majlis.getToken, or the guest token we were given ------
  async function identity(site) {
    const m = window.majlis;
    if (m && typeof m.getToken === 'function') {
      let token = null;
      try { token = await m.getToken(); } catch { token = null; }
      if (token) {
        try {
          const claims = JSON.parse(new TextDecoder().decode(unb64(token.split('.')[1])));
          // The service stores an SSO reader as UUIDv5(URL namespace, "site\0sub").
          const ns = unb64('a6e4EZ2tEdGAtADAT9QwyA');
          const name = new TextEncoder().encode(`${site}\u0000${claims.sub}`);
          const d = new Uint8Array(await crypto.subtle.digest('SHA-1', new Uint8Array([...ns, ...name]))).slice(0, 16);
          d[6] = (d[6] & 0x0f) | 0x50;
          d[8] = (d[8] & 0x3f) | 0x80;
          return { kind: 'sso', auth: `Bearer ${token}`, me: uuidOf(d), name: claims.name };
        } catch {
          return { kind: 'sso', auth: `Bearer ${token}`, me: null, name: null };
        }
      }
    }
    const guest = local.get(`majlis:guest:${site}`);
    if (guest) {
      let me = null;
      try { me = uuidOf(unb64(guest).slice(0, 16)); } catch { /* foreign token */ }
      return { kind: 'guest', auth: `Guest ${guest}`, me, name: local.get(`majlis:name:${site}`) };
    }
    return { kind: 'anon', auth: null, me: null, name: null };
  }

  // ---- the view beacon: once per article and page view ----------------------------------
  const viewed = new Set();
  function beacon(site, article) {
    const key = `${site}/${article}`;
    if (viewed.has(key)) return;
    viewed.add(key);
    let visitor = local.get('majlis:visitor');
    if (!visitor) { visitor = randomId(); local.set('majlis:visitor', visitor); }
    const url = `${BASE}/v1/sites/${enc(site)}/articles/${enc(article)}/views`;
    const body = JSON.stringify({ visitor });
    // Same origin: JSON as JSON. Another origin: the same JSON as text/plain, which a beacon
    // may send without a CORS preflight (the service accepts both); fetch if beacons fail.
    const data = BASE === location.origin ? new Blob([body], { type: 'application/json' }) : body;
    if (!(navigator.sendBeacon && navigator.sendBeacon(url, data))) {
      fetch(url, { method: 'POST', body, keepalive: true, credentials: 'omit', headers: { 'Content-Type': 'application/json' } }).catch(() => {});
    }
  }

  // ---- the most-read and related boxes ----------------------------------------------------
  async function box(host, kind) {
    const d = host.dataset;
    const L = i18n(d.lang);
    const limit = Number(d.limit) || 5;
    if (!d.site || (kind === 'related' && !d.article)) return;
    const path = kind === 'most-read'
      ? `/v1/sites/${enc(d.site)}/popular?window=${enc(d.window || '24h')}&limit=${limit}${d.section ? `&section=${enc(d.section)}` : ''}`
      : `/v1/sites/${enc(d.site)}/articles/${enc(d.article)}/related?limit=${limit}`;
    if (kind === 'related') beacon(d.site, d.article);
    const r = await request('GET', path);
    const items = r.ok && r.data && Array.isArray(r.data.articles) ? r.data.articles.filter((a) => a.title) : [];
    // No endpoint yet, no data or an outage: the box stays out of the page.
    if (!items.length) { host.hidden = true; return; }
    host.hidden = false;
    const { wrap } = shell(host, L);
    const title = d.title || (kind === 'most-read' ? L.t.mostRead : L.t.related);
    const hid = `mj-${kind}-h`;
    wrap.append(h('section', { class: `box ${kind}`, 'aria-labelledby': hid },
      h('h2', { id: hid }, title),
      h('ol', null, items.map((a) => {
        const href = safeHref(a.url);
        const meta = [a.views ? L.plural(L.t.views, a.views) : '', a.comments ? L.plural(L.t.total, a.comments) : ''].filter(Boolean).join(' · ');
        return h('li', null,
          href ? h('a', { href, dir: 'auto' }, a.title) : h('span', { dir: 'auto' }, a.title),
          meta && h('span', { class: 'meta' }, meta));
      }))));
  }

  // ---- the thread -------------------------------------------------------------------------
  function thread(host) {
    const d = host.dataset;
    const site = d.site;
    const article = d.article;
    if (!site || !article) return;
    const L = i18n(d.lang);
    const t = L.t;
    const editWindow = (Number(d.editWindow) || 900) * 1000;
    const base = `/v1/sites/${enc(site)}/articles/${enc(article)}`;
    const { wrap, announce } = shell(host, L);
    const nodes = new Map();
    const queue = [];
    let who = { kind: 'anon' };
    let sort = 'newest';
    let cursor = null;
    let total = 0;
    let ids = 0;
    const uid = (p) => `mj-${p}-${++ids}`;

    const heading = h('h2', { id: uid('h') }, t.comments);
    const sortSel = h('select', { id: uid('sort'), onchange: () => { sort = sortSel.value; load(true); } },
      ['newest', 'oldest', 'top'].map((s) => h('option', { value: s }, t[s])));
    const pill = h('button', { type: 'button', class: 'pill', hidden: true, onclick: () => showQueued() });
    const list = h('div', { class: 'list', 'aria-busy': 'true' });
    const more = h('button', { type: 'button', class: 'more', hidden: true, onclick: () => load(false) }, t.loadMore);
    const status = h('p', { class: 'status' }, t.loading);
    const formSlot = h('div', { class: 'compose' });
    wrap.append(h('section', { class: 'thread', 'aria-labelledby': heading.id },
      h('header', { class: 'head' }, heading,
        h('span', { class: 'sortbox' }, h('label', { for: sortSel.id }, t.sort), sortSel)),
      formSlot, h('div', { class: 'pillbar' }, pill), status, list, more));

    const setTotal = (n) => { total = Math.max(0, n); heading.textContent = `${t.comments} (${L.nf.format(total)})`; };

    function errorText(r) {
      if (!r.status) return t.network;
      if (r.status === 429) return t.rateLimited(L.nf.format(r.retryAfter || 60));
      switch (r.code) {
        case 'article_closed': return t.closed;
        case 'commenter_banned': return t.banned;
        case 'commenter_suspended': return t.suspended;
        case 'login_required': case 'guests_not_allowed': case 'sso_not_configured':
        case 'token_expired': case 'invalid_token': return t.login;
        case 'invalid_guest_token': local.set(`majlis:guest:${site}`, null); return t.tokenReset;
        case 'edit_window_closed': return t.editWindow;
        case 'parent_not_published': return t.parentGone;
        case 'unknown_commenter': return t.mustPost;
        case 'validation_failed': {
          const e = (r.data.errors || [])[0] || {};
          if (e.field === 'author_name') return t.needName;
          if (e.code === 'empty') return t.needBody;
          return e.code === 'too_long' ? t.tooLong : t.badText;
        }
        default: return r.status >= 500 ? t.unavailable : t.generic;
      }
    }

    /** A like or report the server refused: said next to the comment, and announced. */
    function actionError(node, r) {
      const text = r.code === 'login_required' ? t.mustPost : errorText(r);
      if (node.slot) node.slot.replaceChildren(h('p', { class: 'msg', role: 'alert' }, text));
      else announce(text);
    }

    // -- rendering one comment
    function bodyEl(text) {
      const p = h('p', { class: 'body', dir: 'auto' });
      const re = /https?:\/\/[^\s<>"']+/gi;
      let last = 0;
      for (const m of text.matchAll(re)) {
        const url = m[0].replace(/[.,;:!?)\]}»"'\u060C\u061B\u06D4]+$/u, '');
        const href = safeHref(url);
        if (!href) continue;
        p.append(text.slice(last, m.index), h('a', { href, rel: 'nofollow ugc noopener', target: '_blank', dir: 'ltr' }, url));
        last = m.index + url.length;
      }
      p.append(text.slice(last));
      return p;
    }
    function avatar(a) {
      const words = a.name.trim().split(/\s+/u);
      const initials = words.slice(0, 2).map((w) => [...w][0] || '').join('').toUpperCase();
      let hue = 0;
      for (const ch of a.name) hue = (hue * 31 + ch.codePointAt(0)) % 360;
      const el = h('span', { class: 'av', 'aria-hidden': 'true', style: `--hue:${hue}` }, initials);
      const src = a.avatar && safeHref(a.avatar);
      if (src && src.startsWith('https:')) {
        const img = h('img', { src, alt: '', loading: 'lazy', referrerpolicy: 'no-referrer', onerror: () => img.remove() });
        el.append(img);
      }
      return el;
    }
    function render(c) {
      const el = h('article', { class: 'c', id: `c-${c.id}`, tabindex: '-1', 'data-id': c.id });
      const replies = h('div', { class: 'replies' });
      const node = nodes.get(c.id) || { c, el, replies, more: null, cursor: null };
      node.c = c; node.el = el; node.replies = replies;
      nodes.set(c.id, node);
      if (c.status === 'deleted' || !c.author) {
        el.classList.add('gone');
        el.append(h('p', { class: 'tomb' }, t.deleted), replies);
        return node;
      }
      const mine = who.me && c.author.id === who.me;
      const nameId = uid('n');
      el.setAttribute('aria-labelledby', nameId);
      const time = h('time', { datetime: c.created_at, title: L.dtf.format(new Date(c.created_at)) }, L.ago(c.created_at));
      el.append(avatar(c.author), h('div', { class: 'main' },
        h('div', { class: 'meta' },
          h('bdi', { class: 'name', id: nameId }, c.author.name),
          c.author.is_staff && h('span', { class: 'badge' }, t.staff),
          time, c.edited_at && h('span', { class: 'edited' }, `(${t.edited})`)),
        c.status === 'pending' && h('p', { class: 'note pending' }, h('strong', null, t.pending),
          c.moderation_message ? ` ${c.moderation_message}` : ''),
        bodyEl(c.body || ''),
        actions(c, node, mine),
        replies));
      for (const r of c.replies || []) replies.append(render(r).el);
      const shown = (c.replies || []).length;
      if (c.reply_count > shown) moreRepliesButton(node, c.reply_count - shown);
      return node;
    }
    function actions(c, node, mine) {
      const bar = h('div', { class: 'actions' });
      const slot = h('div', { class: 'slot' });
      if (c.status === 'published') {
        const count = h('span', null, L.nf.format(c.like_count));
        const like = h('button', { type: 'button', class: 'like', 'aria-pressed': String(!!c.liked_by_me), 'aria-label': `${t.like} (${c.like_count})` }, h('span', { 'aria-hidden': 'true' }, '♥ '), count);
        like.addEventListener('click', () => toggleLike(node, like, count));
        node.likeBtn = like; node.likeCount = count; node.slot = slot;
        bar.append(like, h('button', { type: 'button', onclick: (e) => openReply(node, slot, e.currentTarget) }, t.reply));
        if (!mine) bar.append(h('button', { type: 'button', class: 'rep', onclick: (e) => openReport(node, slot, e.currentTarget) }, t.report));
      }
      if (mine && ['published', 'pending'].includes(c.status) && Date.now() - Date.parse(c.created_at) < editWindow) {
        bar.append(h('button', { type: 'button', onclick: (e) => openEdit(node, e.currentTarget) }, t.edit));
      }
      if (mine) bar.append(h('button', { type: 'button', onclick: () => openDelete(node, slot) }, t.delete));
      return h('div', null, bar, slot);
    }
    function moreRepliesButton(node, n) {
      if (node.more) node.more.remove();
      if (n <= 0) { node.more = null; return; }
      node.more = h('button', { type: 'button', class: 'more-replies', onclick: () => loadReplies(node) }, L.plural(t.moreReplies, n));
      node.replies.after(node.more);
    }
    async function loadReplies(node) {
      node.more.disabled = true;
      const q = `limit=50${node.cursor ? `&cursor=${enc(node.cursor)}` : ''}`;
      const r = await request('GET', `/v1/comments/${node.c.id}/replies?${q}`, { auth: who.auth });
      if (!r.ok) { node.more.disabled = false; announce(errorText(r)); return; }
      let added = 0;
      for (const c of r.data.comments) if (!nodes.has(c.id)) { node.replies.append(render(c).el); added++; }
      node.cursor = r.data.next_cursor;
      const shown = node.replies.children.length;
      moreRepliesButton(node, node.cursor ? Math.max(1, r.data.total - shown) : 0);
      announce(L.plural(t.total, added));
    }

    // -- like (optimistic), report, edit, delete
    async function toggleLike(node, btn, count) {
      // One request at a time: answers to quick double clicks could arrive out of order.
      if (node.liking) return;
      node.liking = true;
      const c = node.c;
      const liked = !c.liked_by_me;
      const apply = (on, n) => { c.liked_by_me = on; c.like_count = n; btn.setAttribute('aria-pressed', String(on)); btn.setAttribute('aria-label', `${t.like} (${n})`); count.textContent = L.nf.format(n); };
      const before = [c.liked_by_me, c.like_count];
      apply(liked, c.like_count + (liked ? 1 : -1));
      const r = await request(liked ? 'PUT' : 'DELETE', `/v1/comments/${c.id}/like`, { auth: who.auth });
      node.liking = false;
      if (r.ok) apply(r.data.liked_by_me, r.data.like_count);
      else { apply(...before); actionError(node, r); }
    }
    function openReport(node, slot, opener) {
      if (slot.firstChild) { slot.replaceChildren(); return; }
      const legendId = uid('rl');
      const msg = h('p', { class: 'msg', role: 'alert' });
      const radios = Object.entries(t.reasons).map(([value, label], i) => h('label', { class: 'opt' },
        h('input', { type: 'radio', name: legendId, value, checked: i === 0 }), label));
      const form = h('form', { class: 'report' },
        h('fieldset', null, h('legend', { id: legendId }, t.reportWhy), radios),
        h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, t.sendReport),
          h('button', { type: 'button', onclick: () => { slot.replaceChildren(); opener.focus(); } }, t.cancel)), msg);
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        const reason = form.querySelector('input:checked').value;
        const r = await request('POST', `/v1/comments/${node.c.id}/reports`, { body: { reason }, auth: who.auth });
        if (r.ok || r.code === 'already_reported') {
          slot.replaceChildren(h('p', { class: 'note' }, t.reportThanks));
          opener.textContent = t.reported; opener.disabled = true;
          announce(t.reportThanks);
        } else msg.textContent = r.code === 'login_required' ? t.mustPost : errorText(r);
      });
      form.addEventListener('keydown', (e) => { if (e.key === 'Escape') { slot.replaceChildren(); opener.focus(); } });
      slot.replaceChildren(form);
      form.querySelector('input').focus();
    }
    function openDelete(node, slot) {
      const yes = h('button', { type: 'button', class: 'danger' }, t.yesDelete);
      const no = h('button', { type: 'button', onclick: () => slot.replaceChildren() }, t.cancel);
      const msg = h('p', { class: 'msg', role: 'alert' });
      yes.addEventListener('click', async () => {
        const r = await request('DELETE', `/v1/comments/${node.c.id}`, { auth: who.auth });
        if (!r.ok) { msg.textContent = errorText(r); return; }
        if (node.c.status === 'published') setTotal(total - 1);
        removeComment(node.c.id);
        announce(t.deleted);
      });
      slot.replaceChildren(h('div', { class: 'confirm', role: 'group', 'aria-label': t.confirmDelete }, h('span', null, t.confirmDelete), yes, no, msg));
      no.focus();
    }
    function removeComment(id) {
      const node = nodes.get(id);
      if (!node) return;
      if (node.replies.children.length) rerender(node, { ...node.c, status: 'deleted', author: null, body: null });
      else { node.el.remove(); if (node.more) node.more.remove(); nodes.delete(id); }
    }
    /** Draws a comment again in place, keeping the replies already shown under it. */
    function rerender(node, c) {
      const oldEl = node.el;
      const oldReplies = node.replies;
      const hadMore = !!node.more;
      render({ ...c, replies: [] });
      node.replies.replaceWith(oldReplies);
      node.replies = oldReplies;
      oldEl.replaceWith(node.el);
      moreRepliesButton(node, hadMore ? node.c.reply_count - oldReplies.children.length : 0);
    }
    function openEdit(node, opener) {
      const body = node.el.querySelector('.body');
      const form = composer({
        key: `edit:${node.c.id}`, initial: node.c.body, submitLabel: t.save, edit: true,
        send: (text) => request('PATCH', `/v1/comments/${node.c.id}`, { body: { body: text }, auth: who.auth }),
        done: (c) => {
          const wasPublic = node.c.status === 'published';
          rerender(node, { ...c, liked_by_me: node.c.liked_by_me });
          if (wasPublic && c.status !== 'published') setTotal(total - 1);
          node.el.focus();
        },
        cancel: () => { form.remove(); body.hidden = false; opener.focus(); },
      });
      body.hidden = true;
      body.after(form);
      form.querySelector('textarea').focus();
    }
    function openReply(node, slot, opener) {
      if (slot.querySelector('form.compose-form')) { slot.replaceChildren(); return; }
      const form = composer({
        key: `reply:${node.c.id}`, parent: node.c.id, submitLabel: t.sendReply, label: t.replyTo(node.c.author.name),
        send: (text, extra, headers) => request('POST', `${base}/comments`, { body: { body: text, parent_id: node.c.id, ...extra }, auth: who.auth, headers }),
        done: (c) => { slot.replaceChildren(); insert(c, true); },
        cancel: () => { slot.replaceChildren(); opener.focus(); },
      });
      slot.replaceChildren(form);
      form.querySelector('textarea').focus();
    }

    // -- the composer: new comments, replies and edits share it
    function composer(o) {
      const draftKey = `majlis:draft:${site}:${article}:${o.key}`;
      const opened = Date.now();
      let idemKey = null;
      const taId = uid('ta');
      const cntId = uid('cnt');
      const ta = h('textarea', { id: taId, rows: o.parent || o.edit ? '3' : '4', placeholder: t.placeholder, 'aria-describedby': cntId, dir: 'auto' });
      ta.value = session.get(draftKey) ?? o.initial ?? '';
      const cnt = h('span', { class: 'count', id: cntId });
      const msg = h('p', { class: 'msg', role: 'alert' });
      const nameId = uid('nm');
      const name = h('input', { id: nameId, maxlength: '50', autocomplete: 'nickname', dir: 'auto' });
      name.value = local.get(`majlis:name:${site}`) || '';
      const nameRow = h('div', { class: 'field name' }, h('label', { for: nameId }, t.name), name);
      const hp = h('input', { name: 'hp', tabindex: '-1', autocomplete: 'off' });
      const submit = h('button', { type: 'submit', class: 'primary' }, o.submitLabel);
      const who_ = h('p', { class: 'who' });
      const form = h('form', { class: 'compose-form', novalidate: true },
        h('div', { class: 'field' }, h('label', { for: taId }, o.label || t.body), ta),
        nameRow, who_,
        h('div', { class: 'hp', 'aria-hidden': 'true' }, h('label', null, t.honeypot, hp)),
        h('div', { class: 'row' }, submit, o.cancel && h('button', { type: 'button', onclick: o.cancel }, t.cancel), cnt),
        msg);
      const refreshWho = () => {
        nameRow.hidden = o.edit || who.kind !== 'anon';
        who_.hidden = o.edit || who.kind === 'anon' || !who.name;
        who_.textContent = who.name ? t.as(who.name) : '';
      };
      const count = () => {
        const n = [...ta.value.trim()].length;
        cnt.textContent = t.count(L.nf.format(n), L.nf.format(MAX));
        cnt.classList.toggle('over', n > MAX);
      };
      ta.addEventListener('input', () => { session.set(draftKey, ta.value || null); idemKey = null; count(); });
      ta.addEventListener('keydown', (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit(); } });
      // Escape closes a reply or edit form; the text stays in the draft.
      if (o.cancel) form.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.preventDefault(); o.cancel(); } });
      form.refreshWho = refreshWho;
      refreshWho(); count();
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        msg.textContent = '';
        const text = ta.value;
        const n = [...text.trim()].length;
        if (!n) { msg.textContent = t.needBody; ta.focus(); return; }
        if (n > MAX) { msg.textContent = t.tooLong; ta.focus(); return; }
        who = await identity(site);
        const extra = { form_ms: Date.now() - opened };
        if (hp.value) extra.hp = hp.value;
        if (who.kind === 'anon' && !o.edit) {
          if (!name.value.trim()) { nameRow.hidden = false; msg.textContent = t.needName; name.focus(); return; }
          extra.author_name = name.value.trim();
        }
        // One key per text: a retry after a lost answer cannot post twice.
        idemKey = idemKey || randomId();
        submit.disabled = true;
        form.setAttribute('aria-busy', 'true');
        const r = await o.send(text, extra, { 'Idempotency-Key': idemKey });
        submit.disabled = false;
        form.removeAttribute('aria-busy');
        if (!r.ok) { msg.textContent = errorText(r); if (r.code === 'invalid_guest_token') refreshAll(); return; }
        const c = r.data;
        if (c.guest_token) {
          local.set(`majlis:guest:${site}`, c.guest_token);
          if (extra.author_name) local.set(`majlis:name:${site}`, extra.author_name);
          who = await identity(site);
          refreshAll();
        }
        if (c.status === 'rejected') { msg.textContent = c.moderation_message || t.rejected; idemKey = null; ta.focus(); return; }
        session.set(draftKey, null);
        ta.value = '';
        idemKey = null;
        count();
        o.done(c);
        announce(c.status === 'pending' ? t.held : t.posted);
      });
      return form;
    }
    function refreshAll() { for (const f of wrap.querySelectorAll('form.compose-form')) f.refreshWho(); }

    // -- placing comments
    function insert(c, focus) {
      const idx = queue.findIndex((q) => q.id === c.id);
      if (idx >= 0) queue.splice(idx, 1);
      if (nodes.has(c.id) && nodes.get(c.id).el.isConnected) return null;
      const node = render({ ...c, replies: c.replies || [] });
      const parent = c.parent_id && nodes.get(c.parent_id);
      if (parent) parent.replies.append(node.el);
      else if (!c.parent_id) list.prepend(node.el);
      else return null;
      if (c.status === 'published') setTotal(total + 1);
      status.hidden = true;
      updatePill();
      if (focus) node.el.focus();
      return node;
    }
    function updatePill() {
      const n = queue.filter((c) => !nodes.has(c.id)).length;
      pill.hidden = !n && !pill.dataset.resync;
      pill.textContent = pill.dataset.resync ? t.resync : L.plural(t.newComments, n);
    }
    function showQueued() {
      if (pill.dataset.resync) { delete pill.dataset.resync; load(true); return; }
      const items = queue.splice(0).reverse();
      let first = null;
      for (const c of items) { const node = insert(c, false); if (node && !first) first = node; }
      updatePill();
      if (first) first.el.focus();
      announce(L.plural(t.newComments, items.length));
    }

    // -- loading
    async function load(reset) {
      more.disabled = true;
      list.setAttribute('aria-busy', 'true');
      if (reset) { cursor = null; status.hidden = false; status.textContent = t.loading; }
      const q = `sort=${sort}&limit=${PAGE}${cursor && !reset ? `&cursor=${enc(cursor)}` : ''}`;
      let r = await request('GET', `${base}/comments?${q}`, { auth: who.auth });
      if (r.status === 401 && who.kind === 'guest') {
        // The server no longer knows this guest token: read as a visitor.
        local.set(`majlis:guest:${site}`, null);
        who = await identity(site);
        refreshAll();
        r = await request('GET', `${base}/comments?${q}`, { auth: who.auth });
      }
      list.removeAttribute('aria-busy');
      more.disabled = false;
      if (!r.ok) {
        status.hidden = false;
        status.replaceChildren(t.loadFailed, ' ', h('button', { type: 'button', onclick: () => load(reset) }, t.retry));
        return;
      }
      if (reset) { list.replaceChildren(); nodes.clear(); queue.length = 0; updatePill(); }
      for (const c of r.data.comments) if (!nodes.has(c.id)) list.append(render(c).el);
      cursor = r.data.next_cursor;
      more.hidden = !cursor;
      setTotal(r.data.total);
      status.hidden = list.children.length > 0;
      status.textContent = t.empty;
    }

    // -- live updates: new comments wait behind the pill so the page does not move
    function live() {
      if (!window.EventSource) return;
      const es = new EventSource(`${BASE}${base}/events`);
      // For hosts and tests: whether the stream is connected (EventSource reconnects by itself).
      // A reconnection may have missed events (the stream has no replay): offer a reload.
      let opened = 0;
      es.onopen = () => {
        wrap.dataset.live = 'open';
        if (opened++) { pill.dataset.resync = '1'; updatePill(); }
      };
      es.onerror = () => { wrap.dataset.live = 'retrying'; };
      const data = (e) => { try { return JSON.parse(e.data); } catch { return null; } };
      es.addEventListener('comment.created', (e) => {
        const c = data(e);
        const held = c && nodes.get(c.id);
        // The reader's own held comment was approved: it loses its mark in place.
        if (held && held.c.status === 'pending' && c.status === 'published' && held.el.isConnected) {
          rerender(held, { ...held.c, status: 'published', moderation_message: null });
          setTotal(total + 1);
          return;
        }
        if (!c || nodes.has(c.id) || queue.some((q) => q.id === c.id)) return;
        if (c.parent_id && !nodes.has(c.parent_id)) return;
        const wasHidden = pill.hidden;
        queue.push(c);
        updatePill();
        if (wasHidden) announce(pill.textContent);
      });
      es.addEventListener('comment.edited', (e) => {
        const c = data(e);
        const node = c && nodes.get(c.id);
        // Not under the reader's hands: an open edit or reply form stays as it is.
        if (!node || !node.el.isConnected || node.el.querySelector('form')) return;
        rerender(node, { ...node.c, body: c.body, edited_at: c.edited_at });
      });
      es.addEventListener('comment.deleted', (e) => {
        const c = data(e);
        const node = c && nodes.get(c.id);
        if (node && node.c.status === 'published') { removeComment(c.id); setTotal(total - 1); }
      });
      es.addEventListener('comment.liked', (e) => {
        const c = data(e);
        const node = c && nodes.get(c.id);
        if (node && node.likeCount && node.c.like_count !== c.like_count) {
          node.c.like_count = c.like_count;
          node.likeCount.textContent = L.nf.format(c.like_count);
          node.likeBtn.setAttribute('aria-label', `${t.like} (${c.like_count})`);
        }
      });
      es.addEventListener('resync', () => { pill.dataset.resync = '1'; updatePill(); });
    }

    // Relative times stay true while the page is open.
    setInterval(() => {
      for (const el of wrap.querySelectorAll('time[datetime]')) el.textContent = L.ago(el.getAttribute('datetime'));
    }, 60000);

    (async () => {
      who = await identity(site);
      formSlot.append(composer({
        key: 'top', submitLabel: t.post,
        send: (text, extra, headers) => request('POST', `${base}/comments`, { body: { body: text, ...extra }, auth: who.auth, headers }),
        done: (c) => insert(c, true),
      }));
      beacon(site, article);
      await load(true);
      live();
    })();
  }

  function boot() {
    for (const el of document.querySelectorAll('#majlis, [data-majlis-widget]')) {
      if (el.majlisMounted) continue;
      el.majlisMounted = true;
      const kind = el.dataset.majlisWidget || 'comments';
      if (kind === 'comments') thread(el);
      else if (kind === 'most-read' || kind === 'related') box(el, kind);
    }
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
  else boot();
})();
