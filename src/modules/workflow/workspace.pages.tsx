import type { FastifyInstance } from 'fastify'
import { Button, Form } from '../../platform/html/components/form.js'
import { SummaryList } from '../../platform/html/components/layout-parts.js'
import { ROLES, type OfficialsService, type SignedInOfficial } from '../accounts/officials.service.js'
import type { RequireOfficial } from '../accounts/staff-session.js'
import { ADMIN_PATH } from '../accounts/views/StaffAdminPages.js'
import type { WorkflowService } from './workflow.service.js'

type WorkspaceCounts = Awaited<ReturnType<WorkflowService['counts']>>

function Workspace ({ official, counts, provinceAdmin, feedbackOverdue }: { official: SignedInOfficial, counts: WorkspaceCounts, provinceAdmin: boolean, feedbackOverdue: number }) {
  const has = (...roles: string[]) => official.roles.some(r => roles.includes(r.role))
  const card = (href: string, title: string, n: number, text: string, urgent = false) => (
    <li class='card' key={href}><a class='heading-s' href={href}>{title} ({n})</a>{urgent && n > 0 ? <> <strong class='tag tag--red'>Cần xử lý ngay</strong></> : null}<p class='body'>{text}</p></li>
  )
  return (
    <>
      <h1 class='heading-l'>Không gian làm việc</h1>
      <SummaryList rows={[
        ['Cán bộ', official.fullName],
        ['Đơn vị', official.agency.name],
        ['Vai trò', official.roles.map(r => `${ROLES[r.role]} (${r.agencyName})`).join('; ')],
        ...(official.department ? [['Phòng', official.department.name] as [string, string]] : [])
      ]} />
      {official.standsFor && official.standsFor.length > 0 && <div class='inset'><p class='body'>Hôm nay bạn xử lý thay <strong>{official.standsFor.map(s => s.fullName).join(', ')}</strong> theo ủy quyền: các bước của họ có trong mục “Cần xử lý”.</p></div>}
      {has('catalog_admin') && <p class='body'><a href='/can-bo/thu-tuc'>Thời hạn và quy trình của thủ tục</a> · <a href='/can-bo/danh-muc-quoc-gia'>Thay đổi từ Cơ sở dữ liệu quốc gia</a> · <a href='/can-bo/tu-dong-nghia'>Từ đồng nghĩa cho tìm kiếm</a> · <a href='/can-bo/ket-qua-thay-the'>Kết quả dùng thay giấy tờ</a></p>}
      {has('system_admin') && <p class='body'><a href={ADMIN_PATH}>Quản lý tài khoản cán bộ</a> · <a href='/can-bo/nhat-ky'>Nhật ký thao tác</a> · <a href='/can-bo/gio-lam-viec'>Giờ làm việc của cơ quan</a> · <a href='/can-bo/chu-ky-so'>Chứng thư số của cơ quan</a>{!has('agency_leader', 'department_head') && <> · <a href='/can-bo/thong-ke'>Thống kê (Biểu 06)</a></>}{provinceAdmin && <> · <a href='/can-bo/lich'>Lịch làm việc, ngày nghỉ</a> · <a href='/can-bo/mau-van-ban'>Mẫu văn bản</a> · <a href='/can-bo/dong-bo'>Đồng bộ với Cổng Dịch vụ công quốc gia</a></>}</p>}
      {has('receptionist', 'specialist', 'department_head', 'agency_leader') && (
        <>
          <form action='/can-bo/ho-so' method='get' role='search' aria-label='Tìm hồ sơ theo mã' class='inline-search'>
            <label class='label' for='tim-ma'>Tìm hồ sơ theo mã</label>
            <input class='input' id='tim-ma' name='ma' type='search' />
            <button type='submit' class='button button--secondary'>Tìm</button>
            <a class='body' href='/can-bo/ho-so'>Tìm kiếm nâng cao</a>
            <a class='body' href='/can-bo/so-theo-doi'>Sổ theo dõi hồ sơ (mẫu 07)</a>
            {has('agency_leader', 'department_head') && <a class='body' href='/can-bo/thong-ke'>Thống kê (Biểu 06)</a>}
          </form>
          <ul class='list cards'>
            {has('receptionist') && card('/can-bo/ho-so?hang-doi=cho-tiep-nhan', 'Chờ tiếp nhận', counts.reception, 'Hồ sơ nộp trực tuyến cần quyết định trong 8 giờ làm việc.')}
            {has('receptionist') && <li class='card'><a class='heading-s' href='/can-bo/tiep-nhan-truc-tiep'>Tiếp nhận trực tiếp, qua bưu chính</a><p class='body'>Nhập hồ sơ người đến nộp tại quầy hoặc gửi qua bưu chính, in giấy hẹn.</p></li>}
            {has('receptionist') && <li class='card'><p class='heading-s'>Chờ công dân bổ sung ({counts.waitingSupplement})</p><p class='body'>Đã yêu cầu bổ sung trước khi tiếp nhận.</p></li>}
            {card('/can-bo/ho-so?hang-doi=cua-toi', 'Cần xử lý', counts.toProcess, 'Các bước thẩm định, xem xét được giao cho bạn hoặc cho vai trò của bạn.')}
            {has('agency_leader') && card('/can-bo/ho-so?hang-doi=cho-phe-duyet', 'Chờ phê duyệt', counts.toApprove, 'Hồ sơ trình ký chờ bạn phê duyệt và ban hành kết quả.')}
            {has('receptionist') && card('/can-bo/ho-so?hang-doi=cho-tra-ket-qua', 'Chờ trả kết quả', counts.toReturn, 'Kết quả đã ban hành, chờ trả cho công dân.')}
            {card('/can-bo/ho-so?hang-doi=xin-y-kien', 'Xin ý kiến', counts.consultations, 'Cơ quan khác xin ý kiến của đơn vị bạn về hồ sơ họ đang giải quyết.')}
            {card('/can-bo/ho-so?hang-doi=sap-den-han', 'Sắp đến hạn', counts.dueSoon, 'Hồ sơ đến hạn trả kết quả trước khi hết ngày làm việc tiếp theo.')}
            {card('/can-bo/ho-so?hang-doi=qua-han', 'Quá hạn', counts.overdue, 'Hồ sơ đã quá ngày hẹn trả.', true)}
            <li class='card'><a class='heading-s' href='/can-bo/phan-anh'>Phản ánh, kiến nghị</a>{feedbackOverdue > 0 && <> <a class='tag tag--red' href='/can-bo/phan-anh?hang-doi=qua-han'>{feedbackOverdue} quá hạn trả lời</a></>}<p class='body'>Phản ánh của người dân về thủ tục, hồ sơ và cán bộ của đơn vị: phân công, trả lời, trình duyệt.</p></li>
          </ul>
        </>
      )}
      <p class='body'>{has('receptionist', 'specialist', 'department_head', 'agency_leader') && <><a href='/can-bo/uy-quyen'>Ủy quyền khi vắng mặt</a> · </>}<a href='/can-bo/mat-khau'>Đổi mật khẩu</a></p>
      <Form action='/can-bo/dang-xuat'><Button secondary>Đăng xuất</Button></Form>
    </>
  )
}

/** The official's workspace (/can-bo): their roles, the counts of their queues, and their tools. */
export async function workspacePages (app: FastifyInstance, { workflow, officials, requireOfficial, feedbackOverdue }: { workflow: Pick<WorkflowService, 'counts'>, officials: Pick<OfficialsService, 'provinceWide'>, requireOfficial: RequireOfficial, feedbackOverdue: (official: SignedInOfficial) => Promise<number> }) {
  app.get('/can-bo', { preHandler: requireOfficial }, async (request, reply) =>
    reply.page(<Workspace official={request.official!} counts={await workflow.counts(request.official!)} provinceAdmin={await officials.provinceWide(request.official!, 'system_admin')} feedbackOverdue={await feedbackOverdue(request.official!)} />, { title: 'Không gian làm việc' }))
}
