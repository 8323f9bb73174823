import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useTestApp } from '../../../../test/app.js'
import { assertAccessible, useBrowser, visit } from '../../../../test/browser.js'
import { loadCatalog } from '../../../../test/catalog.js'

const t = useTestApp({ listen: true, setup: ctx => loadCatalog(ctx.services) })
const b = useBrowser()

test('suggestions as you type, with the keyboard only: three letters, arrows, Enter opens the procedure; Escape closes; axe on the open list', async () => {
  const page = await b.browser.newPage()
  try {
    await visit(page, `${t.url}/`)
    const box = page.getByRole('combobox', { name: 'Tìm thủ tục hành chính' })
    await box.click()
    await page.keyboard.type('bằng lá', { delay: 20 })
    const list = page.getByRole('listbox', { name: 'Gợi ý thủ tục' })
    await list.waitFor()
    assert.equal(await box.getAttribute('aria-expanded'), 'true')
    const options = page.getByRole('option')
    assert.ok(await options.count() > 0)
    assert.match((await options.allInnerTexts()).join(' | '), /lái xe/i)
    await assertAccessible(page)
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowDown')
    const second = page.getByRole('option', { selected: true })
    assert.equal(await box.getAttribute('aria-activedescendant'), await second.getAttribute('id'))
    await page.keyboard.press('ArrowUp')
    const chosen = await page.getByRole('option', { selected: true }).innerText()
    await page.keyboard.press('Escape')
    assert.equal(await box.getAttribute('aria-expanded'), 'false')
    await page.keyboard.press('ArrowDown')
    assert.equal(await page.getByRole('option', { selected: true }).innerText(), chosen)
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/thu-tuc\/[^?]+\?tim=/)
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), chosen)
    await assertAccessible(page)

    // The everyday word and a typo on the results page: the right procedure first, and the correction offered.
    await visit(page, `${t.url}/thu-tuc?q=${encodeURIComponent('lam lai giaay phep lai xe')}`)
    assert.match(await page.locator('.procedure-list h2').first().innerText(), /Cấp lại Giấy phép lái xe/)
    assert.ok(await page.getByText('Có phải bạn muốn tìm:').isVisible())
  } finally { await page.close() }
})
