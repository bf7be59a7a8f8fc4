// Browser test of kiemdiem's pages: a whole cycle in the demo district, driven through Debian's
// chromium by playwright-core (never a downloaded browser). Starts `kiemdiem serve --demo` on a
// free port (the binary from KIEMDIEM_BIN, default target/debug/kiemdiem), then:
//   members sign in (separate browser sessions) and write their self-reviews and self-evaluations;
//   the secretary writes the branch's report and her own, schedules the meeting, records the
//   reviews in the rules' order (an out-of-order review refused on screen), runs a secret ballot
//   with five members voting at once from their own sessions, closes it and proposes the levels;
//   the grassroots committee decides, one HTXSNV over the quota refused on screen with the rule;
//   the province standing committee publishes; a correction after publication; the progress page
//   shows the change. A member opening another member's self-review gets the refusal page.
// Screenshots of the key pages (phone width for the members' pages) go to e2e/output/.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'output');
mkdirSync(out, { recursive: true });
const binary = process.env.KIEMDIEM_BIN || join(here, '..', 'target', 'debug', 'kiemdiem');
const password = 'dùng thử e2e 2026';
const PHONE = { width: 360, height: 760 };
const DESK = { width: 1280, height: 900 };

function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['serve', '--demo', '--demo-password', password, '--bind', '127.0.0.1:0'], {
      env: { ...process.env, RUST_LOG: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let text = '';
    const timer = setTimeout(() => reject(new Error('the server did not start:\n' + text)), 180000);
    child.stderr.on('data', (chunk) => {
      text += chunk.toString();
      const match = text.match(/kiemdiem đang chạy tại (http:\/\/[^\s]+)/);
      if (match) {
        clearTimeout(timer);
        resolve({ child, base: match[1], log: () => text });
      }
    });
    child.on('exit', (code) => reject(new Error(`the server exited (${code}):\n${text}`)));
  });
}

const server = await startServer();
const base = server.base;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
let shots = 0;
async function shot(page, name) {
  shots += 1;
  await page.screenshot({ path: join(out, `${String(shots).padStart(2, '0')}-${name}.png`), fullPage: true });
}

/** A signed-in browser session of its own. */
async function session(login, viewport = DESK) {
  const context = await browser.newContext({ viewport, locale: 'vi-VN' });
  const page = await context.newPage();
  await page.goto(base + '/dang-nhap');
  await page.fill('#login', login);
  await page.fill('#password', password);
  await navigate(page, () => page.click('button[type=submit]'));
  assert.equal(new URL(page.url()).pathname, '/', `${login} signed in: ${page.url()}`);
  return page;
}

/** Runs `action` and waits for the page it leads to. */
async function navigate(page, action) {
  await Promise.all([page.waitForEvent('load'), action()]);
}

async function submitForm(page, selector) {
  await navigate(page, () => page.click(selector));
}

/** Writes every section of the self-review open on `page`, then submits it. */
async function writeSelfReview(page, who) {
  const areas = await page.$$('textarea');
  for (const [i, area] of areas.entries()) {
    await area.fill(`${who} — mục ${i + 1}: tự nhận xét cụ thể về phẩm chất, việc được giao trong năm, hạn chế và biện pháp khắc phục (lần ${i + 1}).`);
  }
  await submitForm(page, 'button[value=submit]');
  assert.match(page.url(), /da-nop=1/, `${who}'s self-review submitted`);
}

