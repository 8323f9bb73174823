/**
 * Suggestions as you type in a search box (`input[data-suggest]`: the URL that answers
 * `?q=` with `[{ code, name, href }]`), as the ARIA combobox pattern describes it: after three
 * characters a list of procedure names; arrow keys move through it, Enter opens the one chosen, Escape
 * closes it; a live region says how many there are. Without this script the form searches as before.
 */
interface Suggestion { code: string, name: string, href: string }

function enhance (input: HTMLInputElement, url: string, n: number): void {
  const list = document.createElement('ul')
  list.id = `goi-y-${n}`
  list.className = 'suggestions'
  list.setAttribute('role', 'listbox')
  list.setAttribute('aria-label', 'Gợi ý thủ tục')
  list.hidden = true
  const status = document.createElement('div')
  status.className = 'visually-hidden'
  status.setAttribute('aria-live', 'polite')
  input.insertAdjacentElement('afterend', list)
  list.insertAdjacentElement('afterend', status)
  input.setAttribute('role', 'combobox')
  input.setAttribute('aria-autocomplete', 'list')
  input.setAttribute('aria-expanded', 'false')
  input.setAttribute('aria-controls', list.id)

  let items: Suggestion[] = []
  let active = -1
  let timer: ReturnType<typeof setTimeout> | undefined
  let asked = 0

  const close = () => {
    list.hidden = true
    input.setAttribute('aria-expanded', 'false')
    input.removeAttribute('aria-activedescendant')
    active = -1
  }
  const mark = (i: number) => {
    active = i
    for (const [k, li] of Array.from(list.children).entries()) li.setAttribute('aria-selected', String(k === i))
    if (i >= 0) input.setAttribute('aria-activedescendant', `${list.id}-${i}`)
    else input.removeAttribute('aria-activedescendant')
  }
  const show = (found: Suggestion[]) => {
    items = found
    list.replaceChildren(...found.map((s, i) => {
      const li = document.createElement('li')
      li.id = `${list.id}-${i}`
      li.setAttribute('role', 'option')
      li.setAttribute('aria-selected', 'false')
      li.textContent = s.name
      li.addEventListener('mousedown', e => { e.preventDefault(); window.location.href = s.href })
      return li
    }))
    status.textContent = found.length === 0 ? 'Không có gợi ý' : `Có ${found.length} gợi ý, dùng phím mũi tên để chọn`
    if (found.length === 0) { close(); return }
    list.hidden = false
    input.setAttribute('aria-expanded', 'true')
    mark(-1)
  }
  const ask = async () => {
    const q = input.value.trim()
    if (q.length < 3) { close(); status.textContent = ''; return }
    const mine = ++asked
    try {
      const res = await fetch(`${url}?q=${encodeURIComponent(q)}`, { headers: { accept: 'application/json' } })
      const found = res.ok ? await res.json() as Suggestion[] : []
      if (mine === asked) show(found)
    } catch { if (mine === asked) close() }
  }

  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => { void ask() }, 150) })
  input.addEventListener('keydown', e => {
    if (e.key === 'ArrowDown' && items.length > 0) {
      e.preventDefault()
      if (list.hidden) { list.hidden = false; input.setAttribute('aria-expanded', 'true') }
      mark((active + 1) % items.length)
    } else if (e.key === 'ArrowUp' && items.length > 0 && !list.hidden) {
      e.preventDefault()
      mark(active <= 0 ? items.length - 1 : active - 1)
    } else if (e.key === 'Enter' && active >= 0 && !list.hidden) {
      e.preventDefault()
      window.location.href = items[active]!.href
    } else if (e.key === 'Escape' && !list.hidden) {
      e.preventDefault()
      close()
    }
  })
  input.addEventListener('blur', () => { setTimeout(close, 100) })
}

document.querySelectorAll<HTMLInputElement>('input[data-suggest]').forEach((input, n) => enhance(input, input.dataset['suggest']!, n))
