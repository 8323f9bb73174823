import assert from 'node:assert/strict'
import { test } from 'node:test'
import { renderDocument } from './render.js'
import type { PageContext } from './context.js'

const ctx: PageContext = {
  site: { portalName: 'Cổng <b>DVC</b>', provinceName: 'Tỉnh "Kon Tum"', provinceCode: 'H34', operatorName: 'Trung tâm', hotline: '0260.3797799', email: null, address: 'Kon Tum' },
  path: '/',
  csrfToken: 'token',
  requestId: 'r1',
  demo: false
}

function Greeting ({ name, href }: { name: string, href: string }) {
  return <p><a href={href} title={name}>{name}</a></p>
}

test('user data is escaped: a <script> in text or attributes comes out as text', () => {
  const evil = '<script>alert("xss")</script>'
  const html = renderDocument(ctx, <Greeting name={evil} href={'" onmouseover="alert(1)'} />, { title: evil })
  assert.ok(!html.includes('<script>alert'), 'no live script element')
  assert.ok(html.includes('&lt;script>alert(&quot;xss&quot;)&lt;/script>') || html.includes('&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;'), html)
  assert.ok(!html.includes('" onmouseover="'), 'attribute value cannot break out')
  assert.ok(html.includes('Cổng &lt;b>DVC&lt;/b>') || html.includes('Cổng &lt;b&gt;DVC&lt;/b&gt;'), 'site data is escaped too')
})

test('the document is Vietnamese, with a skip link, one main landmark and the title pattern', () => {
  const html = renderDocument(ctx, <p>Xin chào</p>, { title: 'Trang chủ', hasErrors: true })
  assert.match(html, /^<!doctype html><html lang="vi">/)
  assert.match(html, /<a href="#main-content" class="skip-link">/)
  assert.equal(html.match(/<main /g)?.length, 1)
  assert.match(html, /<main id="main-content"/)
  assert.match(html, /<title>Lỗi: Trang chủ – Cổng &lt;b>DVC&lt;\/b><\/title>|<title>Lỗi: Trang chủ – Cổng &lt;b&gt;DVC&lt;\/b&gt;<\/title>/)
})

test('an anonymous page comes out the same whether its layout was kept or rendered with it', async () => {
  const { renderWhole } = await import('./render.js')
  const signedIn = { ...ctx, account: { fullName: 'Nguyễn Văn A', unread: 2 } }
  const pages: Array<[PageContext, string, boolean]> = [
    [ctx, 'Trang chủ', false], [{ ...ctx, path: '/thu-tuc/1.0001' }, 'Thủ tục <"&> một', true],
    [{ ...ctx, path: '/tra-cuu-ho-so', notice: 'Đã gửi <b>' }, 'Tra cứu', false], [{ ...ctx, path: '/khac' }, 'Khác', false],
    [signedIn, 'Cá nhân', false]
  ]
  for (let round = 0; round < 2; round++) {
    for (const [page, title, hasErrors] of pages) {
      const body = <Greeting name={`${title} <script>`} href='/x?a=1&b="2"' />
      assert.equal(renderDocument(page, body, { title, hasErrors }), renderWhole(page, body, { title, hasErrors }), `${page.path} ${title}`)
    }
  }
  // A changed profile is a new object: its pages show it at once.
  const changed = { ...ctx, site: { ...ctx.site, portalName: 'Cổng mới' } }
  assert.match(renderDocument(changed, <p>x</p>, { title: 'T' }), /<title>T – Cổng mới<\/title>/)
  assert.equal(renderDocument(signedIn, <p>x</p>, { title: 'T' }).includes('Nguyễn Văn A'), true)
})

test('keeping the layout does not issue a form token: a public page stays shareable', () => {
  let issued = 0
  const site = { ...ctx.site, portalName: 'Cổng thử' }
  const page: PageContext = { ...ctx, site, get csrfToken () { issued++; return 'token' } }
  renderDocument(page, <p>x</p>, { title: 'T' })
  renderDocument(page, <p>y</p>, { title: 'T' })
  assert.equal(issued, 0)
})