try {
  // ── The sign-in page lists the demo accounts.
  const anonymous = await (await browser.newContext({ viewport: DESK, locale: 'vi-VN' })).newPage();
  await anonymous.goto(base + '/');
  assert.match(anonymous.url(), /\/dang-nhap/);
  assert.ok(await anonymous.isVisible('text=Tài khoản dùng thử'));
  await shot(anonymous, 'dang-nhap');

  // ── Three members write their self-reviews and self-evaluations (phone width).
  const members = {};
  for (const login of ['dangvien1', 'dangvien2', 'dangvien3']) {
    const page = await session(login, PHONE);
    members[login] = page;
    if (login === 'dangvien1') await shot(page, 'dang-vien-viec-can-lam');
    await submitForm(page, 'ul.tasks a');
    const subjectUrl = page.url();
    members[login + '.subject'] = subjectUrl;
    await submitForm(page, 'text=Viết bản tự kiểm điểm');
    if (login === 'dangvien1') {
      await submitForm(page, 'button[value=submit]');
      assert.ok(await page.isVisible('.error'), 'an empty required section is refused');
      await shot(page, 'ban-kiem-diem-thieu-muc');
    }
    await writeSelfReview(page, login);
    await submitForm(page, 'text=Tự đánh giá, xếp loại');
    const inputs = await page.$$('input[name^="points."]');
    for (const input of inputs) {
      const label = await input.evaluate((el) => el.labels[0].textContent);
      const max = Number((label.match(/tối đa ([0-9]+)/) || [0, 10])[1]);
      await input.fill(String(Math.round(max * 0.95)));
    }
    await page.fill('#t-assigned', '10');
    await page.fill('#t-completed', '10');
    await page.fill('#t-on-time', '10');
    await page.fill('#t-exceeded', '4');
    await page.selectOption('#proposed', 'HTXSNV');
    await submitForm(page, 'button[type=submit].primary');
    assert.ok(await page.isVisible('text=Đã lưu. Tổng điểm'), `${login} self-evaluation saved`);
    if (login === 'dangvien1') await shot(page, 'tu-danh-gia');
  }

  // ── A member tries to open another member's self-review: refused.
  await members.dangvien1.goto(members['dangvien2.subject']);
  assert.ok(await members.dangvien1.isVisible('text=Không có quyền'), 'another member\'s file is refused');
  await shot(members.dangvien1, 'tu-choi-xem-ho-so-nguoi-khac');

  // ── The secretary writes the branch's report and her own, and the committee member his.
  const secretary = await session('bithu');
  await shot(secretary, 'bi-thu-viec-can-lam');
  await submitForm(secretary, 'text=Chi bộ: tình hình kiểm điểm, hội nghị');
  const branchUrl = secretary.url();
  const branchSubject = await secretary.$eval('tbody tr:has-text("Tổ chức đảng") td a', (a) => a.href);
  await secretary.goto(branchSubject);
  await submitForm(secretary, 'text=Viết bản tự kiểm điểm');
  await writeSelfReview(secretary, 'Chi bộ');
  await secretary.goto(base + '/');
  await submitForm(secretary, 'ul.tasks a');
  await submitForm(secretary, 'text=Viết bản tự kiểm điểm');
  await writeSelfReview(secretary, 'Bí thư');
  const deputy = await session('chiuy');
  await submitForm(deputy, 'ul.tasks a');
  if (await deputy.isVisible('text=Viết bản tự kiểm điểm')) {
    await submitForm(deputy, 'text=Viết bản tự kiểm điểm');
    await writeSelfReview(deputy, 'Chi ủy viên');
  }

  // ── The branch at a glance, then the meeting: branch, secretary, deputy, three members.
  await secretary.goto(branchUrl);
  await shot(secretary, 'chi-bo-tong-quan');
  const wanted = new Set();
  for (const row of await secretary.$$('tbody tr')) {
    const text = await row.innerText();
    if (/Đã nộp/.test(text)) wanted.add(await row.$eval('a', (a) => a.textContent.trim()));
  }
  assert.ok(wanted.size >= 5, `the branch's, the secretary's and three members' self-reviews submitted: ${[...wanted]}`);
  await secretary.click('summary:has-text("Lên lịch hội nghị")');
  for (const box of await secretary.$$('input[name=agenda]')) {
    const name = (await box.evaluate((el) => el.parentElement.textContent)).trim();
    if (!wanted.has(name)) await box.uncheck();
  }
  await secretary.fill('input[name=place]', 'Hội trường nhà văn hóa');
  await submitForm(secretary, 'button:has-text("Lên lịch")');
  assert.match(secretary.url(), /\/hoi-nghi\//, 'the meeting is scheduled');
  const meetingUrl = secretary.url();

  // A member reviewed before the branch is refused, naming the rule.
  const items = await secretary.$$('ol.agenda > li');
  const last = items[items.length - 1];
  await last.$eval('summary', (s) => s.click());
  await last.$eval('textarea[name=conclusion]', (t) => { t.value = 'Hoàn thành tốt nhiệm vụ'; });
  await submitForm(secretary, `ol.agenda > li:last-child button[type=submit]`);
  assert.ok(await secretary.isVisible('.error >> text=Căn cứ'), 'an out-of-order review is refused with its rule');
  await shot(secretary, 'hoi-nghi-sai-thu-tu');

  // In order: each review recorded (the notice is short: the reason is recorded).
  for (let i = 0; ; i++) {
    const open = await secretary.$$('ol.agenda > li details');
    if (open.length === 0) break;
    const item = (await secretary.$$('ol.agenda > li:has(details)'))[0];
    await item.$eval('summary', (s) => s.click());
    await item.$eval('textarea[name=comments]', (t) => { t.value = 'Các đồng chí góp ý thẳng thắn, xây dựng.'; });
    await item.$eval('textarea[name=conclusion]', (t) => { t.value = 'Hội nghị thống nhất kết luận.'; });
    const name = await item.$eval('.item-head a', (a) => a.textContent);
    await item.$eval('input[name=override_reason]', (t) => { t.value = 'Hội nghị triệu tập sớm theo chỉ đạo của đảng ủy'; });
    await navigate(secretary, () => item.$eval('button[type=submit]', (b) => b.click()));
    const error = await secretary.$('.error');
    if (error) {
      const text = await error.innerText();
      if (!/chủ trì/.test(text)) throw new Error(`review of ${name} refused: ${text}`);
      // The head's review is chaired by a deputy: choose another member present to chair it.
      const retry = (await secretary.$$('ol.agenda > li:has(details)'))[0];
      await retry.$eval('select[name=chaired_by]', (s, own) => {
        const option = [...s.options].find((o) => o.value && !own.includes(o.textContent.trim()));
        s.value = option.value;
      }, name);
      await retry.$eval('input[name=override_reason]', (t) => { t.value = 'Hội nghị triệu tập sớm theo chỉ đạo của đảng ủy'; });
      await navigate(secretary, () => retry.$eval('button[type=submit]', (b) => b.click()));
      const again = await secretary.$('.error');
      if (again) throw new Error(`review of ${name} refused: ${await again.innerText()}`);
    }
    assert.ok(i < 20, 'the agenda ends');
  }
  await shot(secretary, 'hoi-nghi-da-kiem-diem');

  // ── The secret ballot: prepared, opened, four members voting at once from their sessions.
  await secretary.click('summary:has-text("Chuẩn bị phiếu biểu quyết")');
  await submitForm(secretary, 'button:has-text("Chuẩn bị phiếu")');
  await submitForm(secretary, 'button:has-text("Mở bỏ phiếu")');
  assert.ok(await secretary.isVisible('text=Đã bỏ phiếu: 0/'), 'the live count starts at zero');
  const voters = [members.dangvien1, members.dangvien2, members.dangvien3, secretary];
  const ballotPages = [];
  for (const voter of voters) {
    const context = voter.context();
    const page = voter === secretary ? await context.newPage() : voter;
    await page.goto(base + '/');
    await submitForm(page, 'a:has-text("Bỏ phiếu")');
    ballotPages.push(page);
  }
  await shot(ballotPages[0], 'phieu-bieu-quyet');
  await Promise.all(ballotPages.map(async (page, n) => {
    for (const fieldset of await page.$$('fieldset')) {
      const radios = await fieldset.$$('input[type=radio]');
      await radios[n === 0 ? 0 : 1].check();
    }
    await submitForm(page, 'button:has-text("Xem lại phiếu")');
  }));
  await shot(ballotPages[0], 'phieu-xac-nhan');
  await Promise.all(ballotPages.map((page) => submitForm(page, 'button:has-text("Gửi phiếu")')));
  for (const page of ballotPages) {
    assert.ok(await page.isVisible('h2:has-text("Đã bỏ phiếu")'), 'each voter sees only "đã bỏ phiếu"');
    assert.ok(!(await page.isVisible('text=Hoàn thành xuất sắc')), 'never what was voted');
  }
  await shot(ballotPages[0], 'da-bo-phieu');
  await secretary.goto(meetingUrl);
  assert.ok(await secretary.isVisible('text=Đã bỏ phiếu: 4/'), 'the live count shows four papers and no vote');
  await shot(secretary, 'hoi-nghi-dang-bo-phieu');
  await submitForm(secretary, 'button:has-text("Kết thúc và kiểm phiếu")');
  assert.ok(await secretary.isVisible('text=Đã kiểm phiếu: 4 phiếu'));
  await shot(secretary, 'ket-qua-kiem-phieu');

  // ── The branch proposes the levels.
  await secretary.goto(branchUrl);
  while (await secretary.isVisible('button:has-text("Đề xuất")')) {
    await submitForm(secretary, 'button:has-text("Đề xuất")');
    const error = await secretary.$('.error');
    if (error) throw new Error('proposal refused: ' + (await error.innerText()));
  }
  await shot(secretary, 'chi-bo-de-xuat');

  // ── The grassroots committee decides; an HTXSNV beyond the quota is refused on screen.
  const committee = await session('danguy');
  await submitForm(committee, 'a:has-text("Quyết định xếp loại")');
  await shot(committee, 'quyet-dinh');
  const decideUrl = committee.url();
  // Every member asks for HTXSNV: the committee tries it for each, until the group's quota is
  // reached and the next one is refused on screen; the others get the next level down.
  let refused = false;
  const tried = new Map();
  let deferred = new Set();
  for (let guard = 0; guard < 120; guard++) {
    const forms = [];
    for (const f of await committee.$$('form:has(input[name=action][value=decide])')) {
      if (!deferred.has(await f.evaluate((form) => form.action))) forms.push(f);
    }
    if (forms.length === 0) break;
    const form = forms[0];
    const id = await form.evaluate((f) => f.action);
    const attempt = tried.get(id) || 0;
    const level = ['HTXSNV', 'HTTNV', 'HTNV', 'KHTNV'][Math.min(attempt + (refused ? 1 : 0), 3)];
    await form.$eval('select[name=level]', (s, value) => { s.value = value; }, level);
    await form.$eval('input[name=reason]', (i) => { i.value = 'Theo kết quả biểu quyết và đề xuất của chi bộ'; });
    await navigate(committee, () => form.$eval('button[type=submit]', (b) => b.click()));
    const error = await committee.$('.error');
    if (!error) {
      deferred = new Set();
      continue;
    }
    const text = await error.innerText();
    assert.match(text, /Căn cứ/, 'a refusal names its rule: ' + text);
    if (/trình tự/.test(text)) {
      // a predecessor is not decided yet (members before the branch, the branch before its head)
      deferred.add(id);
      continue;
    }
    tried.set(id, attempt + 1);
    if (!refused && /tỷ lệ/i.test(text)) {
      refused = true;
      await shot(committee, 'quyet-dinh-vuot-ty-le');
    }
    assert.ok(attempt < 3, 'some level is allowed: ' + text);
  }
  assert.ok(refused, 'one decision over the quota was refused');

  // ── The province standing committee publishes; a correction after publication.
  const province = await session('thuongvu');
  const planLink = await province.$('a:has-text("Tiến độ:")');
  await submitForm(province, 'a:has-text("Tiến độ:")');
  const planUrl = province.url();
  await submitForm(province, 'button:has-text("Công khai kết quả")');
  assert.ok(await province.isVisible('text=Đã công khai kết quả'), 'published');
  await shot(province, 'tien-do-da-cong-khai');
  const before = await province.innerText('.by-child');
  await committee.goto(decideUrl);
  const corrections = await committee.$$('form:has(input[name=action][value=correct])');
  assert.ok(corrections.length > 0, 'decided subjects can be corrected');
  const form = corrections[corrections.length - 1];
  await form.$eval('select[name=level]', (s) => { s.value = 'HTNV'; });
  await form.$eval('input[name=reason]', (i) => { i.value = 'Kết luận kiểm tra của ủy ban kiểm tra: xếp loại lại'; });
  await navigate(committee, () => form.$eval('button[type=submit]', (b) => b.click()));
  assert.ok(!(await committee.$('.error')), 'the correction is recorded');
  await shot(committee, 'dieu-chinh-sau-cong-khai');
  await province.goto(planUrl);
  const after = await province.innerText('.by-child');
  assert.notEqual(after, before, 'the progress page shows the change: ' + after);
  assert.ok(await province.isVisible('.facts >> text=Đang triển khai'), 'a correction after publication re-opens the plan');
  await shot(province, 'tien-do-sau');

  // ── The district organisation board creates an account with a role; the new user signs in with
  //    the one-time password and must choose a new one before anything else.
  const board = await session('bantochuc');
  await board.goto(base + '/to-chuc');
  const orgHref = await board.$eval('main a[href^="/to-chuc/"]', (a) => a.getAttribute('href'));
  const orgCode = decodeURIComponent(orgHref.split('/').pop());
  await board.goto(base + '/tai-khoan');
  await board.fill('#login', 'kiemtra.huyen');
  await board.fill('#display_name', 'Cán bộ Ủy ban kiểm tra huyện');
  await board.selectOption('#role', 'inspection');
  await board.fill('#at', orgCode);
  await submitForm(board, 'form[action="/tai-khoan"] button[type=submit]');
  const handed = await board.innerText('.flash.ok');
  const oneTime = handed.match(/mật khẩu[^:]*:\s*(\S+)/i)?.[1];
  assert.ok(oneTime, 'a one-time password is shown once: ' + handed);
  assert.ok(await board.isVisible('td:has-text("kiemtra.huyen")'), 'the new account is listed');
  await shot(board, 'tai-khoan-moi');
  await board.fill('#login', 'kiemtra.huyen');
  await board.fill('#display_name', 'Trùng tên đăng nhập');
  await submitForm(board, 'form[action="/tai-khoan"] button[type=submit]');
  assert.ok(await board.isVisible('.error'), 'a login already taken is refused on the page');
  assert.equal(await board.inputValue('#display_name'), 'Trùng tên đăng nhập', 'what was typed is kept');
  const newcomer = await (await browser.newContext({ viewport: DESK, locale: 'vi-VN' })).newPage();
  await newcomer.goto(base + '/dang-nhap');
  await newcomer.fill('#login', 'kiemtra.huyen');
  await newcomer.fill('#password', oneTime);
  await navigate(newcomer, () => newcomer.click('button[type=submit]'));
  assert.match(newcomer.url(), /\/mat-khau/, 'a one-time password leads to the change page: ' + newcomer.url());
  await newcomer.fill('#current_password', oneTime);
  await newcomer.fill('#new_password', 'kiểm tra huyện 2026 mới');
  await submitForm(newcomer, 'form[action="/mat-khau"] button[type=submit]');
  assert.equal(new URL(newcomer.url()).pathname, '/', 'after the change the home page opens: ' + newcomer.url());

  // ── The standing committee drafts next year's plan on its organisation's page (a year that is
  //    not one refused next to the form), renames a phase, then opens the plan.
  await province.goto(base + '/to-chuc');
  assert.ok(await province.isVisible('#lap-ke-hoach'), 'the committee may draw up a plan here');
  const nextYear = String(new Date().getFullYear() + 1);
  await province.fill('#plan-year', 'sang năm');
  await submitForm(province, '#lap-ke-hoach button[type=submit]');
  assert.ok(await province.isVisible('#lap-ke-hoach .error'), 'a year that is not one is refused next to the form');
  await province.fill('#plan-year', nextYear);
  await province.fill('#plan-title', `Kế hoạch kiểm điểm, đánh giá, xếp loại năm ${nextYear}`);
  await submitForm(province, '#lap-ke-hoach button[type=submit]');
  assert.match(province.url(), /\/ke-hoach\//, 'drafted: ' + province.url());
  await province.fill('#title_1', 'Chuẩn bị, quán triệt, hướng dẫn');
  await submitForm(province, 'form[action$="/cac-buoc"] button[type=submit]');
  assert.ok(await province.isVisible('text=Đã lưu các bước'), 'phases saved');
  await shot(province, 'ke-hoach-du-thao');
  await submitForm(province, 'form[action$="/mo"] button[type=submit]');
  assert.ok(await province.isVisible('text=Đã triển khai kế hoạch'), 'opened: ' + (await province.innerText('main')).slice(0, 600));
  await shot(province, 'ke-hoach-trien-khai');
  void planLink;
  console.log(`e2e: the whole cycle passed; ${shots} screenshots in ${out}`);
} catch (error) {
  console.error(error);
  console.error('--- server log ---\n' + server.log().slice(-3000));
  process.exitCode = 1;
} finally {
  await browser.close();
  server.child.kill('SIGINT');
}
