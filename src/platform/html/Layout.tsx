import type { ComponentChildren } from 'preact'
import { usePage } from './context.js'

export interface LayoutProps {
  /** The page's own title: "[Error: ]<title> – <portal>" */
  title: string
  hasErrors?: boolean
  children: ComponentChildren
}

const NAV = [
  { href: '/', label: 'Trang chủ' },
  { href: '/thu-tuc', label: 'Thủ tục hành chính' },
  { href: '/tra-cuu-ho-so', label: 'Tra cứu hồ sơ' },
  { href: '/phan-anh-kien-nghi', label: 'Phản ánh, kiến nghị' }
]

/** The main navigation's item the path is under (-1 for none): all an anonymous visitor's header depends on. */
export function currentNav (path: string): number {
  return NAV.findIndex(item => isCurrent(path, item.href))
}

/** What the previous form did (post/redirect/get), shown once at the top of the page. */
export function Notice ({ text }: { text: string | undefined }) {
  return text ? <div class='notice' role='status'><p>{text}</p></div> : null
}

function isCurrent (path: string, href: string) {
  return href === '/' ? path === '/' : path === href || path.startsWith(href + '/')
}

/** The header's item for whoever is signed in (a citizen, else an official): their name and sign-out. */
function SignedIn ({ name, home, signOut, current, csrfToken }: { name: string, home: string, signOut: string, current: boolean, csrfToken: string }) {
  return (
    <li class='nav__item nav__item--account'>
      <a class='nav__link' href={home} aria-current={current ? 'page' : undefined}>{name}</a>
      <span aria-hidden='true'> · </span>
      <form class='inline-form' action={signOut} method='post'>
        <input type='hidden' name='_csrf' value={csrfToken} />
        <button type='submit' class='link-button'>Đăng xuất</button>
      </form>
    </li>
  )
}

export function Layout ({ title, hasErrors, children }: LayoutProps) {
  const page = usePage()
  const { site, path, account, official, notice } = page
  const fullTitle = `${hasErrors ? 'Lỗi: ' : ''}${title} – ${site.portalName}`
  return (
    <html lang='vi'>
      <head>
        <meta charset='utf-8' />
        <meta name='viewport' content='width=device-width, initial-scale=1' />
        <title>{fullTitle}</title>
        <link rel='stylesheet' href='/assets/styles.css' />
        <link rel='icon' href='/assets/favicon.svg' type='image/svg+xml' />
        {/* Progressive enhancement only (suggestions as you type); every page works without it. */}
        <script type='module' src='/assets/js/suggest.js' />
      </head>
      <body>
        <a href='#main-content' class='skip-link'>Bỏ qua để đến nội dung chính</a>
        <header class='header' role='banner'>
          <div class='width-container header__inner'>
            <a href='/' class='header__brand'>
              <span class='header__portal'>{site.portalName}</span>
              <span class='header__province'>{site.provinceName}</span>
            </a>
            <nav aria-label='Điều hướng chính' class='nav'>
              <ul class='nav__list'>
                {NAV.map(item => (
                  <li class='nav__item' key={item.href}>
                    <a class='nav__link' href={item.href} aria-current={isCurrent(path, item.href) ? 'page' : undefined}>{item.label}</a>
                  </li>
                ))}
                {account && (
                  <li class='nav__item'>
                    <a class='nav__link' href='/ca-nhan/thong-bao' aria-current={isCurrent(path, '/ca-nhan/thong-bao') ? 'page' : undefined}>
                      Thông báo{(account.unread ?? 0) > 0 && <> <span class='count-badge'>{account.unread}</span><span class='visually-hidden'> thông báo mới</span></>}
                    </a>
                  </li>
                )}
                {account || official
                  ? <SignedIn name={(account ?? official)!.fullName} home={account ? '/ca-nhan' : '/can-bo'} signOut={account ? '/dang-xuat' : '/can-bo/dang-xuat'} current={isCurrent(path, account ? '/ca-nhan' : '/can-bo')} csrfToken={page.csrfToken} />
                  : (
                    <li class='nav__item nav__item--account'>
                      <a class='nav__link' href='/dang-nhap'>Đăng nhập</a>
                      <span aria-hidden='true'> / </span>
                      <a class='nav__link' href='/dang-ky'>Đăng ký</a>
                    </li>
                    )}
              </ul>
            </nav>
          </div>
        </header>
        <div class='width-container'>
          <main id='main-content' class='main' tabIndex={-1}>
            <Notice text={notice} />
            {children}
          </main>
        </div>
        <footer class='footer' role='contentinfo'>
          <div class='width-container'>
            <p class='footer__title'>{site.portalName} – {site.provinceName}</p>
            <p>Cơ quan vận hành: {site.operatorName}</p>
            <p>Địa chỉ: {site.address}</p>
            <p>
              Đường dây nóng: <a href={`tel:${site.hotline.replace(/[^\d+]/g, '')}`}>{site.hotline}</a>
              {site.email && <> · Thư điện tử: <a href={`mailto:${site.email}`}>{site.email}</a></>}
            </p>
          </div>
        </footer>
      </body>
    </html>
  )
}
