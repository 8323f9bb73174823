import type { ProcedureDetail } from '../catalog.types.js'

/** Until online submission exists, say so plainly and tell the citizen where to submit in person. */
export function SubmitPlaceholderPage ({ p }: { p: ProcedureDetail }) {
  const where = p.agencies.receiving.map(a => a.name).join('; ') || p.place
  return (
    <>
      <a href={`/thu-tuc/${encodeURIComponent(p.code)}`} class='back-link'>Quay lại thủ tục</a>
      <h1 class='heading-l'>Nộp hồ sơ trực tuyến</h1>
      <p class='lead'>{p.name}</p>
      <div class='inset'>
        <p class='body'>Chức năng nộp hồ sơ trực tuyến trên cổng này đang được triển khai và chưa nhận hồ sơ.</p>
        <p class='body'>Trong thời gian này, bạn có thể nộp hồ sơ trực tiếp hoặc qua bưu chính tại: <strong>{where}</strong>.</p>
      </div>
    </>
  )
}
